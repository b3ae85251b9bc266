// An LSP client over a child's stdio for the side-by-side benchmark, and what the
// benchmark reads about a server's whole process tree (CPU time, resident memory).
//
//   const server = LspServer.spawn("flint", "build/server/flint-lsp", ["--stdio"]);
//   const { result, sentNs, receivedNs } = await server.request("initialize", params);
//   server.onNotification = (message, receivedNs) => { ... };
//   treeCpuNs(server.pid); treeRssKiB(server.pid); await server.stop();
//
// Every message read is stamped with the monotonic clock (process.hrtime, CLOCK_MONOTONIC
// on Linux) when its bytes arrived; every message written is stamped just before the
// write, so that request → answer times are taken the same way for every server, and
// line up with the scripted model server's own stamps (receivedNs, firstTokenNs).
import { spawn } from "node:child_process";
import fs from "node:fs";

export const nowNs = () => Number(process.hrtime.bigint());

export class LspServer {
  static spawn(name, command, args, { env = process.env, cwd = process.cwd() } = {}) {
    const before = nowNs(); // start-up is timed from before the fork
    const server = new LspServer(name, spawn(command, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"], detached: true }));
    server.spawnedNs = before;
    return server;
  }

  constructor(name, child) {
    this.name = name;
    this.child = child;
    this.pid = child.pid;
    this.spawnedNs = nowNs();
    this.nextId = 1;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.stderr = "";
    this.exited = null;
    this.onNotification = null;
    // Answers to requests from the server (workspace/configuration, registerCapability, ...).
    this.onServerRequest = () => null;
    child.stdout.on("data", (chunk) => this.read(chunk, nowNs()));
    child.stderr.on("data", (chunk) => {
      if (this.stderr.length < 1 << 20) this.stderr += chunk.toString("utf8");
    });
    child.stdin.on("error", () => {}); // a server that died: its pending requests fail below
    child.on("exit", (code, signal) => {
      this.exited = { code, signal };
      for (const { reject } of this.pending.values())
        reject(new Error(`${this.name} exited (${signal ?? code}) with a request pending; stderr:\n${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  read(chunk, receivedNs) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const header = this.buffer.subarray(0, end).toString("latin1");
      const match = /content-length:\s*(\d+)/i.exec(header);
      if (!match) throw new Error(`${this.name}: a message without Content-Length: ${header}`);
      const length = Number(match[1]);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(JSON.parse(body), receivedNs);
    }
  }

  dispatch(message, receivedNs) {
    if (message.method !== undefined && message.id !== undefined) {
      const result = this.onServerRequest(message);
      this.write({ jsonrpc: "2.0", id: message.id, result: result === undefined ? null : result });
    } else if (message.method !== undefined) {
      this.onNotification?.(message, receivedNs);
    } else {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      waiting.resolve({ ...message, receivedNs, sentNs: waiting.sentNs });
    }
  }

  write(message) {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    const sentNs = nowNs();
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    return sentNs;
  }

  /** Sends a request; resolves to the whole response plus sentNs and receivedNs. */
  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`${this.name} has exited`));
      const waiting = { resolve, reject, sentNs: 0 };
      this.pending.set(id, waiting);
      waiting.sentNs = this.write({ jsonrpc: "2.0", id, method, params });
    });
  }

  /** Sends a request and returns its id at once (for answers awaited with `answer`). */
  requestId(method, params) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, sentNs: 0 }));
    this.pending.get(id).sentNs = this.write({ jsonrpc: "2.0", id, method, params });
    return { id, promise, sentNs: this.pending.get(id).sentNs };
  }

  notify(method, params) {
    return this.write({ jsonrpc: "2.0", method, params });
  }

  /** Resolves once everything written so far has left for the pipe. */
  drained() {
    return new Promise((resolve) => this.child.stdin.write("", resolve));
  }

  /** Ends the server: shutdown + exit when it answers in time, then the whole process group. */
  async stop() {
    if (!this.exited) {
      const answered = await Promise.race([
        this.request("shutdown", null).then(() => true, () => false),
        new Promise((resolve) => setTimeout(() => resolve(false), 3000)),
      ]);
      if (answered) this.notify("exit", null);
      await Promise.race([new Promise((resolve) => this.child.once("exit", resolve)), new Promise((r) => setTimeout(r, 2000))]);
    }
    // Workers the server spawned (Copilot's) go with it: they share its process group.
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {}
    if (!this.exited) await new Promise((resolve) => this.child.once("exit", resolve));
  }
}

/** The process and all its descendants (from /proc/<pid>/task/<tid>/children). */
export function processTree(pid) {
  const out = [];
  const visit = (p) => {
    out.push(p);
    let tasks = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let children = "";
      try {
        children = fs.readFileSync(`/proc/${p}/task/${t}/children`, "utf8");
      } catch {}
      for (const c of children.split(" ").filter(Boolean)) visit(Number(c));
    }
  };
  visit(pid);
  return out;
}

// The last CPU time seen per thread: a thread that exits takes its schedstat file with
// it, and its time must not drop out of the sum (it is kept as last seen).
const lastSeen = new Map();

/**
 * Nanoseconds on CPU of every thread of the tree (schedstat's first field: finer than
 * clock ticks), including threads seen earlier that have exited since.
 */
export function treeCpuNs(pid) {
  const seen = lastSeen.get(pid) ?? new Map();
  lastSeen.set(pid, seen);
  for (const p of processTree(pid)) {
    let tasks = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const ns = Number(fs.readFileSync(`/proc/${p}/task/${t}/schedstat`, "utf8").split(" ")[0]);
        seen.set(`${p}/${t}`, Math.max(ns, seen.get(`${p}/${t}`) ?? 0));
      } catch {}
    }
  }
  let total = 0;
  for (const ns of seen.values()) total += ns;
  return total;
}

/** Resident memory of the tree in KiB (VmRSS summed: what a user's task manager shows). */
export function treeRssKiB(pid) {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) total += Number(m[1]);
    } catch {}
  }
  return total;
}
