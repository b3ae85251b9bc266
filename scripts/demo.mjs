// A scripted editor session against flint-lsp over stdio, as VS Code or Neovim
// would drive it: initialize, open a file, type a method keystroke by keystroke,
// then ask Flint what it holds at the cursor (flint/inspect).
//   node scripts/demo.mjs [path/to/flint-lsp]
import { spawn } from "node:child_process";

const binary = process.argv[2] ?? "build/server/flint-lsp";
const server = spawn(binary, ["--stdio", "--log-level", "warn"], { stdio: ["pipe", "pipe", "inherit"] });

let buffer = Buffer.alloc(0);
const waiting = new Map();
server.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8"));
    buffer = buffer.subarray(headerEnd + 4 + length);
    if (message.id !== undefined && waiting.has(message.id)) {
      waiting.get(message.id)(message);
      waiting.delete(message.id);
    }
  }
});

const send = (message) => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
};
let nextId = 1;
const request = (method, params) =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    send({ id, method, params });
  });
const notify = (method, params) => send({ method, params });

const uri = "file:///demo/greeter.py";
const lines = ["import os", "", "class Greeter:", "    def __init__(self, name):", "        self.name = name", ""];
const typed = ["    def greet(self):", "        return f'héllo {self.name} 😀'"];

const started = performance.now();
const init = await request("initialize", {
  processId: process.pid,
  clientInfo: { name: "flint-demo" },
  capabilities: { general: { positionEncodings: ["utf-16"] } },
});
const initMs = performance.now() - started;
notify("initialized", {});
notify("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text: lines.join("\n") } });

// Type the method one character at a time, as an editor reports keystrokes.
let version = 1, line = lines.length - 1, character = 0, keystrokes = 0;
const typingStarted = performance.now();
for (const [i, text] of typed.entries()) {
  if (i > 0) {
    notify("textDocument/didChange", { textDocument: { uri, version: ++version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: "\n" }] });
    line++; character = 0; keystrokes++;
  }
  for (const ch of text) {
    const units = ch.length; // UTF-16 code units: 2 for the emoji
    notify("textDocument/didChange", { textDocument: { uri, version: ++version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: ch }] });
    character += units; keystrokes++;
  }
}
const inspect = await request("flint/inspect", { textDocument: { uri }, position: { line, character: character - 3 } });
const typingMs = performance.now() - typingStarted;
await request("shutdown", null);
notify("exit");

const r = inspect.result;
const info = init.result.serverInfo;
console.log(`${info.name} ${info.version}: initialize answered in ${initMs.toFixed(1)} ms ` +
            `(position encoding ${init.result.capabilities.positionEncoding})`);
console.log(`typed ${keystrokes} keystrokes as incremental didChange; document version ${r.version}, ` +
            `${r.lineCount} lines, ${r.length} UTF-16 units (${r.byteLength} bytes); ` +
            `keystrokes + inspect round trip: ${typingMs.toFixed(1)} ms`);
const finalLines = [...lines.slice(0, -1), ...typed];
const expectedBytes = Buffer.byteLength(finalLines.join("\n"), "utf8");
if (r.byteLength !== expectedBytes || r.version !== version) {
  console.error(`flint-lsp is out of sync: ${r.byteLength} bytes at version ${r.version}, ` +
                `the editor has ${expectedBytes} bytes at version ${version}`);
  process.exit(1);
}
console.log("\nthe editor's buffer; Flint's copy matches it, | is the position Flint reports:");
finalLines.forEach((text, n) => {
  const mark = n === r.position.line ? text.slice(0, r.position.character) + "|" + text.slice(r.position.character) : text;
  console.log(`  ${String(n + 1).padStart(2)}  ${mark}`);
});
console.log(`\nsyntax (${r.syntaxLanguage}, errors: ${r.hasSyntaxErrors}): ${r.nodePath.join(" > ")}`);
console.log(`enclosing scopes: ${r.scopes.map((s) => `${s.kind} ${s.name}`).join(" > ")}`);
console.log("\nModel suggestions are not in this build yet: see README.md, Status.");
server.on("exit", (code) => process.exit(code ?? 1));
