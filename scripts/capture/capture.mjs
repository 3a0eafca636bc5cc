// Captures the exact HTTP request (request line, header names with original case, order, duplicates)
// that real clients on this machine send, and writes them as fixtures to test/fixtures/requests/.
// Servers listen on 127.0.0.1 only: raw TCP (node:net, not node:http, so nothing is normalised) for
// http, and the same behind TLS with a throwaway CA and certificate made at run time for https (ALPN offers
// http/1.1 only, so browsers speak HTTP/1.1 and their header order is on the wire as is; the TLS
// ClientHello is recorded too). Each client gets a timeout; a client missing from the machine is
// reported and skipped; every process started here is killed by its process group at the end.
//
// Usage: node scripts/capture/capture.mjs [--only id1,id2] [--dry-run] [--no-install]
//   --only        capture only the clients whose id is listed (e.g. chromium-headful,curl)
//   --dry-run     capture and print, but write no fixture and leave the README alone
//   --no-install  if playwright-core is in neither node_modules nor ~/.cache/botsift-capture, skip
//                 Playwright instead of installing it there with npm
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const here = fileURLToPath(new URL("./", import.meta.url));
const clientsDir = join(here, "clients");
const outDir = join(root, "test/fixtures/requests");
const args = process.argv.slice(2);
const onlyIdx = args.indexOf("--only");
const only = onlyIdx >= 0 ? (args[onlyIdx + 1] ?? "").split(",").filter(Boolean) : [];
const dryRun = args.includes("--dry-run");
const noInstall = args.includes("--no-install");
const PLAYWRIGHT_VERSION = "1.65.1";
let playwrightEntry = null; // absolute path of playwright-core's index.js, once found

const HOST = "127.0.0.1";
const INSECURE_HOST = "botsift-capture.test"; // mapped to 127.0.0.1 inside Chromium only: a non-secure origin
const CHROMIUM = "/usr/bin/chromium";
const PYTHON = "/usr/bin/python3"; // Debian's python, whose packages (python3-requests, …) we use
const CLIENT_TIMEOUT_MS = 25_000;
const BROWSER_LINGER_MS = 400; // after the document request, before the browser is killed
const CONCURRENCY = 3;
const started = Date.now();

const work = mkdtempSync(join(tmpdir(), "botsift-capture-"));
const children = new Set(); // live process groups
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) killGroup(child, "SIGKILL");
  rmSync(work, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { cleanup(); process.exit(130); });

// ---------------------------------------------------------------- small helpers

const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const shq = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`);
const cmdline = (argv) => argv.map(shq).join(" ");

function which(cmd) {
  if (cmd.includes("/")) return existsSync(cmd) ? cmd : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** Runs a short command synchronously (version probes, setup); returns trimmed stdout+stderr or null. */
function run(argv, opts = {}) {
  if (!which(argv[0])) return null;
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 15_000, env: opts.env ?? process.env, cwd: opts.cwd });
  if (r.error || r.status !== 0) return opts.allowFail ? `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() : null;
  return `${r.stdout}${r.stderr}`.trim();
}
const firstLine = (s) => (s == null ? null : s.split("\n")[0].trim());

function killGroup(child, sig) {
  try { process.kill(-child.pid, sig); } catch {}
}

/** Spawns argv in its own process group; resolves {code, out} when it exits. `child.stop()` kills the group. */
function start(argv, env) {
  const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ["ignore", "pipe", "pipe"], cwd: work });
  children.add(child);
  let out = "";
  const keep = (d) => { out = (out + d).slice(-4000); };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.done = new Promise((resolve) => {
    child.on("error", (e) => { children.delete(child); resolve({ code: -1, out: String(e) }); });
    child.on("close", (code, signal) => { children.delete(child); resolve({ code: code ?? signal, out }); });
  });
  child.stop = async () => {
    if (!children.has(child)) return;
    killGroup(child, "SIGTERM");
    const t = setTimeout(() => killGroup(child, "SIGKILL"), 2000);
    await child.done;
    clearTimeout(t);
    killGroup(child, "SIGKILL"); // grandchildren that outlived the group leader
  };
  return child;
}

/** Environment for clients: no proxies, our certificate trusted wherever an env var can say so. */
function clientEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/_proxy$/i.test(k)) delete env[k];
  Object.assign(env, {
    SSL_CERT_FILE: certFile, CURL_CA_BUNDLE: certFile, REQUESTS_CA_BUNDLE: certFile,
    NODE_EXTRA_CA_CERTS: certFile, DENO_CERT: certFile, DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1",
    HOME: join(work, "home"), // fresh config for wget, lynx, w3m, httpie …
  }, extra);
  // toolchain caches stay where they were, so Go and Deno do not rebuild everything each run
  for (const k of ["GOCACHE", "GOPATH", "DENO_DIR"]) if (!env[k] && process.env.HOME) env[k] = defaultCache(k);
  return env;
}
function defaultCache(k) {
  const home = process.env.HOME;
  return { GOCACHE: join(home, ".cache/go-build"), GOPATH: join(home, "go"), DENO_DIR: join(home, ".cache/deno") }[k];
}

