// The suite's fake secrets for Node scripts, read from tests/support/TestSecrets.h (the
// one place they are written), so the C++ tests, the Node runners and the log audit
// can never disagree on them.
//
//   import { testApiKey } from "../support/test-secrets.mjs";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const header = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "TestSecrets.h"), "utf8");
const constant = (name) => {
  const m = new RegExp(`${name} = "([^"]+)"`).exec(header);
  if (!m) throw new Error(`TestSecrets.h defines no ${name}`);
  return m[1];
};

export const testApiKey = constant("kTestApiKey");
export const bufferSecret = constant("kBufferSecret");
