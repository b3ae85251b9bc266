// The soak run: flint-lsp through a long editing session against the scripted model
// server on loopback, its resident memory and open file descriptors sampled, which must
// be flat once warmed up.
//
//   node tests/soak/soak.mjs [--keystrokes 1000000] [--flint build/server/flint-lsp] [--json FILE]
//        [--seed 1] [--documents 50] [--samples 100] [--warmup 0.25]
//        [--max-rss-slope-kib 512] [--max-fd-spread 1] [--max-socket-spread 1] [--deadline-min 480]
//        [--log-dir DIR] [--malloc pinned|default]
//
// It opens 50 documents (Python, C++, JavaScript, Go, Rust: tests/bench/peers/corpus.mjs)
// in a temporary workspace and types into them as a person does, one incremental
// didChange per keystroke: a new line, a statement typed a character at a time, then
// taken back again (backspaces, a word at once, or the whole line as an undo) and the
// line joined, so each document returns to its first text and any growth is Flint's.
// After most keystrokes it asks for an inline completion (automatic, sometimes invoked);
// most are superseded by the next keystroke (half of them also with $/cancelRequest,
// as VS Code does), which closes the model stream mid-way; some are waited for, the
// suggestion shown (didShowCompletion, which starts a prefetch), sometimes accepted,
// and its first characters typed through (answered from the cache). Now and then a
// next-edit request, a code-action list and resolve, and a document closed and opened
// again. The model streams fast (TTFT 0-2 ms, 10,000 tokens/s).
//
// Every `keystrokes / samples` keystrokes it waits for a round trip (so the server has
// read everything sent) and for the model server to have no stream open, then reads
// VmRSS and the open file descriptors of flint-lsp from /proc. After the warm-up
// fraction it fits a least-squares line to RSS and fails when the slope exceeds
// --max-rss-slope-kib per 100,000 keystrokes, when the descriptors other than sockets
// vary by more than --max-fd-spread, or the sockets outside the connection pools by more
// than --max-socket-spread (at rest, the sockets are stdio and the pools' warm
// connections, which flint/stats counts as idle or connecting: a socket counted by
// neither is one a finished or cancelled stream left open; a sample with more of them
// than the fewest seen reads again a few times, since one may be on its way back to the
// pool; 1 allows a connection that started between the count and the reading of /proc). It also fails when flint-lsp exits
// or crashes, a request goes unanswered or is answered with an unexpected error, the
// model server saw no cancellation, or nothing was typed through. Exit code 0: passed.
//
// glibc's malloc keeps up to twice the largest block freed so far at the top of the heap
// (its dynamic mmap and trim thresholds), and a thread's arena keeps the high-water mark
// of a burst: one-time steps of RSS that are not growth. By default flint-lsp runs with
// both thresholds pinned at glibc's initial 128 KiB (GLIBC_TUNABLES), so what the fit
// sees is Flint's own memory; --malloc default leaves glibc as it is.
//
// The provider is keyed with the suite's test API key (tests/support/TestSecrets.h); with
// --log-dir, flint-lsp logs at trace level into a file there (ctest passes the secret
// audit's directory, so hundreds of thousands of requests and cancellations are audited).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { LspServer, nowNs } from "../bench/peers/lsp.mjs";
import { testApiKey } from "../support/test-secrets.mjs";
import { cppFile, goFile, javascriptFile, pythonFile, rustFile } from "../bench/peers/corpus.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

const settings = {
  keystrokes: Number(option("--keystrokes", "1000000")),
  documents: Number(option("--documents", "50")),
  samples: Number(option("--samples", "100")),
  warmup: Number(option("--warmup", "0.25")),
  // per 100,000 keystrokes; "none" skips the check (under ASan, whose quarantine holds freed memory)
  maxRssSlopeKiB: option("--max-rss-slope-kib", "512") === "none" ? null : Number(option("--max-rss-slope-kib", "512")),
  maxFdSpread: Number(option("--max-fd-spread", "1")),
  maxSocketSpread: Number(option("--max-socket-spread", "1")),
  deadlineMin: Number(option("--deadline-min", "480")),
  seed: Number(option("--seed", "1")),
  linesPerDocument: Number(option("--lines", "400")),
};
const flintBinary = path.resolve(root, option("--flint", "build/server/flint-lsp"));
const jsonPath = option("--json", null);
const logDir = option("--log-dir", null);
const pinnedMalloc = option("--malloc", "pinned") === "pinned";