// ---------------------------------------------------------------- certificate

// A throwaway CA and a leaf certificate signed by it (some TLS stacks, rustls for one, refuse a self-signed
// CA certificate used as the server's own). Clients trust the CA; Chromium runs with --ignore-certificate-errors.
const certFile = join(work, "ca.pem"); // what clients trust
const caKey = join(work, "ca-key.pem");
const leafFile = join(work, "leaf.pem");
const keyFile = join(work, "leaf-key.pem");
mkdirSync(join(work, "home"), { recursive: true });
{
  const ext = join(work, "leaf.ext");
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,DNS:${INSECURE_HOST}\n`);
  const steps = [
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey, "-out", certFile,
      "-days", "2", "-subj", "/CN=botsift capture CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
    ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", join(work, "leaf.csr"), "-subj", "/CN=localhost"],
    ["x509", "-req", "-in", join(work, "leaf.csr"), "-CA", certFile, "-CAkey", caKey, "-CAcreateserial", "-out", leafFile, "-days", "2", "-extfile", ext],
  ];
  for (const step of steps) {
    const r = spawnSync("openssl", step, { encoding: "utf8", cwd: work });
    if (r.status !== 0) {
      console.error(`openssl ${step[0]} failed, cannot make the HTTPS certificate:\n${r.stderr ?? r.error}`);
      process.exit(1);
    }
  }
}

// ---------------------------------------------------------------- the capturing servers

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
const stray = []; // requests not addressed to a capture key

function onRequest(rec) {
  const m = /^\/capture\/([\w.-]+)/.exec(rec.request.target);
  const key = m?.[1];
  if (!key || !waiters.has(key)) { stray.push(rec.request.target); return; }
  if (captured.has(key)) return; // first request of each client only
  captured.set(key, rec);
  waiters.get(key)(rec);
}
function waitFor(key, ms) {
  return new Promise((resolve) => {
    const t = setTimeout(() => { waiters.delete(key); resolve(null); }, ms);
    waiters.set(key, (rec) => { clearTimeout(t); resolve(rec); });
  });
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

// TLS ClientHello → fields for a JA3 string (GREASE values dropped) and a few readable ones.
const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
function parseClientHello(hs) {
  // hs: the handshake message (type 1) without the 4-byte handshake header
  let p = 0;
  const u8 = () => hs[p++];
  const u16 = () => { const v = hs.readUInt16BE(p); p += 2; return v; };
  const legacyVersion = u16();
  p += 32; // random
  const sidLen = u8();
  p += sidLen; // session id
  const ciphers = [];
  const cipherLen = u16();
  for (const end = cipherLen + p; p < end;) ciphers.push(u16());
  const compLen = u8();
  p += compLen; // compression methods
  const extensions = [], groups = [], pointFormats = [], alpn = [], supportedVersions = [], sigAlgs = [];
  let sni = null;
  if (p < hs.length) {
    const extLen = u16();
    for (const end = extLen + p; p + 4 <= end;) {
      const type = u16(), len = u16(), body = hs.subarray(p, p + len);
      p += len;
      extensions.push(type);
      if (type === 0 && len > 5) sni = body.subarray(5, 5 + body.readUInt16BE(3)).toString("latin1");
      if (type === 10) for (let i = 2; i < 2 + body.readUInt16BE(0); i += 2) groups.push(body.readUInt16BE(i));
      if (type === 11) for (let i = 1; i < 1 + body[0]; i++) pointFormats.push(body[i]);
      if (type === 13) for (let i = 2; i < 2 + body.readUInt16BE(0); i += 2) sigAlgs.push(body.readUInt16BE(i));
      if (type === 16) for (let i = 2; i < body.length;) { const l = body[i]; alpn.push(body.subarray(i + 1, i + 1 + l).toString("latin1")); i += 1 + l; }
      if (type === 43) for (let i = 1; i < 1 + body[0]; i += 2) supportedVersions.push(body.readUInt16BE(i));
    }
  }
  const ng = (a) => a.filter((v) => !isGrease(v));
  const ja3 = [legacyVersion, ng(ciphers).join("-"), ng(extensions).join("-"), ng(groups).join("-"), pointFormats.join("-")].join(",");
  const sortedExts = ng(extensions).slice().sort((a, b) => a - b);
  const ja3Sorted = [legacyVersion, ng(ciphers).join("-"), sortedExts.join("-"), ng(groups).join("-"), pointFormats.join("-")].join(",");
  const hex = (v) => `0x${v.toString(16).padStart(4, "0")}`;
  return {
    ja3, ja3Hash: createHash("md5").update(ja3).digest("hex"),
    // Chromium permutes its extension order per connection; with the extensions sorted the string is stable.
    ja3SortedExtensions: ja3Sorted, ja3SortedExtensionsHash: createHash("md5").update(ja3Sorted).digest("hex"),
    sni, alpn, supportedVersions: ng(supportedVersions).map(hex), greased: extensions.some(isGrease) || ciphers.some(isGrease),
    ciphers: ng(ciphers).map(hex), extensions: ng(extensions), groups: ng(groups).map(hex), signatureAlgorithms: ng(sigAlgs).map(hex),
  };
}

const tlsServer = tls.createServer({ key: readFileSync(keyFile), cert: readFileSync(leafFile), ALPNProtocols: ["http/1.1"] });
const hellos = new Map(); // client port → parsed ClientHello
tlsServer.on("secureConnection", (sock) => {
  const hello = hellos.get(sock.remotePort);
  serveHttp(sock, () => ({ ...hello, negotiated: { protocol: sock.getProtocol(), alpn: sock.alpnProtocol || null, cipher: sock.getCipher()?.standardName ?? null } }));
});
tlsServer.on("tlsClientError", () => {});

/** Raw TCP in front of TLS: read the whole ClientHello, remember it, hand the bytes back to the TLS server. */
function sniffTls(socket) {
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
const httpServer = await listen((s) => serveHttp(s, null), 48080);
const httpsServer = await listen(sniffTls, 48443);
const PORT = { http: httpServer.address().port, https: httpsServer.address().port };

// ---------------------------------------------------------------- versions

const versionCache = new Map();
function version(name, fn) {
  if (!versionCache.has(name)) {
    let v = null;
    try { v = fn(); } catch {}
    versionCache.set(name, v);
  }
  return versionCache.get(name);
}
const chromiumVersion = () => version("chromium", () => firstLine(run([CHROMIUM, "--version"]))?.replace(/ built on.*/, ""));
const chromeMajor = () => /(\d+)\./.exec(chromiumVersion() ?? "")?.[1];
const pyModVersion = (mod) => version(`python3-${mod}`, () => firstLine(run([PYTHON, "-c",
  mod === "urllib" ? "import urllib.request as u; print(u.__version__)" : `import ${mod}; print(${mod}.__version__)`])));
const pythonVersion = () => version("python3", () => firstLine(run([PYTHON, "--version"])));
const debVersion = (pkg) => version(`deb:${pkg}`, () => firstLine(run(["dpkg-query", "-W", "-f=${Version}", pkg])));
const playwrightVersion = () => version("playwright-core", () =>
  playwrightEntry ? JSON.parse(readFileSync(join(playwrightEntry, "..", "package.json"), "utf8")).version : null);
const xvfbVersion = () => version("xvfb", () => debVersion("xvfb"));
const nodeBin = (name) => join(root, "node_modules/.bin", name);

// ---------------------------------------------------------------- clients

// Chromium's flags: the same for every Chromium run, so the only difference between runs is the one
// under study (headless or not, forced user agent or not, playwright or not).
const CHROMIUM_FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--ignore-certificate-errors",
  `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
];
// Chromium picks Accept-Language from the locale; a real desktop has one, so the browsers run with it set.
const BROWSER_ENV = { LANG: "en_US.UTF-8", LANGUAGE: "en_US" };
const chromeUA = () => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chromeMajor()}.0.0.0 Safari/537.36`;

let xvfb = null; // { display, child }
async function ensureXvfb() {
  if (xvfb) return xvfb;
  xvfb = (async () => {
    const bin = which("Xvfb");
    if (!bin) throw new Error("Xvfb not installed (apt-get install xvfb)");
    const child = spawn(bin, ["-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
      { detached: true, stdio: ["ignore", "ignore", "ignore", "pipe"] });
    children.add(child);
    child.on("close", () => children.delete(child));
    const display = await new Promise((resolve, reject) => {
      let s = "";
      const t = setTimeout(() => reject(new Error("Xvfb did not report a display")), 10_000);
      child.stdio[3].on("data", (d) => {
        s += d;
        if (s.includes("\n")) { clearTimeout(t); resolve(`:${s.trim()}`); }
      });
      child.on("error", (e) => { clearTimeout(t); reject(e); });
    });
    return { display, child };
  })();
  return xvfb;
}

/** Each variant of a browser gets the three origins: https://localhost, http://127.0.0.1 (loopback: a secure
 *  context) and http://botsift-capture.test (resolved to 127.0.0.1 by Chromium only: not a secure context). */
const BROWSER_ORIGINS = [
  { suffix: "https", scheme: "https", host: "localhost", note: "https://localhost — secure context" },
  { suffix: "http", scheme: "http", host: INSECURE_HOST, note: `http://${INSECURE_HOST} (mapped to 127.0.0.1 by --host-resolver-rules) — a non-secure context, as plain HTTP on the internet` },
  { suffix: "http-loopback", scheme: "http", host: HOST, note: "http://127.0.0.1 — plain HTTP, but loopback counts as a secure context" },
];
const LIB_ORIGINS = [
  { suffix: "http", scheme: "http", host: HOST, note: "http://127.0.0.1" },
  { suffix: "https", scheme: "https", host: HOST, note: "https://127.0.0.1 (capture certificate trusted)" },
];

