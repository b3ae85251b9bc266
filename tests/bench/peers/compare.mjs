// Flint side by side with the raw model and the completion servers people use today,
// in one run, on the same inputs, on this machine.
//
//   node tests/bench/peers/compare.mjs [--smoke] [--only flint,copilot,tabby] [--no-install]
//        [--flint build/server/flint-lsp] [--json FILE] [--out DIR]
//   node tests/bench/peers/compare.mjs --render build/bench-peers.json [--out DIR]
//
// Installs the pinned peers (package.json + package-lock.json beside this file, scripts
// off) when they are missing, builds nothing (it uses build/), and measures:
//   1. added latency per suggestion (Flint, tabby-agent; the raw model's own client as the
//      floor): request into the server -> first suggestion bytes out, minus the scripted
//      model's own time to its first token, at TTFT 20 ms and 1,000 / 3,000 tok/s on a
//      10,000-line file, interleaved request by request; and request in -> request on the wire;
//   2. keystroke cost: CPU of the whole process tree per one-character didChange on a
//      5,000-line file (a 1,000-keystroke burst, and typing at ~185 changes/s), and the
//      round trip of a cheap request (an unknown method: -32601) while typing;
//   3. start-up to the initialize response; resident memory of the process tree idle, with
//      50 open 5,000-line documents, and after the burst;
//   4. Flint's streaming relay through flint-lsp at 1k / 10k / 100k tok/s and its CPU per token;
//   5. the VS Code end-to-end figure, when tests/e2e has left one in build/e2e-artifacts/.
// Prints a table with the ratio Flint/peer, writes JSON (build/bench-peers.json), a markdown
// table (build/bench-peers.md) and plots (SVG, and PNG when rsvg-convert is installed) to
// build/bench-peers/ (--render: those again from a run's JSON, measuring nothing). --smoke: tiny counts, every path and every peer, written beside
// (build/bench-peers-smoke*); it fails when a figure is missing, never on a figure's value.
//
// Copilot's completion path needs a GitHub sign-in, so only its start-up, memory, keystroke
// cost and request round trip are measured. Its traffic is pointed at a dead loopback proxy
// (127.0.0.1:9) and telemetry is off; tabby-agent talks only to the scripted model server.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { LspServer, nowNs, treeCpuNs, treeRssKiB } from "./lsp.mjs";
import { Typist, cppFile, middleLine, pythonFile } from "./corpus.mjs";
import { barPlot, cdfPlot, speedPlot } from "./plots.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

const smoke = flag("--smoke");
const counts = smoke
  ? { startupRuns: 1, documents: 2, burst: 60, typing: 40, idlePings: 5, latency: 4, warmup: 1, relayStreams: 1, settleMaxMs: 4000 }
  : { startupRuns: 7, documents: 50, burst: 1000, typing: 1000, idlePings: 50, latency: 200, warmup: 5, relayStreams: 10, settleMaxMs: 20000 };
const typingRate = 185; // changes per second: a fast typist with auto-repeat
const speeds = [1000, 3000];
const relayRates = [1000, 10000, 100000];
const ttftMs = 20;
const flintBinary = path.resolve(root, option("--flint", "build/server/flint-lsp"));
const jsonPath = path.resolve(root, option("--json", smoke ? "build/bench-peers-smoke.json" : "build/bench-peers.json"));
const outDir = path.resolve(root, option("--out", smoke ? "build/bench-peers-smoke" : "build/bench-peers"));
const only = option("--only", "flint,copilot,tabby").split(",");
const peersDir = here;
const modules = path.join(peersDir, "node_modules");

const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (ns) => ns / 1e6;
const loadavg = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);

function quantiles(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => (v.length ? v[Math.min(v.length - 1, Math.floor(q * v.length))] : NaN);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), n: v.length };
}
const median = (values) => quantiles(values).p50;

// ---------------------------------------------------------------------------------------
// The systems under test

const SYSTEMS = {
  flint: { key: "flint", name: "Flint", color: "#d9480f" },
  copilot: { key: "copilot", name: "Copilot LS", color: "#1c7ed6" },
  tabby: { key: "tabby", name: "tabby-agent", color: "#2f9e44" },
};
const RAW = { key: "raw", name: "raw model client (floor)", color: "#495057" };
// Flint again, on a C++ file: the same request where a keystroke's reparse is cheap.
const FLINT_CPP = { key: "flint_cpp", name: "Flint, C++ file", color: "#f59f00" };
const label = (k) => (k === "raw" ? RAW : k === "flint_cpp" ? FLINT_CPP : SYSTEMS[k]);