const log = (...parts) => console.log(...parts);
const failures = [];
const fail = (what) => {
  failures.push(what);
  log(`FAIL: ${what}`);
};

// ---------------------------------------------------------------------------------------
// Deterministic choices (a seeded xorshift), so a run can be repeated.

let rngState = (settings.seed * 2654435761) >>> 0 || 1;
function random() {
  rngState ^= rngState << 13;
  rngState >>>= 0;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  rngState >>>= 0;
  return rngState / 4294967296;
}
const chance = (p) => random() < p;
const pick = (list) => list[Math.floor(random() * list.length)];

// ---------------------------------------------------------------------------------------
// Documents and the typist

// A statement to type, different from round to round (so most requests miss the cache
// and go to the model, as new code does): `<name> = compute(<a>, <b>) + <n>` in each syntax.
const expression = () =>
  `compute(${pick(["alpha", "beta", "gamma", "size", "amount"])}, ${pick(["delta", "items", "width", "step"])}) + ${Math.floor(random() * 100)}`;
const variable = () => pick(["total", "count", "width", "offset", "result", "scale"]);

const languages = [
  { id: "python", ext: "py", file: pythonFile, anchor: "        self.items = []", indent: "        ",
    statement: () => `${variable()} = ${expression()}` },
  { id: "cpp", ext: "cpp", file: cppFile, anchor: "        if (amount > 0) size_ += amount;", indent: "        ",
    statement: () => `int ${variable()} = ${expression()};` },
  { id: "javascript", ext: "js", file: javascriptFile, anchor: "    if (amount > 0) this.size += amount;", indent: "    ",
    statement: () => `const ${variable()} = ${expression()};` },
  { id: "go", ext: "go", file: goFile, anchor: "\t\tw.size += amount", indent: "\t\t",
    statement: () => `${variable()} := ${expression()}` },
  { id: "rust", ext: "rs", file: rustFile, anchor: "            self.size += amount;", indent: "            ",
    statement: () => `let ${variable()} = ${expression()};` },
];

const pos = (line, character) => ({ line, character });

class SoakDocument {
  constructor(workspace, index) {
    this.language = languages[index % languages.length];
    this.path = path.join(workspace, `src/file${index}.${this.language.ext}`);
    this.uri = `file://${this.path}`;
    const text = this.language.file(settings.linesPerDocument, index);
    fs.mkdirSync(path.dirname(this.path), { recursive: true });
    fs.writeFileSync(this.path, text);
    this.lines = text.split("\n");
    this.original = text;
    this.anchors = [];
    this.lines.forEach((line, i) => line === this.language.anchor && this.anchors.push(i));
    if (!this.anchors.length) throw new Error(`no anchor line in ${this.path}`);
    this.version = 1;
    this.open = false;
    this.plan = []; // the keystrokes left in this document's current round
  }

  text() {
    return this.lines.join("\n");
  }

  // Applies one content change to the text the driver keeps (ranges on one or two lines).
  apply({ range, text }) {
    const { start, end } = range;
    const head = this.lines[start.line].slice(0, start.character);
    const tail = this.lines[end.line].slice(end.character);
    const replacement = (head + text + tail).split("\n");
    this.lines.splice(start.line, end.line - start.line + 1, ...replacement);
  }