const CLIENTS = [
  {
    id: "chromium-headful", kind: "browser", expected: "human", browser: true,
    note: "The real-browser reference: Debian's Chromium with a window, on an Xvfb display.",
    needs: [CHROMIUM, "Xvfb"],
    versions: () => ({ chromium: chromiumVersion(), xvfb: xvfbVersion() }),
    async launch(url) {
      const { display } = await ensureXvfb();
      const argv = [CHROMIUM, ...CHROMIUM_FLAGS, `--user-data-dir=${join(work, `profile-${Math.random().toString(36).slice(2)}`)}`, url];
      return { child: start(argv, clientEnv({ ...BROWSER_ENV, DISPLAY: display })), how: `Xvfb -screen 0 1280x800x24 (DISPLAY=${display}); LANG=en_US.UTF-8 ${cmdline(argv)}` };
    },
  },
  {
    id: "chromium-headless", kind: "headless", expected: "bot", browser: true,
    note: "Headless Chromium as it is: its user agent says HeadlessChrome.",
    needs: [CHROMIUM],
    versions: () => ({ chromium: chromiumVersion() }),
    async launch(url) {
      const argv = [CHROMIUM, "--headless", ...CHROMIUM_FLAGS, `--user-data-dir=${join(work, `profile-${Math.random().toString(36).slice(2)}`)}`, url];
      return { child: start(argv, clientEnv(BROWSER_ENV)), how: `LANG=en_US.UTF-8 ${cmdline(argv)}` };
    },
  },
  {
    id: "chromium-headless-chrome-ua", kind: "headless", expected: "bot", browser: true,
    note: "Headless Chromium with the user agent of a headful Chrome of the same version forced with --user-agent, as disguised bots do. See the README for how it compares with chromium-headful at the HTTP layer.",
    needs: [CHROMIUM],
    versions: () => ({ chromium: chromiumVersion() }),
    async launch(url) {
      const argv = [CHROMIUM, "--headless", ...CHROMIUM_FLAGS, `--user-agent=${chromeUA()}`, `--user-data-dir=${join(work, `profile-${Math.random().toString(36).slice(2)}`)}`, url];
      return { child: start(argv, clientEnv(BROWSER_ENV)), how: `LANG=en_US.UTF-8 ${cmdline(argv)}` };
    },
  },
  playwright("chromium-playwright", "Chromium launched and driven by playwright-core with its defaults (headless).", () => ({})),
  playwright("chromium-playwright-chrome-ua",
    "Playwright's headless Chromium with a headful Chrome user agent set the Playwright way (newContext({ userAgent })), as disguised scrapers do.",
    () => ({ userAgent: chromeUA() })),
  cli("curl", ["curl"], (url) => ["curl", "-sS", "-o", "/dev/null", url], () => ({ curl: firstLine(run(["curl", "--version"])) })),
  cli("wget", ["wget"], (url) => ["wget", "-q", "-O", "/dev/null", ...(url.startsWith("https:") ? [`--ca-certificate=${certFile}`] : []), url], () => ({ wget: firstLine(run(["wget", "--version"])) })),
  cli("httpie", ["http"], (url) => ["http", "--ignore-stdin", "--print=", "GET", url], () => ({ httpie: firstLine(run(["http", "--version"])), python3: pythonVersion() }),
    "HTTPie (Debian's httpie), the `http` command."),
  cli("lynx", ["lynx"], (url) => ["lynx", ...(url.startsWith("https:") ? [`-cfg=${lynxCfg()}`] : []), "-dump", url], () => ({ lynx: firstLine(run(["lynx", "-version"])) }),
    "A text-mode browser. A person can drive it, but botsift has no way to tell that from a script: labelled bot.",
    "localhost"),
  cli("w3m", ["w3m"], (url) => ["w3m", "-o", `ssl_ca_file=${certFile}`, "-dump", url], () => ({ w3m: firstLine(run(["w3m", "-version"])) }),
    "A text-mode browser. A person can drive it, but botsift has no way to tell that from a script: labelled bot.",
    "localhost"), // w3m does not match IP addresses against the certificate
  lib("python-urllib", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "urllib", url], () => ({ python3: pythonVersion(), urllib: pyModVersion("urllib") }), "pyModule:urllib.request"),
  lib("python-requests", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "requests", url], () => ({ python3: pythonVersion(), requests: pyModVersion("requests") }), "pyModule:requests"),
  lib("python-aiohttp", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "aiohttp", url], () => ({ python3: pythonVersion(), aiohttp: pyModVersion("aiohttp") }), "pyModule:aiohttp"),
  lib("python-httpx", [PYTHON], (url) => [PYTHON, join(clientsDir, "py_client.py"), "httpx", url], () => ({ python3: pythonVersion(), httpx: pyModVersion("httpx") }), "pyModule:httpx"),
  lib("node-fetch", [process.execPath], (url) => [process.execPath, join(clientsDir, "js_client.mjs"), "fetch", url], () => ({ node: process.version, undici: process.versions.undici ?? null }),
    null, "node's global fetch (undici)."),
  lib("node-http", [process.execPath], (url) => [process.execPath, join(clientsDir, "js_client.mjs"), "http", url], () => ({ node: process.version }),
    null, "node:http / node:https get()."),
  lib("deno-fetch", [nodeBin("deno")], (url) => [nodeBin("deno"), "run", "--no-prompt", `--allow-net`, join(clientsDir, "js_client.mjs"), "fetch", url],
    () => ({ deno: firstLine(run([nodeBin("deno"), "--version"])) })),
  lib("bun-fetch", [nodeBin("bun")], (url) => [nodeBin("bun"), join(clientsDir, "js_client.mjs"), "fetch", url], () => ({ bun: firstLine(run([nodeBin("bun"), "--version"])) })),
  { ...lib("go-net-http", ["go"], (url) => [join(work, "goclient"), url], () => ({ go: firstLine(run(["go", "version"])) }), "go",
    "Go's http.Get (default client), built from scripts/capture/clients/GoClient.go."),
    howPrefix: `GO111MODULE=off go build -o ${join(work, "goclient")} ${join(clientsDir, "GoClient.go")} && ` },
  lib("java-httpclient", ["java"], (url) => javaArgv("httpclient", url), () => ({ java: firstLine(run(["java", "-version"], { allowFail: true })) }), "java",
    "java.net.http.HttpClient.newHttpClient() (default: HTTP/2 preferred)."),
  lib("java-urlconnection", ["java"], (url) => javaArgv("urlconnection", url), () => ({ java: firstLine(run(["java", "-version"], { allowFail: true })) }), "java",
    "java.net.HttpURLConnection."),
  lib("perl-http-tiny", ["perl"], (url) => ["perl", "-MHTTP::Tiny", "-e", "my $r = HTTP::Tiny->new->get($ARGV[0]); exit($r->{status} == 200 ? 0 : 1)", url],
    () => ({ perl: firstLine(run(["perl", "-e", "print $^V"])), "HTTP::Tiny": firstLine(run(["perl", "-MHTTP::Tiny", "-e", "print $HTTP::Tiny::VERSION"])) }), null,
    "Perl's core HTTP::Tiny (https needs IO::Socket::SSL, which may be missing)."),
];

