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
//                          ?last=N: only the last N (with --keep-requests N, only the last N are kept)
//   GET  /__flint/totals   {requests, aborted, completed, open, connections}: counts since the start, kept even
//                          when the records themselves are not (--keep-requests); open: HTTP responses in flight
//   GET  /__flint/wait?id=N&for=received|aborted|completed   answers once request N has arrived / is in
//                          that state (or 504 after 10 s)
//   GET  /__flint/connections?atLeast=N  answers {opened} once N connections were ever opened (504 after 10 s)
//   GET  /__flint/upgrades every WebSocket upgrade: {id, headers, connection}
//   GET  /health           {"status": "ok"} (as llama.cpp's server answers; for Flint's local-process support)
//
// WebSocket (the OpenAI Responses WebSocket mode): GET /…/responses with an Upgrade header
// is upgraded (handshake and framing by hand, RFC 6455); each `response.create` text message
// is a model request (recorded with the upgrade's headers, method "WS") answered with the
// same typed events as the SSE stream, one JSON text frame each. The script's faults apply;
// "limit" answers with a websocket_connection_limit_reached error and closes, "close" sends
// a close frame (1011) mid-stream, "ping" pings the client first (its pongs are counted
// in /__flint/upgrades). A queued
// script with "at": "upgrade" is consumed by the next upgrade instead: its fault "429" or
// "401" refuses the upgrade with that status.
// --pid-file PATH writes the process id there once listening.
// --script JSON  the initial script's fields (as POST /__flint/script; for a server started by someone
//                else, e.g. Flint's provider.command, whose control API a test cannot easily reach).
// echoKey: true  error bodies (429, 401, 500) and the garbage event quote the request's Authorization
//                header back, as some providers and proxies do (Flint must cut the key out of what it shows).
// --keep-requests N keeps only the last N request records (a long soak run makes hundreds of thousands).
// --tls-cert PATH --tls-key PATH serve HTTPS (and wss) instead of plain HTTP.
// Faults: "429" (with Retry-After), "401", "401-echo" (a 401 quoting the request's API key back),
//         "500", "drop" (close mid-stream), "garbage" (a malformed event),
//         "stall" (headers, then nothing), "slow-headers" (nothing at all until released), "oversized".
// holdAfter: N sends N tokens, then waits for /__flint/release before sending the rest.
import http from "node:http";
import https from "node:https";
import crypto from "node:crypto";
import fs from "node:fs";

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
  echoKey: false,
  ...JSON.parse(arg("--script", "{}")),
};
const queue = [];
const requests = [];
const keepRequests = Number(arg("--keep-requests", "0")); // 0: keep every record
let droppedRequests = 0; // records let go under --keep-requests; ids go on counting
const totals = { requests: 0, aborted: 0, completed: 0 };

function recordRequest(record) {
  requests.push(record);
  totals.requests++;
  if (keepRequests > 0 && requests.length > keepRequests) {
    requests.shift();
    droppedRequests++;
  }
}
const markAborted = (record) => {
  if (!record.aborted) totals.aborted++;
  record.aborted = true;
};
const markCompleted = (record) => {
  if (!record.completed) totals.completed++;
  record.completed = true;
};
// HTTP responses not yet finished or closed, looked at again when totals are asked for:
// a socket can go without a "close" reaching the response (it went while the body was
// read, say), and such a request must not look in flight forever.
const openResponses = new Map(); // record -> res
function sweepOpenResponses() {
  for (const [record, res] of openResponses) {
    if (res.writableFinished) markCompleted(record);
    else if (res.destroyed || !res.socket || res.socket.destroyed) markAborted(record);
    else continue;
    openResponses.delete(record);
  }
  return openResponses.size;
}
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
    const r = requests[w.id - 1 - droppedRequests];
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
    start: (s) => sse("response.created", responseEvents.created(s)),
    token: (t) => sse("response.output_text.delta", responseEvents.delta(t)),
    end: (s) => sse("response.completed", responseEvents.completed(s)),
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