  // One round at an anchor line: a new line, part of the statement typed, taken back,
  // the line joined again. Each step is {change, cursor, ask}: `ask` is the chance of
  // an inline completion request after it.
  newRound() {
    const { anchor, indent } = this.language;
    const statement = this.language.statement();
    const line = pick(this.anchors);
    const at = indent.length;
    const typed = 1 + Math.floor(random() * statement.length);
    const steps = [];
    const change = (l1, c1, l2, c2, text) => ({ range: { start: pos(l1, c1), end: pos(l2, c2) }, text });
    steps.push({ change: change(line, anchor.length, line, anchor.length, "\n" + indent), cursor: pos(line + 1, at), ask: 0.5 });
    for (let k = 0; k < typed; ++k)
      steps.push({ change: change(line + 1, at + k, line + 1, at + k, statement[k]), cursor: pos(line + 1, at + k + 1), ask: 0.7, typing: true });
    let left = typed;
    const style = random();
    if (style < 0.2) {
      // Undo: the typed text goes in one change.
      steps.push({ change: change(line + 1, at, line + 1, at + left, ""), cursor: pos(line + 1, at), ask: 0.3 });
      left = 0;
    } else if (style < 0.5) {
      // A word at once (ctrl+backspace), then backspaces.
      const word = statement.slice(0, left).search(/\w+\W*$/);
      if (word >= 0 && word < left) {
        steps.push({ change: change(line + 1, at + word, line + 1, at + left, ""), cursor: pos(line + 1, at + word), ask: 0.3 });
        left = word;
      }
    }
    for (; left > 0; --left)
      steps.push({ change: change(line + 1, at + left - 1, line + 1, at + left, ""), cursor: pos(line + 1, at + left - 1), ask: 0.3 });
    steps.push({ change: change(line, anchor.length, line + 1, at, ""), cursor: pos(line, anchor.length), ask: 0.2 });
    this.plan = steps;
  }
}

// ---------------------------------------------------------------------------------------
// The scripted model server (tests/support/model-server.mjs), keeping only the last
// records of the hundreds of thousands of requests it will see.