function playwright(id, note, contextOptions) {
  return {
    id, kind: "automation", expected: "bot", browser: true, note, needs: [CHROMIUM], setup: "playwright",
    versions: () => ({ chromium: chromiumVersion(), "playwright-core": playwrightVersion(), node: process.version }),
    async launch(url) {
      const opts = { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 20000 };
      const ctx = { ignoreHTTPSErrors: true, ...contextOptions() };
      const argv = [process.execPath, join(clientsDir, "playwright_client.mjs"), url, JSON.stringify(opts), playwrightEntry, JSON.stringify(ctx)];
      return {
        child: start(argv, clientEnv(BROWSER_ENV)),
        how: `LANG=en_US.UTF-8 node scripts/capture/clients/playwright_client.mjs: chromium.launch(${JSON.stringify(opts)}); browser.newContext(${JSON.stringify(ctx)}); page.goto(url)`,
      };
    },
  };
}
function cli(id, needs, argvFor, versions, note, httpsHost) {
  return { id, kind: "cli", expected: "bot", needs, versions, note, argvFor, httpsHost };
}
function lib(id, needs, argvFor, versions, setup, note) {
  return { id, kind: "library", expected: "bot", needs, versions, argvFor, setup, note };
}
/** lynx reads its CA file from lynx.cfg (Debian's sets the system bundle), so https runs get a cfg that trusts ours. */
function lynxCfg() {
  const f = join(work, "lynx.cfg");
  if (!existsSync(f)) writeFileSync(f, `${existsSync("/etc/lynx/lynx.cfg") ? "INCLUDE:/etc/lynx/lynx.cfg\n" : ""}SSL_CERT_FILE:${certFile}\n`);
  return f;
}
function javaArgv(mode, url) {
  return ["java", `-Djavax.net.ssl.trustStore=${join(work, "trust.p12")}`, "-Djavax.net.ssl.trustStorePassword=changeit",
    join(clientsDir, "JavaClient.java"), mode, url];
}