const responseEvents = {
  created: (s) => ({ type: "response.created", response: { id: "resp_1", model: s.model, status: "in_progress" } }),
  delta: (t) => ({ type: "response.output_text.delta", delta: t }),
  completed: (s) => ({ type: "response.completed", response: { id: "resp_1", model: s.model, status: "completed" } }),
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
  const echo = s.echoKey ? ` (you sent: ${req.headers.authorization ?? "no key"})` : "";
  if (s.fault === "429") {
    res.writeHead(429, { "content-type": "application/json", "retry-after": String(s.retryAfter) });
    return res.end(JSON.stringify({ error: { message: "rate limited" + echo, type: "rate_limit_exceeded" } }));
  }
  if (s.fault === "401") {
    res.writeHead(401, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: "invalid API key" + echo, type: "invalid_request_error" } }));
  }
  if (s.fault === "401-echo") {
    const key = String(req.headers.authorization || "").replace(/^Bearer /, "");
    res.writeHead(401, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error" } }));
  }
  if (s.fault === "500") {
    res.writeHead(500, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: "internal error" + echo, type: "server_error" } }));
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
    if (s.fault === "garbage" && i === Math.floor(parts.length / 2)) res.write(`data: {this is not json${echo}\n\n`);
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

const tlsCert = arg("--tls-cert", null);
const tlsKey = arg("--tls-key", null);
const handler = async (req, res) => {
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
  if (url.pathname === "/__flint/upgrades") return reply(200, upgrades);
  if (url.pathname === "/__flint/totals") {
    const open = sweepOpenResponses();
    return reply(200, { ...totals, open, connections: nextConnection - 1 });
  }
  if (url.pathname === "/health") return reply(200, { status: "ok" });
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
    id: totals.requests + 1, method: req.method, path: url.pathname, headers: req.headers, body,
    connection: req.socket.flintId, aborted: false, completed: false, receivedNs, firstTokenNs: null,
  };
  recordRequest(record);
  notifyWaiters();
  res.setHeader("x-flint-connection", String(req.socket.flintId));
  res.setHeader("x-flint-request", String(record.id));
  openResponses.set(record, res);
  res.on("close", () => {
    if (!res.writableFinished) markAborted(record);
    openResponses.delete(record);
    notifyWaiters();
  });
  res.on("finish", () => {
    markCompleted(record);
    openResponses.delete(record);
    notifyWaiters();
  });
  // A client that hung up while the body was being read has closed already: no "close" comes.
  if (req.socket.destroyed) {
    markAborted(record);
    openResponses.delete(record);
    notifyWaiters();
    return;
  }
  if (!format) return reply(404, { error: { message: `no model route for ${url.pathname}` } });
  const s = queue.length ? queue.shift() : script;
  await stream(req, res, record, s, format);
};
const server = tlsCert
  ? https.createServer({ cert: fs.readFileSync(tlsCert), key: fs.readFileSync(tlsKey) }, handler)
  : http.createServer(handler);


// ---- WebSocket (RFC 6455), by hand ----------------------------------------------------
const upgrades = [];
const webSockets = new Set();

function wsFrame(opcode, payload) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, "utf8");
  let header;
  if (data.length < 126) header = Buffer.from([0x80 | opcode, data.length]);
  else if (data.length <= 0xffff) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  return Buffer.concat([header, data]);
}

// Client frames are masked; yields {opcode, payload} for each whole frame in `buffer`.
function wsParse(state, chunk, onFrame) {
  state.buffer = Buffer.concat([state.buffer, chunk]);
  for (;;) {
    const b = state.buffer;
    if (b.length < 2) return;
    const opcode = b[0] & 0x0f;
    const masked = (b[1] & 0x80) !== 0;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    const maskBytes = masked ? 4 : 0;
    if (b.length < offset + maskBytes + length) return;
    const payload = Buffer.from(b.subarray(offset + maskBytes, offset + maskBytes + length));
    if (masked) {
      const key = b.subarray(offset, offset + 4);
      for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    }
    state.buffer = b.subarray(offset + maskBytes + length);
    onFrame({ opcode, masked, payload });
  }
}

