// Smoke launcher for Chromium: serves the repo on 127.0.0.1, opens a page whose import map follows the exports map, relays the report.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { CONDITIONS, resolveExport } from "../lib/harness.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const entry = resolveExport(pkg, CONDITIONS.chromium);
if (!entry) {
  console.error(`chromium smoke: package.json exports has no "." target for ${CONDITIONS.chromium.join(", ")}`);
  process.exit(1);
}
const bin = process.env.CHROMIUM_BIN || "chromium";
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".html": "text/html" };
const page = `<!doctype html>
<meta charset="utf-8">
<title>botsift smoke</title>
<script type="importmap">${JSON.stringify({ imports: { botsift: new URL(entry, "http://x/").pathname } })}</script>
<script type="module" src="/test/runtime/browser.js"></script>
`;

let browser;
let browserLog = "";
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (req.method === "POST" && path === "/__report") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.end("ok");
      try {
        const report = JSON.parse(body);
        report.userAgent = req.headers["user-agent"];
        console.log(JSON.stringify(report));
        finish(report.failed ? 1 : 0);
      } catch {
        fail(`bad report: ${body.slice(0, 500)}`);
      }
    });
    return;
  }
  if (path === "/__smoke.html") return send(res, 200, "text/html", page);
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) return send(res, 404, "text/plain", "not found");
  let data;
  try {
    data = readFileSync(file);
  } catch {
    return send(res, 404, "text/plain", "not found");
  }
  send(res, 200, TYPES[extname(file)] ?? "application/octet-stream", data);
});

const profile = mkdtempSync(join(tmpdir(), "botsift-chromium-"));
server.listen(0, "127.0.0.1", () => {
  const url = `http://127.0.0.1:${server.address().port}/__smoke.html`;
  browser = spawn(bin, [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0", `--user-data-dir=${profile}`, url,
  ], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  browser.stdout.on("data", (c) => (browserLog += c));
  browser.stderr.on("data", (c) => (browserLog += c));
  browser.on("error", (e) => fail(`cannot start ${bin}: ${e.message}`));
  browser.on("exit", (code, signal) => fail(`${bin} exited early (code ${code}, signal ${signal})`));
});
setTimeout(() => fail("no report within 60 s"), 60_000).unref();

function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

function finish(code) {
  if (browser) {
    browser.removeAllListeners("exit");
    try {
      process.kill(-browser.pid, "SIGKILL");
    } catch {}
  }
  server.close();
  server.closeAllConnections();
  rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  process.exit(code);
}

function fail(message) {
  console.error(`chromium smoke: ${message}`);
  if (browserLog) console.error(browserLog.split("\n").slice(-40).join("\n"));
  finish(1);
}