/** One-time preparation some clients need (compile, trust store, module present); returns an error or null. */
const setups = new Map();
function prepare(kind) {
  if (!kind) return Promise.resolve(null);
  if (!setups.has(kind)) setups.set(kind, (async () => {
    if (kind.startsWith("pyModule:")) {
      const mod = kind.slice(9);
      return run([PYTHON, "-c", `import ${mod}`]) == null ? `python module ${mod} missing (Debian: python3-${mod.split(".")[0]})` : null;
    }
    if (kind === "go") {
      const r = spawnSync("go", ["build", "-o", join(work, "goclient"), join(clientsDir, "GoClient.go")], { encoding: "utf8", env: clientEnv({ GOFLAGS: "", GO111MODULE: "off" }), timeout: 90_000, cwd: clientsDir });
      return r.status === 0 ? null : `go build failed: ${(r.stderr || String(r.error)).trim()}`;
    }
    if (kind === "playwright") {
      // The project's node_modules first; else a cache outside the repo, filled by npm on first use
      // (package.json is left alone: playwright-core is not a dependency of botsift).
      const cache = join(process.env.XDG_CACHE_HOME || join(process.env.HOME || tmpdir(), ".cache"), "botsift-capture");
      const entry = (dir) => join(dir, "node_modules/playwright-core/index.js");
      for (const dir of [root, cache]) if (existsSync(entry(dir))) { playwrightEntry = entry(dir); return null; }
      if (noInstall || !which("npm")) return `playwright-core not found in node_modules or ${cache} (npm install --no-save playwright-core@${PLAYWRIGHT_VERSION})`;
      log(`installing playwright-core@${PLAYWRIGHT_VERSION} into ${cache} …`);
      mkdirSync(cache, { recursive: true });
      const r = spawnSync("npm", ["install", "--prefix", cache, "--no-audit", "--no-fund", `playwright-core@${PLAYWRIGHT_VERSION}`], { encoding: "utf8", timeout: 90_000 });
      if (r.status === 0 && existsSync(entry(cache))) { playwrightEntry = entry(cache); return null; }
      return `playwright-core could not be installed: ${(r.stderr || String(r.error)).trim().split("\n").slice(-2).join(" ")}`;
    }
    if (kind === "java") {
      if (!which("keytool")) return "keytool missing";
      const r = spawnSync("keytool", ["-importcert", "-noprompt", "-alias", "capture", "-file", certFile, "-keystore", join(work, "trust.p12"), "-storetype", "PKCS12", "-storepass", "changeit"], { encoding: "utf8", timeout: 30_000 });
      return r.status === 0 ? null : `keytool failed: ${r.stderr}`;
    }
    return null;
  })());
  return setups.get(kind);
}

