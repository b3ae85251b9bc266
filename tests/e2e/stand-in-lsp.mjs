#!/usr/bin/env node
// A stand-in for flint-lsp that answers `flint/inlineEdit` with one scripted edit,
// in the documented shape, so the extension's inline-edit renderer can be tested
// in a real VS Code before (and apart from) the server's next-edit engine. Every
// message it receives is appended, one JSON line each, to $FLINT_STAND_IN_LOG; with
// $FLINT_STAND_IN_EXPECT_KEY set it also logs whether $FLINT_API_KEY equals it.
//   FLINT_STAND_IN_EDIT='{"text": "width", "range": {...}, "jump": true}'
import fs from "node:fs";

const log = process.env.FLINT_STAND_IN_LOG;
const script = JSON.parse(process.env.FLINT_STAND_IN_EDIT ?? "{}");
const versions = new Map();
let pending = Buffer.alloc(0);

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

function answer(m) {
  switch (m.method) {
    case "initialize":
      return { capabilities: { textDocumentSync: 2, executeCommandProvider: { commands: ["flint.acceptInlineEdit"] } } };
    case "flint/inlineEdit": {
      const uri = m.params.textDocument.uri;
      const edit = {
        text: script.text,
        textDocument: { uri, version: versions.get(uri) },
        range: script.range,
        command: { title: "Accept next edit", command: "flint.acceptInlineEdit", arguments: ["stand-in-1"] },
      };
      return { edits: [edit], complete: true, ...(script.jump ? { jump: { range: script.range } } : {}) };
    }
    default:
      return null;
  }
}

process.stdin.on("data", (data) => {
  pending = Buffer.concat([pending, data]);
  for (;;) {
    const end = pending.indexOf("\r\n\r\n");
    if (end < 0) return;
    const length = Number(/Content-Length: *(\d+)/i.exec(pending.subarray(0, end).toString())[1]);
    if (pending.length < end + 4 + length) return;
    const m = JSON.parse(pending.subarray(end + 4, end + 4 + length).toString());
    pending = pending.subarray(end + 4 + length);
    if (log) fs.appendFileSync(log, JSON.stringify(m) + "\n");
    // Whether this process got the key the test stored, without writing the key anywhere.
    if (m.method === "initialize" && log && process.env.FLINT_STAND_IN_EXPECT_KEY)
      fs.appendFileSync(log, JSON.stringify({ apiKeyInEnvironment: process.env.FLINT_API_KEY === process.env.FLINT_STAND_IN_EXPECT_KEY }) + "\n");
    if (m.method === "textDocument/didOpen" || m.method === "textDocument/didChange")
      versions.set(m.params.textDocument.uri, m.params.textDocument.version);
    if (m.method === "exit") process.exit(0);
    if (m.id !== undefined && m.method !== undefined) send({ id: m.id, result: answer(m) });
  }
});
process.stdin.on("end", () => process.exit(0));
