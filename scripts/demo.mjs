// Flint's main job, end to end, in a terminal: an editor session driven over LSP
// against flint-lsp, a suggestion requested at the cursor, and the ghost text
// printed as it streams in.
//
//   node scripts/demo.mjs [--binary build/server/flint-lsp]
//        [--endpoint URL --kind openai-chat --model NAME --api-key-env VAR]
//
// Without --endpoint it runs twice: first with no model configured (Flint's embedded
// engine answers from matching code in the open files), then against the project's
// scripted model server standing in for a fast provider (20 ms to first token,
// 1,000 tokens/s). With --endpoint it uses that provider instead.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const binary = arg("--binary", path.join(root, "build/server/flint-lsp"));

class Client {
  constructor(initializationOptions) {
    this.server = spawn(binary, ["--stdio", "--log-level", "warn"], { stdio: ["pipe", "pipe", "inherit"] });
    this.buffer = Buffer.alloc(0);
    this.waiting = new Map();
    this.listeners = [];
    this.nextId = 1;
    this.server.stdout.on("data", (chunk) => this.receive(chunk));
    this.initializationOptions = initializationOptions;
  }
  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8"));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.method) this.listeners.forEach((listen) => listen(message));
      else if (this.waiting.has(message.id)) {
        this.waiting.get(message.id)(message);
        this.waiting.delete(message.id);
      }
    }
  }
  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
    this.server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.server.stdin.write(body);
  }
  request(method, params) {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.waiting.set(id, resolve);
      this.send({ id, method, params });
    });
  }
  notify(method, params) {
    this.send({ method, params });
  }
  async start() {
    const t = performance.now();
    const init = await this.request("initialize", {
      processId: process.pid,
      clientInfo: { name: "flint-demo" },
      capabilities: { general: { positionEncodings: ["utf-16"] }, window: { showMessage: {} } },
      initializationOptions: this.initializationOptions,
    });
    this.initMs = performance.now() - t;
    this.notify("initialized", {});
    return init.result;
  }
  async stop() {
    await this.request("shutdown", null);
    this.notify("exit");
    await new Promise((resolve) => this.server.on("exit", resolve));
  }
}

// Types `text` at the end of `lines` (an editor buffer) one keystroke at a time.
function typeInto(client, uri, lines, text, version) {
  let line = lines.length - 1;
  let character = lines[line].length;
  for (const ch of text) {
    client.notify("textDocument/didChange", { textDocument: { uri, version: ++version.value },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: ch }] });
    if (ch === "\n") {
      lines.push("");
      line++;
      character = 0;
    } else {
      lines[line] += ch;
      character += ch.length;
    }
  }
  return { line, character };
}

async function session(title, options, expectSource) {
  console.log(`\n== ${title}`);
  const client = new Client(options);
  const messages = [];
  client.listeners.push((m) => {
    if (m.method === "window/showMessage") messages.push(m.params.message);
  });
  const init = await client.start();
  console.log(`flint-lsp ${init.serverInfo.version}: initialize answered in ${client.initMs.toFixed(1)} ms`);

  const util = "file:///demo/text.py";
  client.notify("textDocument/didOpen", { textDocument: { uri: util, languageId: "python", version: 1,
    text: "def shout(words):\n    return \" \".join(word.upper() for word in words) + \"!\"\n" } });
  const uri = "file:///demo/greeter.py";
  const lines = ["import os", "", "class Greeter:", "    def __init__(self, name):", "        self.name = name", ""];
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text: lines.join("\n") } });
  // The user looks at the file for a moment, then types a method, one keystroke at a time.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const version = { value: 1 };
  const cursor = typeInto(client, uri, lines, "    def greet(self, words):\n        return \" \".join(", version);

  // Ask for a suggestion at the cursor and watch it stream.
  const requested = performance.now();
  let firstPartialMs = null;
  let lastText = "";
  let source = "";
  let from = null;
  let model = null;
  const shown = [];
  client.listeners.push((m) => {
    if (m.method !== "flint/inlineCompletion/partial") return;
    const p = m.params;
    if (p.text !== lastText || p.done) {
      const ms = performance.now() - requested;
      if (firstPartialMs === null && p.text) firstPartialMs = ms;
      shown.push({ ms, text: p.text, done: p.done });
      lastText = p.text;
    }
    source = p.source;
    if (p.from) from = p.from;
    if (p.model) model = p.model;
  });
  const response = await client.request("textDocument/inlineCompletion", {
    textDocument: { uri }, position: cursor, context: { triggerKind: 1 },
  });
  const responseMs = performance.now() - requested;
  // Let the stream finish (its last partial has done: true).
  await new Promise((resolve) => {
    const check = () => (shown.length && shown[shown.length - 1].done ? resolve() : setTimeout(check, 5));
    check();
  });

  for (const message of messages) console.log(`[flint says] ${message}`);
  console.log(`ghost text as it streamed (${source}${model ? `, model ${model}` : ""}${from ? `, from ${from.uri} line ${from.line + 1}` : ""}):`);
  for (const step of shown) console.log(`  +${step.ms.toFixed(1).padStart(6)} ms  ${JSON.stringify(step.text)}${step.done ? "  (done)" : ""}`);
  const item = response.result.items[0];
  console.log(`standard response after ${responseMs.toFixed(1)} ms: ${item ? JSON.stringify(item.insertText) : "no suggestion"}` +
              (firstPartialMs !== null ? `; first ghost text after ${firstPartialMs.toFixed(1)} ms` : ""));
  const final = shown.length ? shown[shown.length - 1].text : "";
  console.log("the buffer with the suggestion shown at the cursor:");
  const before = lines.slice(0, -1);
  const last = lines[lines.length - 1];
  [...before, `${last}\x1b[2m${final}\x1b[0m`].join("\n").split("\n").forEach((text, n) =>
    console.log(`  ${String(n + 1).padStart(2)}  ${text}`));
  await client.stop();
  if (!final) {
    console.error(`no suggestion arrived from the ${expectSource} engine`);
    process.exit(1);
  }
}

const endpoint = arg("--endpoint", null);
if (endpoint) {
  await session(`suggestions from ${endpoint}`, { provider: { kind: arg("--kind", "openai-chat"), endpoint,
    model: arg("--model", ""), apiKeyEnv: arg("--api-key-env", "") } }, "model");
} else {
  await session("no model configured: Flint's embedded engine (matching code in open files)", {}, "workspace");

  const model = spawn(process.execPath, [path.join(root, "tests/support/model-server.mjs"), "--port", "0",
    "--ttft-ms", "20", "--tps", "1000", "--reply", "word.capitalize() for word in words) + \"!\""],
    { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise((resolve) => model.stdout.once("data", (d) => resolve(JSON.parse(d.toString()).port)));
  // Warm the stand-in model once, so the timings below are Flint's and the model's,
  // not Node compiling the scripted server's code on its first request.
  await (await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: "POST", body: "{}" })).text();
  await session("a fast model: the scripted model server (20 ms to first token, 1,000 tokens/s, OpenAI chat format)",
    { provider: { kind: "openai-chat", endpoint: `http://127.0.0.1:${port}/v1`, model: "demo-model" } }, "model");
  model.stdin.end();
  console.log("\nTo use your own model: node scripts/demo.mjs --endpoint https://api.openai.com/v1 --kind openai-responses " +
              "--model gpt-5.3-codex-spark --api-key-env OPENAI_API_KEY (see README, Configuration)");
}
