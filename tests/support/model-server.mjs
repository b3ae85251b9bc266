// A scripted model server for Flint's tests, benchmarks and demos: real HTTP/1.1 on
// loopback that speaks the five wire formats Flint supports, streams a scripted reply
// at a set time-to-first-token and token rate, injects faults, and records requests.
//
//   node tests/support/model-server.mjs [--port 0] [--reply TEXT] [--ttft-ms 20] [--tps 1000]
//   prints {"port": N} on stdout once listening; stops on SIGTERM or when stdin closes.
//
// Formats by path suffix: /responses (OpenAI Responses, SSE), /chat/completions,
// /completions (OpenAI SSE + [DONE]), /infill (llama.cpp SSE), /api/generate (Ollama NDJSON).
// Tabby's server API too, for tabby-agent in tests/bench/peers: GET /v1/health, GET /v1beta/server_setting,
// POST /v1/events, and POST /v1/completions with {language, segments: {prefix, suffix}} (not streamed:
// the whole reply as {id, choices: [{index, text}]} once ttftMs plus its tokens at tokensPerSecond have passed).
//
// Control (JSON over HTTP, same port):
//   POST /__flint/script   {reply, ttftMs, tokensPerSecond, tokenChars, model, fault, retryAfter, holdAfter}
//                          sets the script for the requests that follow (fields merge into the current one)
//   POST /__flint/queue    same fields: a one-shot script for the next model request only
//   POST /__flint/release  lets held streams go on (see holdAfter)
//   GET  /__flint/requests every model request: {id, method, path, headers, body, connection, aborted, completed,
//                          receivedNs, firstTokenNs} (times: CLOCK_MONOTONIC ns, as steady_clock in C++ on Linux);
//                          ?last=N: only the last N
//   GET  /__flint/wait?id=N&for=received|aborted|completed   answers once request N has arrived / is in
//                          that state (or 504 after 10 s)
//   GET  /__flint/connections?atLeast=N  answers {opened} once N connections were ever opened (504 after 10 s)
// Faults: "429" (with Retry-After), "401", "500", "drop" (close mid-stream), "garbage" (a malformed event),
//         "stall" (headers, then nothing), "slow-headers" (nothing at all until released), "oversized".
// holdAfter: N sends N tokens, then waits for /__flint/release before sending the rest.
import http from "node:http";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

let script = {
  reply: arg("--reply", "return a + b;\n"),
  ttftMs: Number(arg("--ttft-ms", "0")),
  tokensPerSecond: Number(arg("--tps", "0")), // 0: as fast as possible
  tokenChars: 4,
  model: "flint-scripted-model",
  fault: null,
  retryAfter: 1,
  holdAfter: null,
};
const queue = [];
const requests = [];
const waiters = [];
let releases = [];
let nextConnection = 1;
const connectionWaiters = [];

function notifyConnectionWaiters() {
  for (const w of [...connectionWaiters]) {
    if (nextConnection - 1 >= w.atLeast) {
      connectionWaiters.splice(connectionWaiters.indexOf(w), 1);
      w.respond(200, { opened: nextConnection - 1 });
    }
  }
}

function notifyWaiters() {
  for (const w of [...waiters]) {
    const r = requests[w.id - 1];
    if (r && (w.state === "received" || r[w.state])) {
      waiters.splice(waiters.indexOf(w), 1);
      w.respond(200, r);
    }
  }
}

function tokens(text, size) {
  const out = [];
  const chars = Array.from(text); // whole code points: never split a surrogate pair
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out;
}