// ---------------------------------------------------------------- running one capture

async function captureOne(client, origin) {
  const key = `${client.id}-${origin.suffix}-${Math.random().toString(36).slice(2, 8)}`;
  const host = origin.scheme === "https" && client.httpsHost ? client.httpsHost : origin.host;
  const url = `${origin.scheme}://${host}:${PORT[origin.scheme]}/capture/${key}`;
  const wait = waitFor(key, CLIENT_TIMEOUT_MS);
  let child, how;
  try {
    if (client.launch) ({ child, how } = await client.launch(url));
    else {
      const argv = client.argvFor(url);
      child = start(argv, clientEnv());
      // the env that makes clients trust the capture CA (each reads the one it knows), then the command
      const trust = origin.scheme === "https" ? `${["SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "DENO_CERT"].map((k) => `${k}=${certFile}`).join(" ")} ` : "";
      how = `${client.howPrefix ?? ""}${trust}${cmdline(argv)}`;
    }
  } catch (e) {
    waiters.delete(key);
    return { ok: false, why: String(e.message ?? e) };
  }
  const rec = await Promise.race([wait, child.done.then(async (r) => ((await Promise.race([wait, sleep(300)])) ?? { exited: r }))]);
  if (rec && !rec.exited) {
    if (client.browser) await sleep(BROWSER_LINGER_MS);
    else await Promise.race([child.done, sleep(5000)]); // let CLIs finish reading the response
  }
  await child.stop();
  if (!rec || rec.exited) {
    const r = rec?.exited ?? (await child.done);
    return { ok: false, why: `no request captured (exit ${r.code}): ${r.out.trim().split("\n").slice(-3).join(" | ")}` };
  }
  const placeholder = (s) => s.replaceAll(key, client.id);
  return { ok: true, rec, key, how: placeholder(how), url: placeholder(url) };
}

async function pool(tasks, n) {
  const results = [];
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < tasks.length) {
      const k = i++;
      results[k] = await tasks[k]();
    }
  }));
  return results;
}

// ---------------------------------------------------------------- main

const selected = CLIENTS.filter((c) => only.length === 0 || only.includes(c.id));
for (const id of only) if (!CLIENTS.some((c) => c.id === id)) console.error(`unknown client "${id}"; clients: ${CLIENTS.map((c) => c.id).join(", ")}`);
log(`capture servers: http://${HOST}:${PORT.http}  https://${HOST}:${PORT.https}  (work dir ${work})`);

