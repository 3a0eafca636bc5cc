// Page under test (bundled by browser.test.js): drives the service worker and runs the pack updater in Chromium.
import { createEngine } from "botsift";
import { createPackUpdater } from "botsift/update";

const checks = [];
const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail: String(detail ?? "") });

async function run() {
  const config = await (await fetch("/config.json")).json();
  await navigator.serviceWorker.register("/sw.js");
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
  check("user agent is HeadlessChrome", navigator.userAgent.includes("HeadlessChrome"), navigator.userAgent);

  const blocked = await fetch("/guarded/page");
  check("service worker blocks the headless browser with 403", blocked.status === 403, blocked.status);
  check("block body", (await blocked.text()) === "Forbidden\n");
  const logged = await fetch("/logged/echo");
  const seen = await logged.json();
  check("log mode passes, tagged upstream", logged.status === 200 && seen["x-botsift-action"] === "log" && seen["x-botsift-bot"] === "HeadlessChrome", JSON.stringify(seen));
  const robots = await fetch("/robots.txt");
  const text = await robots.text();
  check("robots.txt from the service worker", robots.status === 200 && /^User-agent: GPTBot$/m.test(text), text.slice(0, 200));

  const engine = await createEngine();
  const updater = createPackUpdater({ engine, url: "/packs/good.bspk", publicKey: config.publicKey });
  const good = await updater.check();
  check("updater: signed pack verified with WebCrypto Ed25519 and swapped", good.status === "updated" && engine.classify("EdgeBrowserBot/1").bot?.name === "EdgeBrowserBot", JSON.stringify(good));
  const bad = await createPackUpdater({ engine, url: "/packs/forged.bspk", publicKey: config.publicKey, currentSequence: 1 }).check();
  check("updater: a forged pack is refused", bad.status === "refused" && /does not verify/.test(bad.reason), JSON.stringify(bad));
  check("old pack still serves", engine.classify("EdgeBrowserBot/1").bot?.name === "EdgeBrowserBot");
}

run().catch((e) => check("page ran to the end", false, e?.stack ?? e)).finally(() => fetch("/__report", { method: "POST", body: JSON.stringify(checks) }));