const formats = {
  responses: {
    contentType: "text/event-stream",
    start: (s) => sse("response.created", { type: "response.created", response: { id: "resp_1", model: s.model, status: "in_progress" } }),
    token: (t) => sse("response.output_text.delta", { type: "response.output_text.delta", delta: t }),
    end: (s) => sse("response.completed", { type: "response.completed", response: { id: "resp_1", model: s.model, status: "completed" } }),
  },
  chat: {
    contentType: "text/event-stream",
    start: () => "",
    token: (t, s) => sse(null, { object: "chat.completion.chunk", model: s.model, choices: [{ index: 0, delta: { content: t }, finish_reason: null }] }),
    end: (s) => sse(null, { object: "chat.completion.chunk", model: s.model, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) + "data: [DONE]\n\n",
  },
  completions: {
    contentType: "text/event-stream",
    start: () => "",
    token: (t, s) => sse(null, { object: "text_completion", model: s.model, choices: [{ index: 0, text: t, finish_reason: null }] }),
    end: (s) => sse(null, { object: "text_completion", model: s.model, choices: [{ index: 0, text: "", finish_reason: "stop" }] }) + "data: [DONE]\n\n",
  },
  infill: {
    contentType: "text/event-stream",
    start: () => "",
    token: (t) => sse(null, { index: 0, content: t, stop: false }),
    end: (s) => sse(null, { index: 0, content: "", stop: true, model: s.model, stop_type: "eos" }),
  },
  ollama: {
    contentType: "application/x-ndjson",
    start: () => "",
    token: (t, s) => JSON.stringify({ model: s.model, response: t, done: false }) + "\n",
    end: (s) => JSON.stringify({ model: s.model, response: "", done: true, done_reason: "stop" }) + "\n",
  },
};

function sse(event, data) {
  return (event ? `event: ${event}\n` : "") + `data: ${JSON.stringify(data)}\n\n`;
}

function formatFor(path) {
  if (path.endsWith("/responses")) return formats.responses;
  if (path.endsWith("/chat/completions")) return formats.chat;
  if (path.endsWith("/completions")) return formats.completions;
  if (path.endsWith("/infill")) return formats.infill;
  if (path.endsWith("/api/generate")) return formats.ollama;
  return null;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const released = () => new Promise((resolve) => releases.push(resolve));

// A Tabby completion request is told from an OpenAI one on the same path by its `segments`.
function isTabbyCompletion(body) {
  try {
    return typeof JSON.parse(body)?.segments === "object";
  } catch {
    return false;
  }
}

// Tabby's /v1/completions answers once the whole reply is generated: its first token
// reaches the client with the last one.
async function tabbyCompletion(res, record, s) {
  const parts = tokens(s.reply, Math.max(1, s.tokenChars));
  if (s.tokensPerSecond > 0) await wait((parts.length * 1000) / s.tokensPerSecond);
  if (record.aborted) return;
  if (s.fault === "stall") return; // nothing at all: the client's timeout must end it
  record.firstTokenNs = monotonicNs();
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ id: `cmpl-${record.id}`, choices: [{ index: 0, text: s.reply }] }));
}

async function stream(req, res, record, s, format) {
  if (s.fault === "429") {
    res.writeHead(429, { "content-type": "application/json", "retry-after": String(s.retryAfter) });
    return res.end(JSON.stringify({ error: { message: "rate limited", type: "rate_limit_exceeded" } }));
  }
  if (s.fault === "401") {
    res.writeHead(401, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: "invalid API key", type: "invalid_request_error" } }));
  }
  if (s.fault === "500") {
    res.writeHead(500, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: "internal error", type: "server_error" } }));
  }
  if (s.fault === "slow-headers") await released();
  if (s.ttftMs > 0) await wait(s.ttftMs);
  if (format === formats.completions && isTabbyCompletion(record.body)) return tabbyCompletion(res, record, s);
  res.writeHead(200, { "content-type": format.contentType, "cache-control": "no-cache" });
  if (res.flushHeaders) res.flushHeaders();
  if (s.fault === "stall") return; // headers only; the client's timeout must end it
  const start = format.start(s);
  if (start) res.write(start);
  const parts = tokens(s.reply, Math.max(1, s.tokenChars));
  const interval = s.tokensPerSecond > 0 ? 1000 / s.tokensPerSecond : 0;
  const began = performance.now();
  for (let i = 0; i < parts.length; i++) {
    if (record.aborted) return;
    if (s.holdAfter !== null && i === s.holdAfter) await released();
    if (s.fault === "drop" && i === Math.floor(parts.length / 2)) {
      // Let what was written reach the client first, then cut the connection mid-stream.
      await new Promise((resolve) => req.socket.write("", resolve));
      return req.socket.destroy();
    }
    if (s.fault === "garbage" && i === Math.floor(parts.length / 2)) res.write("data: {this is not json\n\n");
    if (s.fault === "oversized" && i === 1) res.write(`data: {"padding":"${"x".repeat(16 << 20)}"}\n\n`);
    if (i === 0) record.firstTokenNs = monotonicNs();
    res.write(format.token(parts[i], s));
    if (interval > 0) {
      const due = began + (i + 1) * interval;
      const ahead = due - performance.now();
      if (ahead >= 1) await wait(ahead);
    }
  }
  res.end(format.end(s));
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

