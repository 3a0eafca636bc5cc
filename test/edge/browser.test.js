// Chromium: protect() in a real service worker (block, log + tags upstream, robots.txt) and the pack
// updater verifying an Ed25519 signature with the browser's WebCrypto. Served on 127.0.0.1.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePack } from "botsift";
import { generateSigningKey, signPack } from "botsift/update";
import { bundleWorker } from "./lib/bundle.mjs";
import { skipped } from "./lib/servers.mjs";

const CHROMIUM = process.env.CHROMIUM_BIN || "chromium";

test("service worker and updater in Chromium", async () => {
  if (skipped("chromium")) return console.log("  (chromium skipped: BOTSIFT_SKIP_RUNTIMES)");
  const [sw, page, key, intruder] = await Promise.all([
    bundleWorker("test/edge/browser/sw.js", { conditions: ["browser"] }),
    bundleWorker("test/edge/browser/page.js", { conditions: ["browser"] }),
    generateSigningKey(), generateSigningKey(),
  ]);
  const pack = await compilePack([{ name: "browser-test", version: "1", bots: [{ name: "EdgeBrowserBot", operator: "Edge", category: "other", signatures: [{ literal: "EdgeBrowserBot" }] }] }]);
  const good = await signPack(pack, key.privateKey, 1);
  const forged = await signPack(pack, intruder.privateKey, 2);
  forged.set(good.subarray(16, 24), 16); // claims the trusted key id; the signature cannot match
  const files = {
    "/": ["text/html", `<!doctype html><meta charset="utf-8"><script src="/page.js"></script>`],
    "/page.js": ["text/javascript", page.js],
    "/sw.js": ["text/javascript", sw.js],
    "/config.json": ["application/json", JSON.stringify({ publicKey: key.publicKey })],
    "/packs/good.bspk": ["application/octet-stream", good],
    "/packs/forged.bspk": ["application/octet-stream", forged],
  };
  let reportResolve;
  const report = new Promise((r) => (reportResolve = r));
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (req.method === "POST" && path === "/__report") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => (res.end("ok"), reportResolve(JSON.parse(body))));
      return;
    }
    if (path === "/logged/echo") {
      const seen = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith("x-botsift-")));
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(seen));
    }
    const file = files[path];
    if (!file) return res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": file[0], "cache-control": "no-store" }).end(file[1]);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const profile = mkdtempSync(join(tmpdir(), "botsift-edge-chromium-"));
  let log = "";
  const browser = spawn(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, `http://127.0.0.1:${server.address().port}/`], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  browser.stdout.on("data", (c) => (log += c));
  browser.stderr.on("data", (c) => (log += c));
  const exited = new Promise((r) => browser.once("exit", () => r(null)));
  let timer;
  const timeout = new Promise((r) => (timer = setTimeout(() => r(null), 45_000)));
  let checks;
  try {
    checks = await Promise.race([report, exited, timeout]);
  } finally {
    clearTimeout(timer);
    try {
      process.kill(-browser.pid, "SIGKILL");
    } catch {}
    server.closeAllConnections();
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
  assert.ok(checks, `no report from Chromium\n${log.slice(-3000)}`);
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.detail}`);
  assert.ok(checks.length >= 8, `${checks.length} checks ran: ${checks.map((c) => c.name).join("; ")}`);
});

test.run();
