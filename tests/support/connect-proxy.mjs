// A small HTTP proxy for Flint's tests: CONNECT tunnels (https and WebSocket) and
// absolute-form requests (plain http), on loopback, recording what it carried.
//
//   node tests/support/connect-proxy.mjs [--port 0] [--auth user:password]
//   prints {"port": N} on stdout once listening; stops on SIGTERM or when stdin closes.
//
// Control (origin-form requests to the proxy itself):
//   GET /__proxy/requests  every proxied request: {method, target, proxyAuthorization, headers} (headers: all
//                          the request headers the proxy itself read; a tunnel's content is not among them)
// With --auth, requests without the matching Proxy-Authorization get 407.
// It only ever connects to loopback targets: anything else is refused with 403.
import http from "node:http";
import net from "node:net";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const auth = arg("--auth", null);
const expected = auth ? "Basic " + Buffer.from(auth).toString("base64") : null;
const requests = [];
const sockets = new Set();

const loopback = (host) => host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
const authorized = (req) => !expected || req.headers["proxy-authorization"] === expected;

const server = http.createServer((req, res) => {
  if (req.url.startsWith("/__proxy/requests")) {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(requests));
  }
  requests.push({ method: req.method, target: req.url, proxyAuthorization: req.headers["proxy-authorization"] ?? null,
                  headers: req.headers });
  if (!authorized(req)) {
    res.writeHead(407, { "proxy-authenticate": 'Basic realm="flint-test"' });
    return res.end();
  }
  let target;
  try { target = new URL(req.url); } catch { target = null; }
  if (!target || target.protocol !== "http:" || !loopback(target.hostname)) {
    res.writeHead(403);
    return res.end();
  }
  const headers = { ...req.headers };
  delete headers["proxy-authorization"];
  const upstream = http.request({ host: target.hostname, port: target.port, method: req.method,
                                  path: target.pathname + target.search, headers }, (up) => {
    res.writeHead(up.statusCode, up.headers);
    up.pipe(res);
  });
  upstream.on("error", () => { res.writeHead(502); res.end(); });
  req.pipe(upstream);
});

server.on("connect", (req, client, head) => {
  requests.push({ method: "CONNECT", target: req.url, proxyAuthorization: req.headers["proxy-authorization"] ?? null,
                  headers: req.headers });
  if (!authorized(req)) return client.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
  const colon = req.url.lastIndexOf(":");
  const host = req.url.slice(0, colon);
  const port = Number(req.url.slice(colon + 1));
  if (!loopback(host)) return client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  const upstream = net.connect(port, host.replace(/^\[|\]$/g, ""), () => {
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  sockets.add(client);
  sockets.add(upstream);
  const done = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
  upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"));
  upstream.on("close", done);
  client.on("error", done);
  client.on("close", done);
});

server.listen(Number(arg("--port", "0")), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
const stop = () => {
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
