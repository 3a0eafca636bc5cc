// The capturing servers: raw TCP on 127.0.0.1 (node:net, not node:http, so nothing is normalised) for http,
// and the same behind node:tls for https, with a throwaway CA and certificate made by openssl at run time.
// The TLS ClientHello is read off the socket before the handshake and kept with the request. The first
// request to /capture/<key> is handed to whoever waits for that key; anything else is counted as stray.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import { parseClientHello } from "./client-hello.mjs";
import { HOST, INSECURE_HOST, caKeyFile, certFile, leafFile, leafKeyFile, work } from "./workspace.mjs";

// A throwaway CA and a leaf certificate signed by it (some TLS stacks, rustls for one, refuse a self-signed
// CA certificate used as the server's own). Clients trust the CA; Chromium runs with --ignore-certificate-errors.
export function makeCertificate() {
  const ext = join(work, "leaf.ext");
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,DNS:${INSECURE_HOST}\n`);
  const steps = [
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKeyFile, "-out", certFile,
      "-days", "2", "-subj", "/CN=botsift capture CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
    ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", leafKeyFile, "-out", join(work, "leaf.csr"), "-subj", "/CN=localhost"],
    ["x509", "-req", "-in", join(work, "leaf.csr"), "-CA", certFile, "-CAkey", caKeyFile, "-CAcreateserial", "-out", leafFile, "-days", "2", "-extfile", ext],
  ];
  for (const step of steps) {
    const r = spawnSync("openssl", step, { encoding: "utf8", cwd: work });
    if (r.status !== 0) {
      console.error(`openssl ${step[0]} failed, cannot make the HTTPS certificate:\n${r.stderr ?? r.error}`);
      process.exit(1);
    }
  }
}

/** Parses a raw request head (latin1 text up to and excluding the blank line). */
function parseHead(raw) {
  const lines = raw.split(/\r?\n/);
  const [method = "", target = "", httpVersion = ""] = lines[0].split(" ");
  const headers = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const i = line.indexOf(":");
    if (i < 0) headers.push([line, null]);
    else headers.push([line.slice(0, i), line.slice(i + 1).replace(/^[ \t]+|[ \t]+$/g, "")]);
  }
  return { method, target, httpVersion: httpVersion.replace(/^HTTP\//, ""), headers };
}

const PAGE = Buffer.from(
  '<!doctype html><html><head><meta charset="utf-8"><title>botsift capture</title><link rel="icon" href="data:,"></head>' +
  "<body><p>captured</p></body></html>\n",
);
const waiters = new Map(); // key → resolve
const captured = new Map(); // key → record
export const stray = []; // requests not addressed to a capture key

function onRequest(rec) {
  const m = /^\/capture\/([\w.-]+)/.exec(rec.request.target);
  const key = m?.[1];
  if (!key || !waiters.has(key)) { stray.push(rec.request.target); return; }
  if (captured.has(key)) return; // first request of each client only
  captured.set(key, rec);
  waiters.get(key)(rec);
}
/** Resolves with the first request to /capture/<key>, or null after `ms`. */
export function waitFor(key, ms) {
  return new Promise((resolve) => {
    const t = setTimeout(() => { waiters.delete(key); resolve(null); }, ms);
    waiters.set(key, (rec) => { clearTimeout(t); resolve(rec); });
  });
}
/** For a client that could not be started: requests to its key count as stray from now on. */
export function stopWaiting(key) {
  waiters.delete(key);
}

function serveHttp(socket, tlsInfo) {
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on("error", () => {});
  let buf = Buffer.alloc(0);
  const onData = (d) => {
    buf = Buffer.concat([buf, d]);
    let end = buf.indexOf("\r\n\r\n");
    if (end < 0) end = buf.indexOf("\n\n"); // a client that ends lines with LF alone
    if (end < 0) {
      if (buf.length > 65536) socket.destroy();
      return;
    }
    socket.removeListener("data", onData);
    const raw = buf.subarray(0, end).toString("latin1");
    const rec = { raw, request: parseHead(raw), tls: tlsInfo?.() ?? null, at: new Date().toISOString() };
    socket.end(Buffer.concat([
      Buffer.from(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n" +
        `Content-Length: ${PAGE.length}\r\nConnection: close\r\n\r\n`, "latin1"),
      PAGE,
    ]));
    onRequest(rec);
  };
  socket.on("data", onData);
}

const hellos = new Map(); // client port → parsed ClientHello

function makeTlsServer() {
  const tlsServer = tls.createServer({ key: readFileSync(leafKeyFile), cert: readFileSync(leafFile), ALPNProtocols: ["http/1.1"] });
  tlsServer.on("secureConnection", (sock) => {
    const hello = hellos.get(sock.remotePort);
    serveHttp(sock, () => ({ ...hello, negotiated: { protocol: sock.getProtocol(), alpn: sock.alpnProtocol || null, cipher: sock.getCipher()?.standardName ?? null } }));
  });
  tlsServer.on("tlsClientError", () => {});
  return tlsServer;
}

/** Raw TCP in front of TLS: read the whole ClientHello, remember it, hand the bytes back to the TLS server. */
function sniffTls(socket, tlsServer) {
  socket.on("error", () => {});
  socket.setTimeout(10_000, () => socket.destroy());
  let buf = Buffer.alloc(0);
  const onData = (d) => {
    buf = Buffer.concat([buf, d]);
    // collect handshake fragments across records until the ClientHello is complete
    let hs = Buffer.alloc(0), p = 0;
    while (p + 5 <= buf.length && buf[p] === 0x16) {
      const len = buf.readUInt16BE(p + 3);
      if (p + 5 + len > buf.length) break;
      hs = Buffer.concat([hs, buf.subarray(p + 5, p + 5 + len)]);
      p += 5 + len;
      if (hs.length >= 4 && hs.length >= 4 + hs.readUIntBE(1, 3)) break;
    }
    const complete = hs.length >= 4 && hs.length >= 4 + hs.readUIntBE(1, 3);
    if (!complete && buf.length < 65536 && (buf.length === 0 || buf[0] === 0x16)) return;
    socket.removeListener("data", onData);
    socket.pause();
    let hello = null;
    try { if (complete && hs[0] === 1) hello = parseClientHello(hs.subarray(4, 4 + hs.readUIntBE(1, 3))); } catch {}
    hellos.set(socket.remotePort, hello ?? { clientHello: "unparsed" });
    socket.on("close", () => hellos.delete(socket.remotePort));
    socket.unshift(buf);
    tlsServer.emit("connection", socket);
  };
  socket.on("data", onData);
}

async function listen(handler, preferred) {
  const server = net.createServer(handler);
  for (const port of [preferred, 0]) {
    try {
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, HOST, () => { server.removeListener("error", reject); resolve(); });
      });
      return server;
    } catch (e) {
      if (port === 0) throw e;
    }
  }
}

let servers = [];
/** Starts both servers (after makeCertificate) on 48080 and 48443 when free, else any port; returns the ports. */
export async function startServers() {
  const tlsServer = makeTlsServer();
  const httpServer = await listen((s) => serveHttp(s, null), 48080);
  const httpsServer = await listen((s) => sniffTls(s, tlsServer), 48443);
  servers = [httpServer, httpsServer];
  return { http: httpServer.address().port, https: httpsServer.address().port };
}
export function closeServers() {
  for (const server of servers) server.close();
}