async function streamWebSocket(socket, record, s) {
  const send = (event) => { if (!socket.destroyed) socket.write(wsFrame(1, JSON.stringify(event))); };
  if (s.fault === "429") {
    send({ type: "error", status: 429, error: { type: "rate_limit_exceeded", message: "rate limited" } });
    markCompleted(record);
    return notifyWaiters();
  }
  if (s.fault === "limit") {
    send({ type: "error", status: 400, error: { type: "invalid_request_error", code: "websocket_connection_limit_reached",
                                                message: "Responses websocket connection limit reached (60 minutes)." } });
    socket.write(wsFrame(8, Buffer.from([0x03, 0xe8])));
    return socket.end();
  }
  if (s.fault === "slow-headers") await released();
  if (s.ttftMs > 0) await wait(s.ttftMs);
  if (s.fault === "ping") socket.write(wsFrame(9, "are you there"));
  send(responseEvents.created(s));
  if (s.fault === "stall") return;
  const parts = tokens(s.reply, Math.max(1, s.tokenChars));
  const interval = s.tokensPerSecond > 0 ? 1000 / s.tokensPerSecond : 0;
  const began = performance.now();
  for (let i = 0; i < parts.length; i++) {
    if (record.aborted || socket.destroyed) return;
    if (s.holdAfter !== null && i === s.holdAfter) await released();
    if (record.aborted || socket.destroyed) return;
    if (s.fault === "drop" && i === Math.floor(parts.length / 2)) {
      await new Promise((resolve) => socket.write("", resolve));
      return socket.destroy();
    }
    if (s.fault === "close" && i === Math.floor(parts.length / 2)) {
      socket.write(wsFrame(8, Buffer.concat([Buffer.from([0x03, 0xf3]), Buffer.from("server going away")])));
      return socket.end();
    }
    if (s.fault === "garbage" && i === Math.floor(parts.length / 2)) socket.write(wsFrame(1, "{this is not json"));
    send(responseEvents.delta(parts[i]));
    if (interval > 0) {
      const ahead = began + (i + 1) * interval - performance.now();
      if (ahead >= 1) await wait(ahead);
    }
  }
  send(responseEvents.completed(s));
  markCompleted(record);
  notifyWaiters();
}

server.on("upgrade", (req, socket) => {
  const url = new URL(req.url, "http://127.0.0.1");
  socket.setNoDelay(true);
  if (!url.pathname.endsWith("/responses") || (req.headers.upgrade || "").toLowerCase() !== "websocket") {
    return socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  }
  const upgrade = { id: upgrades.length + 1, headers: req.headers, connection: socket.flintId };
  upgrades.push(upgrade);
  if (queue.length && queue[0].at === "upgrade") {
    const s = queue.shift();
    const status = Number(s.fault) || 500;
    const body = JSON.stringify({ error: { message: status === 429 ? "rate limited" : "invalid API key" } });
    return socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nRetry-After: ${s.retryAfter}\r\n` +
                      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
               `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
  webSockets.add(socket);
  const state = { buffer: Buffer.alloc(0), current: null };
  const abort = () => {
    webSockets.delete(socket);
    if (state.current && !state.current.completed) {
      markAborted(state.current);
      notifyWaiters();
    }
  };
  socket.on("close", abort);
  socket.on("error", abort);
  // The HTTP server's sockets allow half-open connections: a client's close shows as "end".
  socket.on("end", () => {
    abort();
    socket.destroy();
  });
  socket.on("data", (chunk) => wsParse(state, chunk, ({ opcode, masked, payload }) => {
    if (!masked) return socket.destroy(); // clients must mask (RFC 6455 5.1)
    if (opcode === 8) {
      if (!socket.destroyed) socket.end(wsFrame(8, payload.subarray(0, 2)));
      return;
    }
    if (opcode === 9) return socket.write(wsFrame(10, payload));
    if (opcode === 10) {
      upgrade.pongs = (upgrade.pongs || 0) + 1;
      return;
    }
    if (opcode !== 1) return;
    const text = payload.toString("utf8");
    const record = {
      id: totals.requests + 1, method: "WS", path: url.pathname, headers: req.headers, body: text,
      connection: socket.flintId, aborted: false, completed: false, websocket: true,
    };
    recordRequest(record);
    notifyWaiters();
    let message;
    try { message = JSON.parse(text); } catch { message = null; }
    if (!message || message.type !== "response.create") {
      return socket.write(wsFrame(1, JSON.stringify({ type: "error", error: { message: "expected response.create" } })));
    }
    state.current = record;
    const s = queue.length ? queue.shift() : script;
    streamWebSocket(socket, record, s);
  }));
});

server.on(tlsCert ? "secureConnection" : "connection", (socket) => {
  socket.flintId = nextConnection++;
  socket.setNoDelay(true);
  notifyConnectionWaiters();
});
server.keepAliveTimeout = 60000;
server.listen(Number(arg("--port", "0")), "127.0.0.1", () => {
  const pidFile = arg("--pid-file", null);
  if (pidFile) fs.writeFileSync(pidFile, String(process.pid));
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
const stop = () => {
  for (const socket of webSockets) socket.destroy();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