const summary = []; // { id, origin, status, detail }
const fixtures = []; // written fixture objects
const tasks = [];
for (const client of selected) {
  const missing = client.needs.filter((n) => !which(n));
  const origins = client.browser ? BROWSER_ORIGINS : LIB_ORIGINS;
  if (missing.length) {
    for (const o of origins) summary.push({ id: client.id, origin: o.suffix, status: "missing", detail: `not on this machine: ${missing.join(", ")}` });
    continue;
  }
  for (const origin of origins) {
    tasks.push(async () => {
      const setupErr = await prepare(client.setup);
      if (setupErr) { summary.push({ id: client.id, origin: origin.suffix, status: "missing", detail: setupErr }); return; }
      const t0 = Date.now();
      const r = await captureOne(client, origin);
      const ms = Date.now() - t0;
      if (!r.ok) { summary.push({ id: client.id, origin: origin.suffix, status: "failed", detail: `${r.why} (${ms} ms)` }); return; }
      const fixture = {
        client: client.id,
        kind: client.kind,
        expected: client.expected,
        ...(client.note ? { note: client.note } : {}),
        how: r.how,
        url: r.url,
        origin: origin.note,
        capturedAt: r.rec.at,
        "tool versions": { ...client.versions(), capture: `node ${process.version} raw node:net server${origin.scheme === "https" ? " behind node:tls (ALPN: http/1.1 only)" : ""}` },
        scheme: origin.scheme,
        request: r.rec.request,
        ...(r.rec.tls ? { tls: r.rec.tls } : {}),
        raw: r.rec.raw,
      };
      fixture.key = r.key; // dropped below, once the key is replaced
      fixtures.push({ name: `${client.id}-${origin.suffix}`, fixture });
      summary.push({ id: client.id, origin: origin.suffix, status: "ok", detail: `${r.rec.request.method} ${r.rec.request.target.replace(/\/capture\/.*/, "/capture/…")} HTTP/${r.rec.request.httpVersion}, ${r.rec.request.headers.length} headers (${ms} ms)` });
    });
  }
}
await pool(tasks, CONCURRENCY);

httpServer.close();
httpsServer.close();
if (xvfb) { const { child } = await xvfb.catch(() => ({})); if (child) { killGroup(child, "SIGTERM"); await sleep(200); } }

// Normalise what changes on every run so fixtures diff cleanly between runs: the random capture key in the
// target becomes the client id, this run's temporary directory becomes $TMP, and paths in the repo are made
// relative to its root (where the command is meant to be run from). The port stays as sent
// (the servers take 48080 and 48443 when free).
for (const { fixture } of fixtures) {
  const req = fixture.request;
  const key = fixture.key;
  delete fixture.key;
  const fix = (s) => s.replaceAll(key, fixture.client).replaceAll(work, "$TMP").replaceAll(root, "");
  req.target = fix(req.target);
  req.headers = req.headers.map(([n, v]) => [n, v == null ? v : fix(v)]);
  fixture.raw = fix(fixture.raw);
  fixture.url = fix(fixture.url);
  fixture.how = fix(fixture.how);
}

fixtures.sort((a, b) => a.name.localeCompare(b.name));
summary.sort((a, b) => (a.id + a.origin).localeCompare(b.id + b.origin));

// ---------------------------------------------------------------- report

log("");
for (const s of summary) log(`${s.status.padEnd(7)} ${`${s.id}-${s.origin}`.padEnd(40)} ${s.detail}`);
if (stray.length) log(`(ignored ${stray.length} request(s) not addressed to a client: ${[...new Set(stray)].slice(0, 5).join(", ")})`);

// The comparison and the README tables cover every fixture: those on disk, overridden by this run's.
const onDisk = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith(".json")).sort() : [];
const all = new Map(onDisk.map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(outDir, f), "utf8"))]));
for (const { name, fixture } of fixtures) all.set(name, fixture);
const sortedAll = new Map([...all].sort(([a], [b]) => a.localeCompare(b)));
const comparison = compareSection(sortedAll);
if (comparison) log(`\n${comparison}`);
const headfulUA = sortedAll.get("chromium-headful-https")?.request.headers.find(([n]) => n.toLowerCase() === "user-agent")?.[1];
if (headfulUA && chromeMajor() && headfulUA !== chromeUA()) {
  log(`\nWARNING: the forced user agent (${chromeUA()}) is not what headful Chromium sent (${headfulUA}); update chromeUA().`);
}

