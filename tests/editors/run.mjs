// Runs one real editor, headless, against flint-lsp and the scripted model server,
// and prints what happened as a terminal capture (docs/editors/ shows these).
//
//   node tests/editors/run.mjs neovim build/server/flint-lsp
//   node tests/editors/run.mjs emacs  build/server/flint-lsp
//
// The editor runs its own test script (tests/editors/<editor>/...), which talks to
// Flint through the editor's own LSP client, checks the buffer, and exits non-zero
// on any failure. Everything is on loopback; every wait has a deadline.
//
// flint-lsp runs with the suite's test API key (tests/support/TestSecrets.h) in
// FLINT_API_KEY and logs at trace level; every model request must carry the key, and
// with FLINT_TEST_LOG_DIR set (ctest sets it) the log is copied there for the secret
// audit (tests/support/audit-logs.py).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { testApiKey } from "../support/test-secrets.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const [editor, lspArg] = process.argv.slice(2);
if (!editor || !lspArg) {
  console.error("usage: node tests/editors/run.mjs <neovim|emacs> <path to flint-lsp>");
  process.exit(2);
}
const flintLsp = path.resolve(lspArg);
const deadlineMs = Number(process.env.FLINT_EDITOR_TEST_TIMEOUT_MS || 60000);

// The document the editor opens; the cursor goes at the end of line 2 (after "+ ").
const source = 'import os\n\ndef greet(name):\n    message = "h\u00e9llo \u{1F600} " + \n    return message\n';

function startModelServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, "..", "support", "model-server.mjs"), "--port", "0",
      "--reply", "```python\nname.upper()\n```"], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ child, port: JSON.parse(line).port });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`model server exited (${code})`)));
  });
}

function commandFor(workdir) {
  if (editor === "neovim") {
    return ["nvim", ["--headless", "--clean", "-n", "-i", "NONE", "-u", path.join(here, "neovim", "flint_test.lua")]];
  }
  if (editor === "emacs") {
    return ["emacs", ["--batch", "-Q", "-l", path.join(here, "emacs", "flint-test.el")]];
  }
  console.error(`unknown editor '${editor}'`);
  process.exit(2);
}

const model = await startModelServer();
// One reply per model request, in the order the editor scripts make them: the inline
// completion, then (Neovim) the code action's rewrite of `return message`, then the
// next edit's rewrite of its editable region (the whole file, as Neovim holds it by
// then) carrying the rename of `message` to its use.
const renamed = 'import os  # \u00e9dited\n\ndef greet(name):\n    msg = "h\u00e9llo \u{1F600} " + name.upper()\n' +
  '    return msg.strip()\n\ngreet("w\u00f6rld")\n';
for (const reply of ["```python\nname.upper()\n```", "    return message.strip()\n", renamed]) {
  const response = await fetch(`http://127.0.0.1:${model.port}/__flint/queue`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reply }),
  });
  if (!response.ok) throw new Error(`queueing a reply failed: ${response.status}`);
}
const workdir = mkdtempSync(path.join(tmpdir(), `flint-${editor}-`));
writeFileSync(path.join(workdir, "greet.py"), source);
const [program, args] = commandFor(workdir);
const env = { ...process.env, FLINT_LSP: flintLsp, FLINT_MODEL_PORT: String(model.port), FLINT_WORKDIR: workdir,
              FLINT_API_KEY: testApiKey };
const child = spawn(program, args, { cwd: workdir, env, stdio: ["ignore", "pipe", "pipe"] });
let output = "";
child.stdout.on("data", (chunk) => (output += chunk));
child.stderr.on("data", (chunk) => (output += chunk));
const timer = setTimeout(() => {
  output += `\n${editor} did not finish within ${deadlineMs} ms: killed\n`;
  child.kill("SIGKILL");
}, deadlineMs);
let code = await new Promise((resolve) => child.on("exit", (c, signal) => resolve(signal ? 1 : c)));
clearTimeout(timer);
// The key was in use: every model request carried it (so the log audit has something to find).
const requests = await (await fetch(`http://127.0.0.1:${model.port}/__flint/requests`)).json();
const keyless = requests.filter((r) => r.headers.authorization !== `Bearer ${testApiKey}`).length;
if (!requests.length || keyless) {
  output += `the model server saw ${requests.length} request(s), ${keyless} without the test API key\n`;
  code = code || 1;
}
model.child.stdin.end();
model.child.kill();

console.log(`== ${editor} (headless) with flint-lsp and the scripted model server`);
process.stdout.write(output.endsWith("\n") ? output : output + "\n");
const log = path.join(workdir, "flint.log");
if (code !== 0 && existsSync(log)) console.log(`-- flint-lsp log:\n${readFileSync(log, "utf8")}`);
if (process.env.FLINT_TEST_LOG_DIR && existsSync(log)) {
  mkdirSync(process.env.FLINT_TEST_LOG_DIR, { recursive: true });
  copyFileSync(log, path.join(process.env.FLINT_TEST_LOG_DIR, `editors-${editor}-${process.pid}.log`));
}
if (process.env.FLINT_EDITOR_KEEP) console.log(`kept ${workdir}`);
else rmSync(workdir, { recursive: true, force: true });
console.log(code === 0 ? "PASS" : `FAIL (exit ${code})`);
process.exit(code === 0 ? 0 : 1);