// CLOCK_MONOTONIC in nanoseconds: the same clock as C++'s steady_clock on Linux, so a
// benchmark in another process can line up its own timestamps with these.
const monotonicNs = () => Number(process.hrtime.bigint());

const server = http.createServer(async (req, res) => {
  const receivedNs = monotonicNs();
  const url = new URL(req.url, "http://127.0.0.1");
  const body = await readBody(req);
  const reply = (status, value) => {
    res.writeHead(status, { "content-type": "application/json", "x-flint-connection": String(req.socket.flintId) });
    res.end(JSON.stringify(value));
  };
  if (url.pathname === "/__flint/script") {
    script = { ...script, ...JSON.parse(body || "{}") };
    return reply(200, script);
  }
  // Tabby's server API around its completions, enough for tabby-agent to connect and stay quiet.
  if (url.pathname === "/v1/health") {
    return reply(200, {
      model: script.model, device: "cpu", arch: process.arch, cpu_info: "scripted", cpu_count: 1,
      accelerators: [], version: { build_date: "", git_describe: "flint-scripted-model" },
    });
  }
  if (url.pathname === "/v1beta/server_setting") return reply(200, { disable_client_side_telemetry: true });
  if (url.pathname === "/v1/events") return reply(200, {});
  if (url.pathname === "/__flint/queue") {
    queue.push({ ...script, ...JSON.parse(body || "{}") });
    return reply(200, { queued: queue.length });
  }
  if (url.pathname === "/__flint/release") {
    const pending = releases;
    releases = [];
    pending.forEach((resolve) => resolve());
    return reply(200, { released: pending.length });
  }
  if (url.pathname === "/__flint/requests") {
    const last = url.searchParams.get("last");
    return reply(200, last === null ? requests : requests.slice(-Number(last)));
  }
  if (url.pathname === "/__flint/connections") {
    const w = { atLeast: Number(url.searchParams.get("atLeast") ?? 0), respond: reply };
    connectionWaiters.push(w);
    setTimeout(() => {
      const i = connectionWaiters.indexOf(w);
      if (i >= 0) {
        connectionWaiters.splice(i, 1);
        reply(504, { error: "timed out waiting", opened: nextConnection - 1 });
      }
    }, 10000);
    return notifyConnectionWaiters();
  }
  if (url.pathname === "/__flint/wait") {
    const w = { id: Number(url.searchParams.get("id")), state: url.searchParams.get("for"), respond: reply };
    waiters.push(w);
    setTimeout(() => {
      const i = waiters.indexOf(w);
      if (i >= 0) {
        waiters.splice(i, 1);
        reply(504, { error: "timed out waiting" });
      }
    }, 10000);
    return notifyWaiters();
  }

  const format = formatFor(url.pathname);
  const record = {
    id: requests.length + 1, method: req.method, path: url.pathname, headers: req.headers, body,
    connection: req.socket.flintId, aborted: false, completed: false, receivedNs, firstTokenNs: null,
  };
  requests.push(record);
  notifyWaiters();
  res.setHeader("x-flint-connection", String(req.socket.flintId));
  res.setHeader("x-flint-request", String(record.id));
  res.on("close", () => {
    if (!res.writableFinished) record.aborted = true;
    notifyWaiters();
  });
  res.on("finish", () => {
    record.completed = true;
    notifyWaiters();
  });
  if (!format) return reply(404, { error: { message: `no model route for ${url.pathname}` } });
  const s = queue.length ? queue.shift() : script;
  await stream(req, res, record, s, format);
});

server.on("connection", (socket) => {
  socket.flintId = nextConnection++;
  socket.setNoDelay(true);
  notifyConnectionWaiters();
});
server.keepAliveTimeout = 60000;
server.listen(Number(arg("--port", "0")), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
const stop = () => server.close(() => process.exit(0)) && server.closeAllConnections();
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