if (!dryRun) {
  mkdirSync(outDir, { recursive: true });
  for (const { name, fixture } of fixtures) writeFileSync(join(outDir, `${name}.json`), `${pretty(fixture)}\n`);
  // The README's generated sections are refreshed in place; the rest of it is written by hand.
  const readme = join(outDir, "README.md");
  if (existsSync(readme)) {
    let text = readFileSync(readme, "utf8");
    const put = (name, body) => {
      const start = `<!-- capture:${name}:start -->`, end = `<!-- capture:${name}:end -->`;
      const a = text.indexOf(start), b = text.indexOf(end);
      if (a >= 0 && b > a) text = `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
    };
    if (comparison) put("comparison", comparison);
    put("inventory", inventory(sortedAll));
    writeFileSync(readme, text);
  }
  log(`wrote ${fixtures.length} fixture(s) to ${outDir} (${sortedAll.size} there in all)`);
}
const failed = summary.filter((s) => s.status !== "ok");
log(`${summary.length - failed.length} captured, ${failed.filter((s) => s.status === "missing").length} missing, ${failed.filter((s) => s.status === "failed").length} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
cleanup();
process.exit(0);

/** JSON with two-space indentation, but arrays of plain values (a header pair, a cipher list) on one line. */
function pretty(v, indent = "") {
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== "object")) return `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;
    return `[\n${v.map((x) => inner + pretty(x, inner)).join(",\n")}\n${indent}]`;
  }
  if (v && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(v);
}

// ---------------------------------------------------------------- tables for the README

/** One row per fixture: the signals a header heuristic would look at. */
function inventory(fx) {
  const rows = ["| fixture | expected | HTTP | # | User-Agent | Accept-Language | sec-fetch-* | sec-ch-ua* | header names in wire order |", "|---|---|---|---|---|---|---|---|---|"];
  for (const [name, f] of fx) {
    const h = f.request.headers;
    const get = (n) => h.find(([k]) => k.toLowerCase() === n)?.[1];
    const count = (p) => h.filter(([k]) => k.toLowerCase().startsWith(p)).length;
    const code = (x) => (x == null ? "—" : `\`${String(x).replace(/\|/g, "\\|")}\``);
    const ua = get("user-agent");
    rows.push(`| ${name} | ${f.expected} | ${f.request.httpVersion} | ${h.length} | ${code(ua)} | ${code(get("accept-language"))} | ${count("sec-fetch-") || "—"} | ${count("sec-ch-ua") || "—"} | ${h.map(([k]) => k).join(" ")} |`);
  }
  return rows.join("\n");
}

// ---------------------------------------------------------------- headful vs headless comparison

function compareSection(fx) {
  const out = [];
  for (const suffix of ["https", "http", "http-loopback"]) {
    const a = fx.get(`chromium-headful-${suffix}`), b = fx.get(`chromium-headless-chrome-ua-${suffix}`), c = fx.get(`chromium-headless-${suffix}`);
    if (!a || !b) continue;
    out.push(`#### ${a.origin}\n`);
    out.push(diffText("chromium-headful", a, "chromium-headless-chrome-ua", b));
    if (c) out.push(diffText("chromium-headful", a, "chromium-headless", c));
    const d = fx.get(`chromium-playwright-${suffix}`), e = fx.get(`chromium-playwright-chrome-ua-${suffix}`);
    if (c && d) out.push(diffText("chromium-headless", c, "chromium-playwright", d));
    if (e) out.push(diffText("chromium-headful", a, "chromium-playwright-chrome-ua", e));
    if (suffix === "https") {
      out.push("\n| # | chromium-headful (human) | chromium-headless-chrome-ua | chromium-headless |\n|---|---|---|---|");
      const rows = Math.max(a.request.headers.length, b.request.headers.length, c?.request.headers.length ?? 0);
      const cell = (f, i) => { const h = f?.request.headers[i]; return h ? `\`${h[0]}: ${h[1]}\``.replace(/\|/g, "\\|") : ""; };
      for (let i = 0; i < rows; i++) out.push(`| ${i + 1} | ${cell(a, i)} | ${cell(b, i)} | ${cell(c, i)} |`);
      out.push("");
    }
  }
  return out.join("\n");
}

function diffText(na, a, nb, b) {
  const ha = a.request.headers, hb = b.request.headers;
  const namesA = ha.map((h) => h[0]), namesB = hb.map((h) => h[0]);
  const lines = [];
  if (a.request.httpVersion !== b.request.httpVersion) lines.push(`HTTP version: ${a.request.httpVersion} vs ${b.request.httpVersion}`);
  if (namesA.join("\n") !== namesB.join("\n")) {
    const onlyA = namesA.filter((n) => !namesB.includes(n)), onlyB = namesB.filter((n) => !namesA.includes(n));
    if (onlyA.length) lines.push(`only ${na}: ${onlyA.join(", ")}`);
    if (onlyB.length) lines.push(`only ${nb}: ${onlyB.join(", ")}`);
    if (!onlyA.length && !onlyB.length) lines.push(`same names, different order: ${namesA.join(", ")} vs ${namesB.join(", ")}`);
  }
  const vb = new Map(hb);
  for (const [n, v] of ha) if (vb.has(n) && vb.get(n) !== v) lines.push(`\`${n}\`: \`${v}\` vs \`${vb.get(n)}\``);
  const tlsA = a.tls?.ja3SortedExtensions, tlsB = b.tls?.ja3SortedExtensions;
  if (tlsA && tlsB) lines.push(tlsA === tlsB ? "TLS ClientHello (JA3 with extensions sorted): identical" : "TLS ClientHello (JA3 with extensions sorted): differs");
  const same = lines.every((l) => l.startsWith("TLS") && l.endsWith("identical"));
  return `- **${na}** vs **${nb}**: ${same ? "same header names, same order, same values" : "differences:"}\n${lines.map((l) => `  - ${l}`).join("\n")}`;
}