function peerVersion(pkg) {
  try {
    return JSON.parse(fs.readFileSync(path.join(modules, pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

function commandFor(key) {
  if (key === "flint") return [flintBinary, ["--stdio"]];
  // The native build: what `node language-server.js` itself runs on Node < 22.13, and what
  // Neovim and Emacs users get from npm.
  if (key === "copilot") return [path.join(modules, "@github/copilot-language-server-linux-x64/copilot-language-server"), ["--stdio"]];
  return [process.execPath, [path.join(modules, "tabby-agent/dist/cli.js"), "--lsp", "--stdio"]];
}

/** npm install of the pinned peers, skipped when package.json and the lockfile are unchanged. */
function ensurePeers() {
  const stamp = path.join(modules, ".flint-peers.sha256");
  const hash = crypto.createHash("sha256");
  for (const f of ["package.json", "package-lock.json"]) hash.update(fs.readFileSync(path.join(peersDir, f)));
  const want = hash.digest("hex");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want) return;
  if (flag("--no-install")) throw new Error(`the peers are not installed: run npm install in ${peersDir}`);
  log(`== installing the pinned peers (npm, scripts off) into ${path.relative(root, modules)}`);
  // --omit=optional: Copilot's package would pull its native builds and the Copilot CLI for
  // every platform; the one native build used here is a direct, pinned dependency.
  const r = spawnSync("npm", ["install", "--omit=optional", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: peersDir, stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("npm install of the peers failed");
  fs.writeFileSync(stamp, want);
}

// ---------------------------------------------------------------------------------------
// The scripted model server (tests/support/model-server.mjs), run as its own process

async function startModel() {
  const child = spawn(process.execPath, [path.join(root, "tests/support/model-server.mjs"), "--port", "0"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => resolve(JSON.parse(d.toString()).port));
    child.once("exit", (code) => reject(new Error(`the scripted model server exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const control = async (method, p, body) => {
    const r = await fetch(base + p, { method, body: body ? JSON.stringify(body) : undefined });
    return r.json();
  };
  return {
    child, port, base,
    script: (s) => control("POST", "/__flint/script", s),
    lastRequests: (n) => control("GET", `/__flint/requests?last=${n}`),
    count: async () => (await control("GET", "/__flint/requests?last=1"))[0]?.id ?? 0,
    stop: () => child.stdin.end(),
  };
}

// ---------------------------------------------------------------------------------------
// Starting a server the way an editor does

const started = new Set();
function cleanup() {
  for (const s of started) {
    try {
      process.kill(-s.pid, "SIGKILL");
    } catch {}
  }
}
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

function homeFor(key, model) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `flint-bench-${key}-`));
  fs.mkdirSync(path.join(home, ".tabby-client/agent"), { recursive: true });
  fs.writeFileSync(
    path.join(home, ".tabby-client/agent/config.toml"),
    `[server]\nendpoint = "${model.base}"\n\n[anonymousUsageTracking]\ndisable = true\n`,
  );
  fs.mkdirSync(path.join(home, "work"));
  return home;
}

function flintConfig(model) {
  return { provider: { kind: "openai-chat", endpoint: `${model.base}/v1`, model: "bench" } };
}

// Anything a peer sends out goes to a closed port on loopback: nothing leaves the machine.
const deadProxy = "http://127.0.0.1:9";

function launch(key, model) {
  const home = homeFor(key, model);
  const [command, argv] = commandFor(key);
  const env = {
    ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), XDG_CACHE_HOME: path.join(home, ".cache"),
    HTTP_PROXY: deadProxy, HTTPS_PROXY: deadProxy, http_proxy: deadProxy, https_proxy: deadProxy,
    NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost",
  };
  const server = LspServer.spawn(key, command, argv, { env, cwd: path.join(home, "work") });
  started.add(server);
  server.home = home;
  server.workspace = path.join(home, "work");
  server.onServerRequest = (m) => {
    if (m.method !== "workspace/configuration") return null;
    return m.params.items.map(({ section }) =>
      section === "flint" ? flintConfig(model)
      : section === "http" ? { proxy: deadProxy, proxyStrictSSL: false }
      : section === "telemetry" ? { telemetryLevel: "off" }
      : {},
    );
  };
  return server;
}

function initializeParams(server, model) {
  const uri = `file://${server.workspace}`;
  return {
    processId: process.pid,
    clientInfo: { name: "flint-bench-peers", version: "1" },
    rootUri: uri,
    workspaceFolders: [{ uri, name: "work" }],
    capabilities: {
      general: { positionEncodings: ["utf-16"] },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: true },
        completion: { completionItem: { snippetSupport: false } },
        inlineCompletion: { dynamicRegistration: false },
      },
      workspace: { configuration: true, workspaceFolders: true },
      window: { workDoneProgress: true, showMessage: {} },
    },
    initializationOptions: {
      ...flintConfig(model),
      editorInfo: { name: "flint-bench-peers", version: "1" },
      editorPluginInfo: { name: "flint-bench-peers", version: "1" },
    },
  };
}

async function startServer(key, model) {
  const server = launch(key, model);
  const init = await server.request("initialize", initializeParams(server, model));
  if (init.error) throw new Error(`${key}: initialize failed: ${JSON.stringify(init.error)}`);
  server.notify("initialized", {});
  server.startupMs = ms(init.receivedNs - server.spawnedNs);
  server.capabilities = init.result.capabilities;
  return server;
}

async function stopServer(server) {
  await server.stop();
  started.delete(server);
  fs.rmSync(server.home, { recursive: true, force: true });
}

/** The cheapest request every server answers: an unknown method (-32601). */
async function ping(server) {
  const r = await server.request("flint-bench/ping", {});
  if (!r.error) throw new Error(`${server.name} answered an unknown method without an error`);
  return ms(r.receivedNs - r.sentNs);
}

/** Waits until the tree's CPU time stops growing (a quiet window), or `maxMs`. */
async function settle(server, { quietMs = 300, minMs = 0, maxMs = counts.settleMaxMs, thresholdMs = 1 } = {}) {
  const start = Date.now();
  let last = treeCpuNs(server.pid);
  for (;;) {
    await sleep(quietMs);
    const now = treeCpuNs(server.pid);
    const quiet = ms(now - last) < thresholdMs;
    last = now;
    if ((quiet && Date.now() - start >= minMs) || Date.now() - start > maxMs) return;
  }
}

// ---------------------------------------------------------------------------------------
// 3. Start-up: spawn -> initialize response, interleaved

async function measureStartup(keys, model) {
  log(`\n== start-up: spawn -> initialize response (${counts.startupRuns} run(s) each, interleaved)`);
  const runs = Object.fromEntries(keys.map((k) => [k, []]));
  // The floor: starting a process from here at all (flint-lsp --version, to its exit).
  const floor = [];
  for (let i = 0; i < counts.startupRuns; ++i) {
    const t0 = nowNs();
    await new Promise((resolve) => spawn(flintBinary, ["--version"], { stdio: "ignore" }).on("exit", resolve));
    floor.push(ms(nowNs() - t0));
    for (const key of keys) {
      const server = await startServer(key, model);
      runs[key].push(server.startupMs);
      await stopServer(server);
    }
  }
  for (const key of keys) log(`  ${SYSTEMS[key].name.padEnd(12)} median ${median(runs[key]).toFixed(1)} ms  (${runs[key].map((v) => v.toFixed(0)).join(", ")})`);
  log(`  floor: spawn -> exit of flint-lsp --version, median ${median(floor).toFixed(1)} ms`);
  return {
    ...Object.fromEntries(keys.map((k) => [k, { runs_ms: runs[k], median_ms: median(runs[k]) }])),
    process_start_floor: { runs_ms: floor, median_ms: median(floor) },
  };
}

// ---------------------------------------------------------------------------------------
// 2 and 3. Memory and keystroke cost: one long session per server, phase by phase

function openDocuments(server, n) {
  const docs = [];
  for (let i = 0; i < n; ++i) {
    const file = path.join(server.workspace, `widgets_${i}.py`);
    const text = pythonFile(5000, i);
    fs.writeFileSync(file, text);
    const uri = `file://${file}`;
    server.notify("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text } });
    docs.push({ uri, text, version: 1 });
  }
  return docs;
}

function keystroke(server, doc, typist) {
  const change = typist.next();
  doc.version += 1;
  return server.notify("textDocument/didChange", {
    textDocument: { uri: doc.uri, version: doc.version },
    contentChanges: [change],
  });
}

/** Types `counts.typing` keystrokes at ~185/s with a request every tenth: CPU and round trips. */
async function typeSteadily(server, doc, typist, idleCpuMsPerS) {
  const interval = 1000 / typingRate;
  const pending = [];
  const c0 = treeCpuNs(server.pid);
  const t0 = nowNs();
  for (let i = 0; i < counts.typing; ++i) {
    const due = t0 + i * interval * 1e6;
    const ahead = ms(due - nowNs());
    if (ahead >= 1) await sleep(ahead);
    keystroke(server, doc, typist);
    if (i % 10 === 5) pending.push(ping(server));
  }
  const typed = nowNs();
  const rtts = await Promise.all(pending);
  await settle(server, { minMs: 1500 });
  const t1 = nowNs();
  const cpu = treeCpuNs(server.pid) - c0 - (idleCpuMsPerS * 1e6 * (t1 - t0)) / 1e9;
  return {
    keystrokes: counts.typing, achieved_rate: counts.typing / ((typed - t0) / 1e9),
    cpu_per_keystroke_us: Math.max(0, cpu) / counts.typing / 1e3, rtt_ms: quantiles(rtts),
  };
}

async function measureSessions(keys, model) {
  log(`\n== memory and keystroke cost (sessions side by side, phase by phase)`);
  const sessions = {};
  for (const key of keys) sessions[key] = { server: await startServer(key, model), figures: {} };
  const each = async (phase) => {
    for (const key of keys) await phase(sessions[key].server, sessions[key].figures, key);
  };

  // Idle: initialized, nothing open, background start-up work done.
  await each(async (server, f) => {
    await ping(server);
    await settle(server, { minMs: 1000 });
    f.rss_idle_mib = treeRssKiB(server.pid) / 1024;
  });
  // 50 open 5,000-line documents.
  await each(async (server, f) => {
    server.docs = openDocuments(server, counts.documents);
    await ping(server);
    await settle(server, { minMs: 1000 });
    f.rss_documents_mib = treeRssKiB(server.pid) / 1024;
    f.documents = counts.documents;
  });
  // Idle CPU rate (timers, watchers): subtracted from the keystroke phases.
  await each(async (server, f) => {
    const t0 = nowNs();
    const c0 = treeCpuNs(server.pid);
    await sleep(smoke ? 300 : 2000);
    f.idle_cpu_ms_per_s = ms(treeCpuNs(server.pid) - c0) / ((nowNs() - t0) / 1e9);
  });
  // Idle round trip of the cheap request.
  await each(async (server, f) => {
    const rtts = [];
    for (let i = 0; i < counts.idlePings; ++i) {
      rtts.push(await ping(server));
      await sleep(20);
    }
    f.rtt_idle_ms = quantiles(rtts);
  });
  // The burst: 1,000 one-character changes written back to back, then a request behind them.
  await each(async (server, f) => {
    const doc = server.docs[0];
    server.typist = new Typist(doc.text);
    const c0 = treeCpuNs(server.pid);
    const t0 = nowNs();
    for (let i = 0; i < counts.burst; ++i) keystroke(server, doc, server.typist);
    await ping(server);
    const digested = nowNs();
    await settle(server, { minMs: 1500 });
    const t1 = nowNs();
    const cpu = treeCpuNs(server.pid) - c0 - (f.idle_cpu_ms_per_s * 1e6 * (t1 - t0)) / 1e9;
    f.burst = { keystrokes: counts.burst, cpu_per_keystroke_us: Math.max(0, cpu) / counts.burst / 1e3, digest_ms: ms(digested - t0) };
    f.rss_after_burst_mib = treeRssKiB(server.pid) / 1024;
  });
  // Typing at ~185 changes/s with a request every tenth keystroke, in the Python file.
  await each(async (server, f) => {
    f.typing = await typeSteadily(server, server.docs[0], server.typist, f.idle_cpu_ms_per_s);
  });
  // The same in a 5,000-line C++ file (the parse cost of a keystroke depends on the grammar).
  await each(async (server, f) => {
    const file = path.join(server.workspace, "widgets.cpp");
    const text = cppFile(5000, 1);
    fs.writeFileSync(file, text);
    const doc = { uri: `file://${file}`, text, version: 1 };
    server.notify("textDocument/didOpen", { textDocument: { uri: doc.uri, languageId: "cpp", version: 1, text } });
    await ping(server);
    await settle(server, { minMs: 1000 });
    const typist = new Typist(text, "        if (amount > 0) size_ += amount;", "int total = compute(alpha, beta) + 1;");
    f.typing_cpp = await typeSteadily(server, doc, typist, f.idle_cpu_ms_per_s);
  });
  // Why Copilot's completion latency is not measured: what its completion path answers here.
  if (sessions.copilot) {
    const server = sessions.copilot.server;
    const status = await server.request("checkStatus", {});
    const r = await server.request("textDocument/inlineCompletion", {
      textDocument: { uri: server.docs[0].uri, version: server.docs[0].version }, position: { line: 10, character: 0 }, context: { triggerKind: 1 },
    });
    sessions.copilot.figures.completion_answer = { checkStatus: status.result ?? status.error, inlineCompletion: r.error ?? { items: r.result?.items?.length } };
    log(`  Copilot LS: checkStatus ${JSON.stringify(status.result ?? status.error)}; textDocument/inlineCompletion ${JSON.stringify(r.error ?? r.result).slice(0, 200)}`);
  }
  for (const key of keys) await stopServer(sessions[key].server);
  const out = Object.fromEntries(keys.map((k) => [k, sessions[k].figures]));
  for (const key of keys) {
    const f = out[key];
    log(`  ${SYSTEMS[key].name.padEnd(12)} RSS idle ${f.rss_idle_mib.toFixed(1)} MiB, ${f.documents} docs ${f.rss_documents_mib.toFixed(1)} MiB, ` +
        `after burst ${f.rss_after_burst_mib.toFixed(1)} MiB; CPU/keystroke burst ${f.burst.cpu_per_keystroke_us.toFixed(1)} us, ` +
        `typing ${f.typing.cpu_per_keystroke_us.toFixed(1)} us; RTT idle p50 ${f.rtt_idle_ms.p50.toFixed(2)} ms, ` +
        `typing p50/p99 ${f.typing.rtt_ms.p50.toFixed(2)}/${f.typing.rtt_ms.p99.toFixed(2)} ms (${f.typing.achieved_rate.toFixed(0)} changes/s); ` +
        `C++ typing ${f.typing_cpp.cpu_per_keystroke_us.toFixed(1)} us, RTT p50 ${f.typing_cpp.rtt_ms.p50.toFixed(2)} ms`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// 1. Added latency per suggestion, and the raw model as the floor

// About 40 tokens of 4 characters. The cursor is after `value_N = ` (Python) or
// `int value_N = ` (C++): Flint's shaping asks for one line there and keeps what parses,
// so the first line is a statement both grammars accept (`;` ends a Python statement too).
const REPLY = "self.size * 2;\n        self.items.append(value)\n        total = sum(self.items) + self.size\n        return total\n";

class RawClient {
  constructor(model) {
    this.model = model;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** POSTs `body` to /v1/chat/completions; resolves at the end with the first delta's time. */
  stream(body) {
    return new Promise((resolve, reject) => {
      let firstNs = 0;
      const req = http.request(
        { host: "127.0.0.1", port: this.model.port, path: "/v1/chat/completions", method: "POST", agent: this.agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          res.on("data", (chunk) => {
            if (!firstNs && /"content":"[^"]/.test(chunk.toString("utf8"))) firstNs = nowNs();
          });
          res.on("end", () => resolve({ sentNs, firstNs }));
        },
      );
      req.on("socket", (s) => s.setNoDelay(true));
      req.on("error", reject);
      const sentNs = nowNs();
      req.end(body);
    });
  }
}

async function latencySession(key, model, text, line, languageId = "python") {
  const server = await startServer(key, model);
  const file = path.join(server.workspace, languageId === "cpp" ? "widgets.cpp" : "widgets.py");
  fs.writeFileSync(file, text);
  server.doc = { uri: `file://${file}`, version: 1, line, statement: languageId === "cpp" ? "        int value_" : "        value_" };
  server.notify("textDocument/didOpen", { textDocument: { uri: server.doc.uri, languageId, version: 1, text } });
  // Flint's partials, by request id.
  server.partials = new Map();
  server.onNotification = (m, receivedNs) => {
    if (m.method !== "flint/inlineCompletion/partial") return;
    const list = server.partials.get(m.params.id) ?? [];
    list.push({ ...m.params, receivedNs });
    server.partials.set(m.params.id, list);
  };
  await ping(server);
  await settle(server, { minMs: 500 });
  return server;
}

/** One suggestion: a fresh line (so no cache can answer), then the request at its end. */
async function suggest(server, model, i) {
  const doc = server.doc;
  const content = `${doc.statement}${i} = `;
  doc.version += 1;
  server.notify("textDocument/didChange", {
    textDocument: { uri: doc.uri, version: doc.version },
    contentChanges: [{ range: { start: { line: doc.line, character: 0 }, end: { line: doc.line + 1, character: 0 } }, text: content + "\n" }],
  });
  const position = { line: doc.line, character: content.length };
  const before = await model.count();
  let sentNs;
  let firstNs;
  let text = "";
  if (server.name === "flint") {
    const r = server.requestId("textDocument/inlineCompletion", {
      textDocument: { uri: doc.uri, version: doc.version }, position, context: { triggerKind: 2 },
    });
    sentNs = r.sentNs;
    await r.promise;
    const deadline = Date.now() + 10000;
    while (!(server.partials.get(r.id) ?? []).some((p) => p.done) && Date.now() < deadline) await sleep(1);
    const parts = server.partials.get(r.id) ?? [];
    server.partials.delete(r.id);
    const first = parts.find((p) => p.text);
    firstNs = first?.receivedNs;
    text = parts.at(-1)?.text ?? "";
  } else {
    // tabby-agent 1.5.0 serves textDocument/completion (no inlineCompletion): its answer
    // is the first and only time the suggestion leaves it.
    const r = await server.request("textDocument/completion", {
      textDocument: { uri: doc.uri }, position, context: { triggerKind: 1 },
    });
    sentNs = r.sentNs;
    firstNs = r.receivedNs;
    text = r.result?.items?.[0]?.insertText ?? r.result?.items?.[0]?.textEdit?.newText ?? "";
  }
  const records = (await model.lastRequests(1)).filter((rec) => rec.id > before);
  return { sentNs, firstNs, text, record: records[0] };
}

function addedFigures(samples) {
  const ok = samples.filter((s) => s.firstNs && s.record?.firstTokenNs);
  const modelMs = ok.map((s) => ms(s.record.firstTokenNs - s.record.receivedNs));
  return {
    samples: samples.length, answered: ok.length,
    added_ms: quantiles(ok.map((s) => ms(s.firstNs - s.sentNs) - ms(s.record.firstTokenNs - s.record.receivedNs))),
    first_bytes_ms: quantiles(ok.map((s) => ms(s.firstNs - s.sentNs))),
    on_the_wire_ms: quantiles(ok.map((s) => ms(s.record.receivedNs - s.sentNs))),
    model_own_ms: quantiles(modelMs),
    added_values_ms: ok.map((s) => ms(s.firstNs - s.sentNs) - ms(s.record.firstTokenNs - s.record.receivedNs)),
  };
}

async function measureLatency(keys, model) {
  const lat = keys.filter((k) => k !== "copilot");
  if (keys.includes("flint")) lat.splice(1, 0, "flint_cpp");
  log(`\n== added latency per suggestion: ${lat.map((k) => label(k).name).join(", ")} and the raw model client, ` +
      `${counts.latency} requests each per speed, interleaved, 10,000-line file`);
  const text = pythonFile(10000, 7);
  const line = middleLine(text, "        return self.size");
  const servers = {};
  const cpp = cppFile(10000, 7);
  for (const key of lat)
    servers[key] = key === "flint_cpp"
      ? await latencySession("flint", model, cpp, middleLine(cpp, "        return size_;"), "cpp")
      : await latencySession(key, model, text, line);
  const raw = new RawClient(model);
  const results = [];
  let lastFlintBody = null;
  for (const speed of speeds) {
    await model.script({ reply: REPLY, tokenChars: 4, ttftMs, tokensPerSecond: speed, holdAfter: null, fault: null });
    const samples = Object.fromEntries([...lat, "raw"].map((k) => [k, []]));
    for (let i = -counts.warmup; i < counts.latency; ++i) {
      const round = {};
      for (const key of lat) round[key] = await suggest(servers[key], model, speed * 1000 + i + counts.warmup);
      if (round.flint?.record) lastFlintBody = round.flint.record.body;
      // The floor: Flint's own request body (or a chat body of the same size), sent by a
      // plain streaming client on a warm keep-alive connection to the same server.
      const body = lastFlintBody ?? JSON.stringify({ model: "bench", stream: true, messages: [{ role: "user", content: text.slice(0, 8000) }] });
      const before = await model.count();
      const r = await raw.stream(body);
      const record = (await model.lastRequests(1)).filter((rec) => rec.id > before)[0];
      round.raw = { ...r, record, text: "" };
      if (i >= 0) for (const key of Object.keys(round)) samples[key].push(round[key]);
    }
    const row = { tokens_per_second: speed, ttft_ms: ttftMs };
    for (const key of Object.keys(samples)) row[key] = addedFigures(samples[key]);
    for (const key of lat) {
      const got = samples[key].at(-1)?.text ?? "";
      row[key].last_text = got;
      if (!got) log(`  warning: ${label(key).name} returned no suggestion text at ${speed} tok/s`);
    }
    results.push(row);
    const line = (k, name) => {
      const f = row[k];
      return `  ${name.padEnd(26)} added p50/p90/p99 ${f.added_ms.p50.toFixed(2)}/${f.added_ms.p90.toFixed(2)}/${f.added_ms.p99.toFixed(2)} ms, ` +
        `first bytes p50 ${f.first_bytes_ms.p50.toFixed(1)} ms, request on the wire p50 ${f.on_the_wire_ms.p50.toFixed(2)} ms (${f.answered}/${f.samples})`;
    };
    log(` ${speed.toLocaleString("en-US")} tok/s, TTFT ${ttftMs} ms:`);
    for (const key of lat) log(line(key, label(key).name));
    log(line("raw", RAW.name));
  }
  for (const key of lat) await stopServer(servers[key]);
  raw.agent.destroy();
  return results;
}

// ---------------------------------------------------------------------------------------
// 4. Streaming relay through flint-lsp

async function measureRelay(model) {
  log(`\n== streaming relay through flint-lsp (${counts.relayStreams} stream(s) of 256 tokens per rate), against the raw client`);
  const text = pythonFile(2000, 9);
  const line = middleLine(text, "        return self.size");
  const server = await latencySession("flint", model, text, line);
  const raw = new RawClient(model);
  // 256 tokens (Flint asks for at most 256) of code that nothing after the cursor repeats.
  let reply = "";
  for (let i = 0; reply.length < 1024; ++i) reply += `        v${String(i).padStart(3, "0")} = f(${String(i).padStart(3, "0")}) + 1\n`;
  reply = reply.slice(0, 1024);
  const tokens = reply.length / 4;
  const rows = [];
  for (const rate of relayRates) {
    await model.script({ reply, tokenChars: 4, ttftMs: 0, tokensPerSecond: rate, holdAfter: null, fault: null });
    const flint = { seconds: 0, tokens: 0, cpuNs: 0, partials: 0, exact: true };
    const floor = { seconds: 0, tokens: 0 };
    for (let k = 0; k < counts.relayStreams; ++k) {
      const doc = server.doc;
      doc.version += 1;
      // A fresh statement (no cache can answer), then the cursor on the indented blank
      // line below it: there Flint's shaping asks for several lines, so the whole reply streams.
      const content = `        relay_${rate}_${k} = 0\n        `;
      server.notify("textDocument/didChange", {
        textDocument: { uri: doc.uri, version: doc.version },
        contentChanges: [{ range: { start: { line: doc.line, character: 0 }, end: { line: doc.line + 1, character: 0 } }, text: content + "\n" }],
      });
      await ping(server);
      await settle(server, { quietMs: 100, maxMs: 2000 }); // the keystroke's reparse is not relay work
      const c0 = treeCpuNs(server.pid);
      const r = server.requestId("textDocument/inlineCompletion", {
        textDocument: { uri: doc.uri, version: doc.version }, position: { line: doc.line + 1, character: 8 }, context: { triggerKind: 2 },
      });
      await r.promise;
      const deadline = Date.now() + 20000;
      while (!(server.partials.get(r.id) ?? []).some((p) => p.done) && Date.now() < deadline) await sleep(1);
      const cpu = treeCpuNs(server.pid) - c0;
      const parts = server.partials.get(r.id) ?? [];
      server.partials.delete(r.id);
      const first = parts.find((p) => p.text);
      const last = parts.at(-1);
      const got = last?.text ?? "";
      // The first line loses the indentation already typed on the cursor line (shaping).
      flint.exact &&= got === reply.trimStart().trimEnd();
      flint.tokens += got.length / 4;
      flint.seconds += first && last ? (last.receivedNs - first.receivedNs) / 1e9 : 0;
      flint.cpuNs += cpu;
      flint.partials += parts.length;
      // The floor: the same stream straight to a plain client.
      const body = (await model.lastRequests(1))[0]?.body ?? "{}";
      let firstNs = 0;
      let lastNs = 0;
      let streamed = "";
      await new Promise((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: model.port, path: "/v1/chat/completions", method: "POST", agent: raw.agent,
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
          (res) => {
            res.on("data", (chunk) => {
              const now = nowNs();
              if (!firstNs) firstNs = now;
              lastNs = now;
              streamed += chunk.toString("utf8");
            });
            res.on("end", resolve);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
      floor.tokens += (streamed.match(/"content":"[^"]/g) ?? []).length;
      floor.seconds += (lastNs - firstNs) / 1e9;
    }
    const row = {
      target_tokens_per_second: rate, tokens_per_stream: tokens, streams: counts.relayStreams,
      flint_tokens_per_second: flint.tokens / flint.seconds, flint_cpu_us_per_token: flint.cpuNs / 1e3 / Math.max(1, flint.tokens),
      flint_partials_per_stream: flint.partials / counts.relayStreams, flint_exact: flint.exact,
      raw_tokens_per_second: floor.tokens / floor.seconds,
      // What one core could relay at this CPU cost per token.
      flint_capacity_tokens_per_second: 1e6 / (flint.cpuNs / 1e3 / Math.max(1, flint.tokens)),
    };
    rows.push(row);
    log(`  ${String(rate).padStart(6)} tok/s: Flint relays ${row.flint_tokens_per_second.toFixed(0)} tok/s at ${row.flint_cpu_us_per_token.toFixed(1)} us CPU/token ` +
        `(${row.flint_partials_per_stream.toFixed(0)} partials/stream${flint.exact ? "" : ", TEXT DIFFERS"}); raw client ${row.raw_tokens_per_second.toFixed(0)} tok/s; ` +
        `ratio ${(row.flint_tokens_per_second / row.raw_tokens_per_second).toFixed(2)}`);
  }
  await stopServer(server);
  raw.agent.destroy();
  return rows;
}

// ---------------------------------------------------------------------------------------
// Results from other programs

function modelLayerRelay() {
  const binary = path.join(root, "build/tests/flint-model-bench");
  if (smoke || !fs.existsSync(binary)) return null;
  const json = path.join(root, "build/bench-model-results.json");
  const r = spawnSync(binary, ["--json", json], { encoding: "utf8" });
  if (r.status !== 0) return null;
  return JSON.parse(fs.readFileSync(json, "utf8")).relay ?? null;
}

function e2eFigure() {
  const file = path.join(root, "build/e2e-artifacts/latency.json");
  if (!fs.existsSync(file)) return null;
  try {
    return { ...JSON.parse(fs.readFileSync(file, "utf8")), file: path.relative(root, file), modified: fs.statSync(file).mtime.toISOString() };
  } catch {
    return null;
  }
}

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model;
  return {
    cpu, cores: os.cpus().length, memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()}`, node: process.version,
  };
}

// ---------------------------------------------------------------------------------------
// The table, the JSON, the plots

function table(report) {
  const rows = [];
  const fmt = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? "n/a" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits));
  const add = (figure, unit, target, values) => rows.push({ figure, unit, target, ...values });
  const per = (get) => Object.fromEntries(Object.keys(report.systems).map((k) => [k, (() => { try { return get(k); } catch { return undefined; } })()]));
  if (report.latency.length) {
    for (const row of report.latency) {
      const s = `${row.tokens_per_second / 1000}k tok/s`;
      for (const q of ["p50", "p90", "p99"])
        add(`added latency per suggestion ${q}, ${s}`, "ms", q === "p99" ? "≤ 1 ms" : "", { ...per((k) => row[k]?.added_ms[q]), raw: row.raw.added_ms[q] });
      if (row.flint_cpp)
        for (const q of ["p50", "p99"])
          add(`added latency per suggestion ${q}, ${s}, Flint on a C++ file`, "ms", "", { flint: row.flint_cpp.added_ms[q], raw: row.raw.added_ms[q] });
      add(`request in → on the wire p50, ${s}`, "ms", "", { ...per((k) => row[k]?.on_the_wire_ms.p50), raw: 0 });
      add(`request in → first suggestion bytes p50, ${s}`, "ms", "", { ...per((k) => row[k]?.first_bytes_ms.p50), raw: row.raw.first_bytes_ms.p50 });
    }
  }
  add(`CPU per keystroke, ${report.counts.burst.toLocaleString("en-US")}-keystroke burst, Python file`, "µs", "≥ 20× below the best peer", per((k) => report.sessions[k].burst.cpu_per_keystroke_us));
  add(`CPU per keystroke, typing at ${typingRate}/s, Python file`, "µs", "", per((k) => report.sessions[k].typing.cpu_per_keystroke_us));
  add(`CPU per keystroke, typing at ${typingRate}/s, C++ file`, "µs", "", per((k) => report.sessions[k].typing_cpp.cpu_per_keystroke_us));
  add("request round trip while typing p50", "ms", "", per((k) => report.sessions[k].typing.rtt_ms.p50));
  add("request round trip while typing p99", "ms", "", per((k) => report.sessions[k].typing.rtt_ms.p99));
  add("request round trip idle p50", "ms", "", per((k) => report.sessions[k].rtt_idle_ms.p50));
  add("start-up to initialize response (floor: a process start)", "ms", "≤ 10 ms", { ...per((k) => report.startup[k].median_ms), raw: report.startup.process_start_floor.median_ms });
  add("RSS idle (process tree)", "MiB", "≤ 10 MiB", per((k) => report.sessions[k].rss_idle_mib));
  add(`RSS with ${report.counts.documents} open 5,000-line documents`, "MiB", "", per((k) => report.sessions[k].rss_documents_mib));
  add("RSS after the burst", "MiB", "", per((k) => report.sessions[k].rss_after_burst_mib));
  for (const r of report.relay) {
    const k = `${r.target_tokens_per_second / 1000}k tok/s`;
    add(`relay through flint-lsp, model streaming at ${k}: achieved`, "tok/s", "", { flint: r.flint_tokens_per_second, raw: r.raw_tokens_per_second });
    add(`relay at ${k}: CPU per token (one core: ${Math.round(r.flint_capacity_tokens_per_second).toLocaleString("en-US")} tok/s)`, "µs",
        r.target_tokens_per_second === 100000 ? "≥ 100k tok/s" : "", { flint: r.flint_cpu_us_per_token });
  }
  if (report.e2e?.ghost_median_ms !== undefined)
    add("VS Code: keystroke → visible ghost text (e2e)", "ms", "", { flint: report.e2e.ghost_median_ms, raw: report.e2e.echo_median_ms });

  const keys = Object.keys(report.systems);
  const peers = keys.filter((k) => k !== "flint");
  // The floor's columns: Flint's overhead over it as the difference and the ratio.
  const ratio = (a, b) => (a > 0 && b > 0 ? (a / b >= 0.1 ? (a / b).toFixed(2) : (a / b).toExponential(1)) : "");
  const header = ["figure", "target", "Flint", "floor", "Flint − floor", "Flint/floor",
    ...peers.map((k) => SYSTEMS[k].name), ...peers.map((k) => `Flint/${SYSTEMS[k].name}`)];
  const lines = rows.map((r) => [
    `${r.figure} (${r.unit})`, r.target, fmt(r.flint, 2), r.raw === undefined ? "" : fmt(r.raw, 2),
    r.raw === undefined || r.flint === undefined ? "" : fmt(r.flint - r.raw, 2), r.raw === undefined ? "" : ratio(r.flint, r.raw),
    ...peers.map((k) => fmt(r[k], 2)),
    ...peers.map((k) => ratio(r.flint, r[k])),
  ]);
  return { rows, header, lines };
}

function printTable({ header, lines }) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmtLine = (l) => l.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(" | ");
  log(fmtLine(header));
  log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const l of lines) log(fmtLine(l));
}

function markdown({ header, lines }, report) {
  const row = (cells) => `| ${cells.join(" | ")} |`;
  return [
    `Machine: ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memory_gib} GiB; ${report.machine.kernel}; Node ${report.machine.node}.`,
    `Load average (1/5/15 min) at the start ${report.load.start.join(" / ")}, at the end ${report.load.end.join(" / ")}. ` +
      `Figures are medians (or the quantile named) of one run${report.mode === "smoke" ? " in --smoke mode (tiny counts: not figures to quote)" : ""}, ${report.date}.`,
    "",
    row(header),
    row(header.map((_, i) => (i < 2 ? "---" : "---:"))),
    ...lines.map(row),
    "",
  ].join("\n");
}

function plots(report) {
  fs.mkdirSync(outDir, { recursive: true });
  const written = [];
  const write = (name, svg) => {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, svg);
    written.push(file);
    if (spawnSync("sh", ["-c", "command -v rsvg-convert"]).status === 0) {
      const png = file.replace(/\.svg$/, ".png");
      if (spawnSync("rsvg-convert", ["-o", png, file]).status === 0) written.push(png);
    }
  };
  const lat = ["flint", "flint_cpp", ...Object.keys(report.systems)].filter((k, i, all) => report.latency[0]?.[k] && all.indexOf(k) === i);
  const dashes = ["", "6 4"];
  if (report.latency.length) {
    const series = [];
    for (const [i, row] of report.latency.entries()) {
      for (const k of [...lat, "raw"]) {
        const sys = label(k);
        series.push({ label: `${sys.name.replace(" (floor)", "")}, ${row.tokens_per_second / 1000}k tok/s`, color: sys.color, dash: dashes[i], values: row[k].added_values_ms });
      }
    }
    write("latency-distribution.svg", cdfPlot({
      title: "Added latency per suggestion: distribution",
      xLabel: "request in → first suggestion bytes out, minus the model's own time (log scale)", series,
    }));
    write("added-latency-vs-speed.svg", speedPlot({
      title: "Added latency per suggestion against model speed",
      yLabel: "added latency (log scale)",
      speeds: report.latency.map((r) => r.tokens_per_second),
      series: [...lat, "raw"].map((k) => ({
        label: label(k).name, color: label(k).color,
        points: report.latency.map((r) => r[k].added_ms),
      })),
    }));
  }
  const keys = Object.keys(report.systems);
  const systems = keys.map((k) => SYSTEMS[k]);
  const f1 = (u) => (v) => `${v >= 100 ? v.toFixed(0) : v.toPrecision(2)} ${u}`;
  write("footprint.svg", barPlot({
    title: `Keystroke cost (typing at ${typingRate}/s), start-up and memory (whole process tree)`,
    systems,
    groups: [
      { label: "CPU/key, Python", format: f1("µs"), values: Object.fromEntries(keys.map((k) => [k, report.sessions[k].typing.cpu_per_keystroke_us])) },
      { label: "CPU/key, C++", format: f1("µs"), values: Object.fromEntries(keys.map((k) => [k, report.sessions[k].typing_cpp.cpu_per_keystroke_us])) },
      { label: "RTT typing p50", format: f1("ms"), values: Object.fromEntries(keys.map((k) => [k, report.sessions[k].typing.rtt_ms.p50])) },
      { label: "start-up", format: f1("ms"), values: Object.fromEntries(keys.map((k) => [k, report.startup[k].median_ms])) },
      { label: "RSS idle", format: f1("MiB"), values: Object.fromEntries(keys.map((k) => [k, report.sessions[k].rss_idle_mib])) },
      { label: `RSS ${report.counts.documents} docs`, format: f1("MiB"), values: Object.fromEntries(keys.map((k) => [k, report.sessions[k].rss_documents_mib])) },
    ],
  }));
  return written;
}

/** --smoke: every figure the run promises must be there and be a number. */
function checkComplete(report, keys) {
  const missing = [];
  const num = (v, what) => {
    if (typeof v !== "number" || !Number.isFinite(v)) missing.push(what);
  };
  for (const k of keys) {
    num(report.startup[k]?.median_ms, `${k} start-up`);
    const s = report.sessions[k] ?? {};
    num(s.rss_idle_mib, `${k} RSS idle`);
    num(s.rss_documents_mib, `${k} RSS with documents`);
    num(s.rss_after_burst_mib, `${k} RSS after burst`);
    num(s.burst?.cpu_per_keystroke_us, `${k} CPU per keystroke`);
    num(s.typing?.cpu_per_keystroke_us, `${k} CPU per keystroke typing`);
    num(s.typing?.rtt_ms?.p50, `${k} RTT while typing`);
    num(s.typing_cpp?.cpu_per_keystroke_us, `${k} CPU per keystroke typing C++`);
  }
  for (const row of report.latency)
    for (const k of [...keys.filter((k) => k !== "copilot"), ...(keys.includes("flint") ? ["flint_cpp"] : []), "raw"]) {
      num(row[k]?.added_ms?.p50, `${k} added latency at ${row.tokens_per_second}`);
      num(row[k]?.on_the_wire_ms?.p50, `${k} request on the wire at ${row.tokens_per_second}`);
      if (k !== "raw" && !row[k]?.last_text) missing.push(`${k} suggestion text at ${row.tokens_per_second}`);
    }
  if (keys.includes("flint")) for (const r of report.relay) num(r.flint_tokens_per_second, `relay at ${r.target_tokens_per_second}`);
  return missing;
}

/** --render FILE: the table, markdown and plots again from a run's JSON, measuring nothing. */
function render(file) {
  const report = JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));
  const t = table(report);
  printTable(t);
  const md = path.resolve(file).replace(/\.json$/, ".md");
  fs.writeFileSync(md, markdown(t, report));
  const files = plots(report);
  log(`wrote ${[md, ...files].map((f) => path.relative(root, f)).join(", ")}`);
}

async function main() {
  if (option("--render")) return render(option("--render"));
  if (!fs.existsSync(flintBinary)) throw new Error(`no ${path.relative(root, flintBinary)}: build it first (cmake --build build --target flint-lsp)`);
  const keys = Object.keys(SYSTEMS).filter((k) => only.includes(k));
  if (keys.some((k) => k !== "flint")) ensurePeers();
  const report = {
    mode: smoke ? "smoke" : "full", date: new Date().toISOString(), machine: machine(), load: { start: loadavg() },
    systems: Object.fromEntries(keys.map((k) => [k, {
      name: SYSTEMS[k].name,
      version: k === "flint" ? spawnSync(flintBinary, ["--version"], { encoding: "utf8" }).stdout.trim()
        : k === "copilot" ? `@github/copilot-language-server ${peerVersion("@github/copilot-language-server-linux-x64")} (native linux-x64 build)`
        : `tabby-agent ${peerVersion("tabby-agent")} (Node ${process.version})`,
    }])),
    counts,
  };
  log(`Flint side by side (${report.mode}): ${keys.map((k) => report.systems[k].version).join("; ")}`);
  log(`machine: ${report.machine.cpu}, ${report.machine.cores} cores; load average at the start ${report.load.start.join(" ")}`);
  const model = await startModel();
  try {
    await model.script({ reply: REPLY, tokenChars: 4, ttftMs, tokensPerSecond: 1000 });
    report.startup = await measureStartup(keys, model);
    report.sessions = await measureSessions(keys, model);
    report.latency = keys.includes("flint") || keys.includes("tabby") ? await measureLatency(keys, model) : [];
    report.relay = keys.includes("flint") ? await measureRelay(model) : [];
  } finally {
    model.stop();
  }
  report.model_layer_relay = modelLayerRelay();
  report.e2e = e2eFigure();
  report.load.end = loadavg();

  log(`\n== Flint side by side: load average at the start ${report.load.start.join(" ")}, at the end ${report.load.end.join(" ")}`);
  const t = table(report);
  printTable(t);
  if (report.model_layer_relay)
    log(`model layer alone (flint-model-bench): ${report.model_layer_relay.map((r) => `${r.target_tokens_per_second} -> ${r.achieved_tokens_per_second.toFixed(0)} tok/s`).join(", ")}`);
  log(report.e2e ? `VS Code end to end: ${JSON.stringify(report.e2e)}` : "VS Code end to end: not run (no build/e2e-artifacts/latency.json; bash tests/e2e/run.sh leaves one)");
  if (report.sessions.copilot)
    log(`Copilot LS: completion latency not measured: its completion path needs a GitHub sign-in (${JSON.stringify(report.sessions.copilot.completion_answer)}).`);

  report.table = t.rows;
  fs.mkdirSync(path.dirname(jsonPath), { recursive: true });
  fs.writeFileSync(jsonPath, JSON.stringify(report, null, 1));
  const md = jsonPath.replace(/\.json$/, ".md");
  fs.writeFileSync(md, markdown(t, report));
  const files = plots(report);
  log(`wrote ${[jsonPath, md, ...files].map((f) => path.relative(root, f)).join(", ")}`);

  const missing = checkComplete(report, keys);
  if (missing.length) {
    console.error(`missing figures: ${missing.join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