async function startModel() {
  const child = spawn(process.execPath, [path.join(root, "tests/support/model-server.mjs"), "--port", "0",
    "--keep-requests", "16", "--ttft-ms", "1", "--tps", "10000",
    "--reply", "result_value = helper(total, count)\nreturn result_value\n"], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => resolve(JSON.parse(d.toString()).port));
    child.once("exit", (code) => reject(new Error(`the scripted model server exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const control = async (method, p, body) => (await fetch(base + p, { method, body: body ? JSON.stringify(body) : undefined })).json();
  return {
    child, base,
    script: (s) => control("POST", "/__flint/script", s),
    totals: () => control("GET", "/__flint/totals"),
    stop: () => child.stdin.end(),
  };
}

// ---------------------------------------------------------------------------------------
// What is read from /proc

function processFigures(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  let fds = 0;
  let sockets = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    fds++;
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) sockets++;
    } catch {} // closed meanwhile
  }
  // Where the resident memory is: the main heap, and anonymous mappings (glibc's
  // per-thread arenas among them), so a step can be told apart from steady growth.
  let heapKiB = 0;
  let anonymousKiB = 0;
  let mapping = "";
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) mapping = line.split(/\s+/)[5] ?? "";
    else if (line.startsWith("Rss:")) {
      const kib = Number(line.split(/\s+/)[1]);
      if (mapping === "[heap]") heapKiB += kib;
      else if (mapping === "") anonymousKiB += kib;
    }
  }
  return { rssKiB: field("VmRSS"), heapKiB, anonymousKiB, threads: field("Threads"), fds, sockets };
}

/** Least squares: y = a + b x. */
function fit(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

// ---------------------------------------------------------------------------------------
// The session

const counts = {
  keystrokes: 0, inlineRequests: 0, invoked: 0, awaited: 0, cancelRequests: 0, typedThrough: 0, typedThroughCached: 0,
  shown: 0, accepted: 0, nextEdits: 0, codeActionLists: 0, codeActionResolves: 0, reopened: 0,
  partials: 0, partialsCancelled: 0, partialsCached: 0, partialErrors: 0, answers: 0, samplesWithStreamOpen: 0,
};
const answerKinds = new Map(); // "method: result" / "method: error CODE" -> count
// Errors a correct server gives in this session: the request was cancelled, the document
// changed since the code action was listed, the model's rewrite was refused, the unknown
// method used as a ping.
const expectedErrors = new Set([-32800, -32801, -32803, -32601]);
const partialErrorSamples = [];
const awaitedMs = []; // request → answer of the inline requests waited for

async function main() {
  if (!fs.existsSync(flintBinary)) throw new Error(`no flint-lsp at ${flintBinary} (build it, or pass --flint)`);
  const started = Date.now();
  const deadline = started + settings.deadlineMin * 60000;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "flint-soak-"));
  const model = await startModel();
  const config = {
    provider: { kind: "openai-chat", endpoint: `${model.base}/v1`, model: "soak", apiKeyEnv: "FLINT_API_KEY" },
    nextEdit: { tokensPerMinute: 0, quietMs: 0 },
    inline: { prefetchPerMinute: 600, debounceMs: 1 },
  };
  const env = { ...process.env, HOME: workspace, XDG_CONFIG_HOME: path.join(workspace, ".config"), FLINT_API_KEY: testApiKey };
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"]) delete env[name];
  if (pinnedMalloc) env.GLIBC_TUNABLES = "glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072";
  const flintArgs = ["--stdio"];
  if (logDir) {
    fs.mkdirSync(logDir, { recursive: true });
    flintArgs.push("--log-level", "trace", "--log-file", path.join(path.resolve(logDir), `soak-${process.pid}.log`));
  }
  const server = LspServer.spawn("flint", flintBinary, flintArgs, { env, cwd: workspace });
  server.onServerRequest = (m) => (m.method === "workspace/configuration" ? m.params.items.map(() => config) : null);
  const pending = new Map(); // id -> method
  let lastInline = null; // the newest inline request not waited for: {id}
  const typedThrough = new Set(); // ids of typed-through requests not yet seen answered from the cache

  server.onNotification = (message) => {
    if (message.method !== "flint/inlineCompletion/partial") return;
    const p = message.params;
    counts.partials++;
    if (p.cancelled) counts.partialsCancelled++;
    if (p.cached) {
      counts.partialsCached++;
      if (typedThrough.delete(p.id)) counts.typedThroughCached++;
    }
    if (p.error) {
      counts.partialErrors++;
      if (partialErrorSamples.length < 5) partialErrorSamples.push(p.error);
    }
  };

  const tally = (method, reply) => {
    counts.answers++;
    const kind = reply.error ? `${method}: error ${reply.error.code}` : `${method}: result`;
    answerKinds.set(kind, (answerKinds.get(kind) ?? 0) + 1);
    if (reply.error && !expectedErrors.has(reply.error.code))
      fail(`${method} answered ${JSON.stringify(reply.error)}`);
    return reply;
  };
  const send = (method, params) => {
    const { id, promise } = server.requestId(method, params);
    pending.set(id, method);
    const answered = promise.then((reply) => {
      pending.delete(id);
      return tally(method, reply);
    });
    answered.catch(() => {}); // a server that exits fails the run below, not as an unhandled rejection
    return { id, answered };
  };
  const waitFor = async (request, what) => {
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer to ${what} in 30 s`)), 30000).unref());
    return Promise.race([request.answered, timeout]);
  };
  // Everything sent so far has been read: an unknown method is the cheapest request there is.
  const roundTrip = () => waitFor(send("flint-soak/ping", {}), "a ping");

  const init = await waitFor(send("initialize", {
    processId: process.pid,
    clientInfo: { name: "flint-soak", version: "1" },
    rootUri: `file://${workspace}`,
    workspaceFolders: [{ uri: `file://${workspace}`, name: "soak" }],
    capabilities: {
      general: { positionEncodings: ["utf-16"] },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        inlineCompletion: { dynamicRegistration: false },
        codeAction: { resolveSupport: { properties: ["edit"] }, dataSupport: true },
      },
      workspace: { configuration: true, workspaceFolders: true, applyEdit: true },
      window: { workDoneProgress: true },
    },
    initializationOptions: config,
  }), "initialize");
  if (init.error) throw new Error(`initialize failed: ${JSON.stringify(init.error)}`);
  server.notify("initialized", {});

  const documents = [];
  for (let i = 0; i < settings.documents; ++i) documents.push(new SoakDocument(workspace, i));
  const openDocument = (doc) => {
    server.notify("textDocument/didOpen", { textDocument: { uri: doc.uri, languageId: doc.language.id, version: doc.version, text: doc.text() } });
    doc.open = true;
  };
  documents.forEach(openDocument);
  await roundTrip();

  const samples = [];
  const sampleEvery = Math.max(1, Math.floor(settings.keystrokes / settings.samples));
  // Model calls Flint has not seen end yet (flint/stats: every call started is counted
  // completed, cancelled or failed once it ends).
  // Also the sockets in its connection pools (warm, or being opened).
  const flintAtRest = async () => {
    const stats = await waitFor(send("flint/stats", null), "flint/stats");
    let open = 0, pooled = 0;
    for (const p of Object.values(stats.result?.providers ?? {})) {
      open += p.requests - p.completed - p.cancelled - p.failed;
      pooled += (p.connections?.idle ?? 0) + (p.connections?.connecting ?? 0);
    }
    return { open, pooled };
  };
  // A sample is taken at rest: everything sent has been read, and no model stream is
  // open at either end (what is left are the pools' idle connections, at most 4 each).
  let fewestUnpooled = Infinity;
  const sample = async () => {
    await roundTrip();
    let totals = await model.totals();
    let flint = await flintAtRest();
    for (const until = Date.now() + 2000; totals.open > 0 || flint.open > 0; flint = await flintAtRest()) {
      if (Date.now() > until) {
        counts.samplesWithStreamOpen++;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      totals = await model.totals();
    }
    // A connection between its stream's end and the pool (or its close) is counted by
    // neither: read again, a few times, while that leaves more sockets outside the pools
    // than the fewest seen so far. A leaked socket stays in every reading.
    let figures = processFigures(server.pid);
    for (let again = 0; again < 5 && figures.sockets - flint.pooled > fewestUnpooled; ++again) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      flint = await flintAtRest();
      figures = processFigures(server.pid);
    }
    fewestUnpooled = Math.min(fewestUnpooled, figures.sockets - flint.pooled);
    const s = { keystrokes: counts.keystrokes, seconds: (Date.now() - started) / 1000, ...figures, pooledSockets: flint.pooled,
                modelRequests: totals.requests, modelAborted: totals.aborted, modelRssKiB: processFigures(model.child.pid).rssKiB };
    samples.push(s);
    log(`  ${String(s.keystrokes).padStart(8)} keystrokes  ${s.seconds.toFixed(0).padStart(6)} s  RSS ${(s.rssKiB / 1024).toFixed(2).padStart(7)} MiB` +
        ` (heap ${(s.heapKiB / 1024).toFixed(2)}, anonymous ${(s.anonymousKiB / 1024).toFixed(2)})` +
        `  fds ${String(s.fds).padStart(3)} (${s.sockets} sockets)  threads ${s.threads}  model requests ${s.modelRequests} (${s.modelAborted} cancelled)`);
    // The model's time to first token wanders between 0 and 2 ms.
    await model.script({ ttftMs: Math.floor(random() * 3) });
  };

  let doc = pick(documents);
  const keystroke = (d, change) => {
    d.apply(change);
    d.version++;
    server.notify("textDocument/didChange", { textDocument: { uri: d.uri, version: d.version }, contentChanges: [change] });
    counts.keystrokes++;
  };
  const inline = (d, cursor, triggerKind) => {
    counts.inlineRequests++;
    if (triggerKind === 1) counts.invoked++;
    return send("textDocument/inlineCompletion", {
      textDocument: { uri: d.uri, version: d.version }, position: cursor,
      context: { triggerKind }, formattingOptions: { tabSize: 4, insertSpaces: true },
    });
  };

  log(`soak: ${settings.keystrokes} keystrokes over ${settings.documents} documents (seed ${settings.seed}), sampling every ${sampleEvery},` +
      ` malloc thresholds ${pinnedMalloc ? "pinned" : "glibc's default"}`);
  await sample();
  let nextSample = sampleEvery;
  while (counts.keystrokes < settings.keystrokes) {
    if (Date.now() > deadline) {
      fail(`the deadline (${settings.deadlineMin} min) passed after ${counts.keystrokes} keystrokes`);
      break;
    }
    if (server.exited) break;
    if (!doc.plan.length) {
      if (chance(0.3)) doc = pick(documents.filter((d) => d.open));
      doc.newRound();
    }
    const step = doc.plan.shift();
    // The previous request is superseded by this keystroke; an editor often says so too.
    if (lastInline && chance(0.5)) {
      server.notify("$/cancelRequest", { id: lastInline.id });
      counts.cancelRequests++;
    }
    lastInline = null;
    keystroke(doc, step.change);

    if (chance(step.ask)) {
      const invoked = chance(0.15);
      const request = inline(doc, step.cursor, invoked ? 1 : 2);
      if (step.typing && chance(0.04)) {
        counts.awaited++;
        const askedAt = nowNs();
        const reply = await waitFor(request, "an inline completion");
        awaitedMs.push((nowNs() - askedAt) / 1e6);
        const item = reply.result?.items?.[0];
        if (item && item.insertText && doc.plan.length) {
          if (chance(0.5)) {
            server.notify("textDocument/didShowCompletion", { item });
            counts.shown++;
            if (chance(0.2)) {
              send("workspace/executeCommand", item.command);
              counts.accepted++;
            }
          }
          // Type the suggestion's first characters (answered from the cache), then take
          // them back in one change, where the round goes on.
          const firstLine = item.insertText.split("\n")[0];
          const through = Math.min(3, firstLine.length);
          let cursor = { ...step.cursor };
          for (let k = 0; k < through; ++k) {
            keystroke(doc, { range: { start: cursor, end: cursor }, text: firstLine[k] });
            cursor = pos(cursor.line, cursor.character + 1);
            counts.typedThrough++;
            const request = inline(doc, cursor, 2);
            typedThrough.add(request.id);
            await waitFor(request, "a typed-through inline completion");
          }
          if (through) keystroke(doc, { range: { start: step.cursor, end: cursor }, text: "" });
        }
      } else {
        lastInline = request;
      }
    }
    if (chance(1 / 150)) {
      counts.nextEdits++;
      send("flint/inlineEdit", { textDocument: { uri: doc.uri, version: doc.version }, position: step.cursor });
    }
    if (chance(1 / 300)) {
      counts.codeActionLists++;
      const line = step.cursor.line;
      const listed = await waitFor(send("textDocument/codeAction", {
        textDocument: { uri: doc.uri }, range: { start: pos(line, 0), end: pos(line + 1, 0) },
        context: { diagnostics: [] },
      }), "a code action list");
      // Those the model can run as they are (an instruction needs the user to type one).
      const actions = Array.isArray(listed.result) ? listed.result.filter((a) => a.data && !a.command) : [];
      if (actions.length && chance(0.5)) {
        counts.codeActionResolves++;
        // Half the time the user waits for the edit (it is computed); else typing on
        // makes it stale (ContentModified).
        const resolve = send("codeAction/resolve", pick(actions));
        if (chance(0.5)) await waitFor(resolve, "a code action resolve");
      }
    }
    if (chance(1 / 2000)) {
      // Close another document and open it again, as after switching away and back.
      const other = pick(documents.filter((d) => d !== doc && !d.plan.length));
      if (other) {
        server.notify("textDocument/didClose", { textDocument: { uri: other.uri } });
        other.version++;
        openDocument(other);
        counts.reopened++;
      }
    }
    // Back-pressure: never more than a few dozen requests in flight.
    while (pending.size > 48 && !server.exited) await roundTrip();
    if (counts.keystrokes >= nextSample || counts.keystrokes >= settings.keystrokes) {
      await sample();
      nextSample = (Math.floor(counts.keystrokes / sampleEvery) + 1) * sampleEvery;
    }
  }

  // Every request gets its answer.
  const drainedBy = Date.now() + 30000;
  while (pending.size && Date.now() < drainedBy && !server.exited) await new Promise((r) => setTimeout(r, 20));
  if (pending.size) fail(`${pending.size} request(s) never answered: ${[...new Set(pending.values())].join(", ")}`);
  if (server.exited) fail(`flint-lsp exited during the run (${JSON.stringify(server.exited)}); stderr:\n${server.stderr.slice(-3000)}`);

  const totals = await model.totals();
  const stats = server.exited ? null : (await waitFor(send("flint/stats", null), "flint/stats")).result;
  const [lastRequest] = await (await fetch(`${model.base}/__flint/requests?last=1`)).json();
  if (lastRequest?.headers?.authorization !== `Bearer ${testApiKey}`) fail("the model requests did not carry the configured key");
  const shutdown = server.exited ? null : await server.request("shutdown", null).catch((e) => ({ error: String(e) }));
  if (shutdown?.error) fail(`shutdown failed: ${JSON.stringify(shutdown.error)}`);
  if (!server.exited) server.notify("exit", null);
  const exited = server.exited ?? await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 10000);
    server.child.once("exit", (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
  });
  if (!exited || exited.code !== 0) fail(`flint-lsp did not exit cleanly after shutdown + exit: ${JSON.stringify(exited)}`);
  await server.stop();
  model.stop();
  fs.rmSync(workspace, { recursive: true, force: true });

  // The figures.
  const seconds = (Date.now() - started) / 1000;
  const after = samples.filter((s) => s.keystrokes >= settings.warmup * settings.keystrokes);
  const warm = after[0];
  const last = samples[samples.length - 1];
  const rssFit = fit(after.map((s) => ({ x: s.keystrokes, y: s.rssKiB })));
  const fdFit = fit(after.map((s) => ({ x: s.keystrokes, y: s.fds })));
  const spread = (values) => Math.max(...values) - Math.min(...values);
  const fdSpread = spread(after.map((s) => s.fds - s.sockets));
  const socketSpread = spread(after.map((s) => s.sockets));
  const unpooledSocketSpread = spread(after.map((s) => s.sockets - s.pooledSockets));
  const rssSlope = rssFit.slope * 100000;
  const summary = {
    settings: { ...settings, malloc: pinnedMalloc ? "pinned" : "default" }, seconds, keystrokesPerSecond: counts.keystrokes / seconds, counts, model: totals, flintStats: stats,
    answers: Object.fromEntries(answerKinds), partialErrorSamples,
    warmupAt: warm?.keystrokes, rss: { warmKiB: warm?.rssKiB, endKiB: last?.rssKiB, minKiB: Math.min(...after.map((s) => s.rssKiB)),
                                       maxKiB: Math.max(...after.map((s) => s.rssKiB)), slopeKiBPer100k: rssSlope },
    fds: { warm: warm?.fds, end: last?.fds, min: Math.min(...after.map((s) => s.fds)), max: Math.max(...after.map((s) => s.fds)),
           otherThanSocketsSpread: fdSpread, socketSpread, unpooledSocketSpread, slopePer100k: fdFit.slope * 100000 },
    failures, samples,
  };
  log(`\nsoak: ${counts.keystrokes} keystrokes in ${seconds.toFixed(0)} s (${summary.keystrokesPerSecond.toFixed(0)}/s)`);
  log(`  requests: ${counts.inlineRequests} inline (${counts.invoked} invoked, ${counts.awaited} waited for, ${counts.cancelRequests} $/cancelRequest),` +
      ` ${counts.typedThrough} typed through (${counts.typedThroughCached} answered from the cache), ${counts.shown} shown, ${counts.accepted} accepted,` +
      ` ${counts.nextEdits} next edits, ${counts.codeActionLists} code action lists, ${counts.codeActionResolves} resolved, ${counts.reopened} documents reopened`);
  const sorted = [...awaitedMs].sort((a, b) => a - b);
  const quantile = (q) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1) : "n/a";
  log(`  inline requests waited for: p50 ${quantile(0.5)} ms, p90 ${quantile(0.9)} ms, max ${quantile(1)} ms`);
  log(`  partials: ${counts.partials} (${counts.partialsCancelled} cancelled, ${counts.partialsCached} cached, ${counts.partialErrors} with an error)`);
  log(`  answers: ${[...answerKinds].map(([k, v]) => `${k} ×${v}`).join("; ")}`);
  const inlineStats = stats?.features?.inline;
  if (inlineStats) {
    const i = inlineStats;
    log(`  flint/stats (inline): ${i.requests} requests, ${i.modelRequests} to the model, ${i.cacheHits} cache hits` +
        ` (${i.typedThroughHits} typed through, ${i.liveHits} on a live stream), ${i.debounced} debounced,` +
        ` ${i.streamsCancelled} streams cancelled, ${i.prefetches} prefetches`);
  }
  log(`  model server: ${totals.requests} requests, ${totals.aborted} closed mid-stream, ${totals.completed} completed, ${totals.connections} connections` +
      (counts.samplesWithStreamOpen ? `; ${counts.samplesWithStreamOpen} sample(s) taken with a stream still open after 2 s` : ""));
  log(`  RSS after warm-up (${warm?.keystrokes} keystrokes): ${(warm?.rssKiB / 1024).toFixed(2)} MiB; at the end: ${(last?.rssKiB / 1024).toFixed(2)} MiB;` +
      ` slope ${rssSlope.toFixed(1)} KiB per 100k keystrokes (limit ${settings.maxRssSlopeKiB ?? "none"})`);
  log(`  fds after warm-up: ${warm?.fds}; at the end: ${last?.fds}; min ${summary.fds.min}, max ${summary.fds.max};` +
      ` sockets vary by ${socketSpread}, those outside the pools by ${unpooledSocketSpread} (limit ${settings.maxSocketSpread}),` +
      ` other descriptors by ${fdSpread} (limit ${settings.maxFdSpread})`);

  if (counts.keystrokes < settings.keystrokes) fail(`only ${counts.keystrokes} of ${settings.keystrokes} keystrokes were typed`);
  if (after.length < 3) fail(`only ${after.length} samples after warm-up: too few to fit`);
  if (settings.maxRssSlopeKiB === null) log("  (RSS slope not checked: --max-rss-slope-kib none)");
  else if (rssSlope > settings.maxRssSlopeKiB) fail(`RSS grows ${rssSlope.toFixed(1)} KiB per 100k keystrokes after warm-up`);
  if (fdSpread > settings.maxFdSpread) fail(`open descriptors other than sockets vary by ${fdSpread} after warm-up`);
  if (unpooledSocketSpread > settings.maxSocketSpread) fail(`open sockets outside the connection pools vary by ${unpooledSocketSpread} after warm-up`);
  if (!totals.aborted) fail("the model server saw no stream closed mid-way: nothing was cancelled");
  if (!totals.completed) fail("the model server completed no stream");
  if (!counts.typedThroughCached) fail("no typed-through request was answered from the cache");
  if (counts.partialErrors) fail(`${counts.partialErrors} suggestion(s) ended with an error: ${partialErrorSamples.join(" | ")}`);
  if (jsonPath) {
    fs.mkdirSync(path.dirname(path.resolve(jsonPath)), { recursive: true });
    fs.writeFileSync(jsonPath, JSON.stringify(summary, null, 1));
    log(`  written: ${jsonPath}`);
  }
  log(failures.length ? `FAILED (${failures.length})` : "PASSED");
  return failures.length ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
