// The Worker example in workerd with a real KV binding (a disk directory behind workerd's KV
// protocol): signed packs put into KV swap in live; a wrongly signed one is refused and logged.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine, compilePack } from "botsift";
import { generateSigningKey, signPack } from "botsift/update";
import { get, UA } from "./lib/battery.mjs";
import { bundleWorker } from "./lib/bundle.mjs";
import { root, serveWorker, skipped } from "./lib/servers.mjs";

const kvDir = mkdtempSync(join(tmpdir(), "botsift-edge-kv-"));
let server, key, builtinSources;

/** The built-in sources plus one extra AI crawler, so a swap is visible from outside. */
async function packWith(botName) {
  return compilePack([...builtinSources, {
    label: "extra", source: { name: "edge-extra", version: botName, bots: [{ name: botName, operator: "Edge Test", category: "ai_crawler", robotsToken: botName, signatures: [{ literal: botName }] }] },
  }]);
}

function putKv(name, bytes) {
  writeFileSync(join(kvDir, `.${name}.tmp`), bytes);
  renameSync(join(kvDir, `.${name}.tmp`), join(kvDir, name));
}

/** Sends requests (each may start a due check) until `ua` gets `status`; bounded. */
async function until(ua, status, tries = 60) {
  for (let i = 0; i < tries; i++) {
    if ((await get(server.url, "/", ua)).status === status) return true;
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

test.before(async () => {
  if (skipped("workerd")) return;
  key = await generateSigningKey();
  const engine = await createEngine();
  builtinSources = engine.packInfo.sources.map(({ name }) => ({ label: name, source: JSON.parse(readFileSync(join(root, "packs", `${name}.json`), "utf8")) }));
  putKv("current", await signPack(await packWith("EdgeKvBotOne"), key.privateKey, 1));
  server = await serveWorker("workerd-kv", await bundleWorker("examples/worker/src/index.js"), {
    services: [`(name = "kv", disk = (path = ${JSON.stringify(kvDir)}, writable = false))`],
    bindings: [`(name = "PACKS", kvNamespace = "kv")`, `(name = "BOTSIFT_PUBLIC_KEY", text = ${JSON.stringify(key.publicKey)})`, `(name = "BOTSIFT_UPDATE_INTERVAL", text = "1")`],
  });
});

test.after(async () => {
  await server?.stop();
  rmSync(kvDir, { recursive: true, force: true });
});

test("a signed pack in KV swaps in; a wrongly signed one is refused; a newer good one swaps in", async () => {
  if (skipped("workerd")) return console.log("  (workerd skipped: BOTSIFT_SKIP_RUNTIMES)");
  assert.ok(await until("EdgeKvBotOne/1.0", 403), `the KV pack (sequence 1) serves\n${server.output.slice(-2000)}`);
  assert.is((await get(server.url, "/", UA.gptbot)).status, 403, "the built-in bots are still in it");
  assert.is((await get(server.url, "/", UA.chrome)).status, 200);

  const intruder = await generateSigningKey();
  putKv("current", await signPack(await packWith("EdgeKvBotTwo"), intruder.privateKey, 2));
  await new Promise((r) => setTimeout(r, 1200)); // past the 1 s interval
  assert.ok(!(await until("EdgeKvBotTwo/1.0", 403, 8)), "a pack signed with an untrusted key never serves");
  assert.match(server.output, /pack update refused: signed with key [0-9a-f]{16}, which is not among the trusted public keys/);
  assert.is((await get(server.url, "/", "EdgeKvBotOne/1.0")).status, 403, "the old pack keeps serving");

  putKv("current", await signPack(await packWith("EdgeKvBotThree"), key.privateKey, 3));
  assert.ok(await until("EdgeKvBotThree/1.0", 403), "sequence 3 swaps in");
  assert.is((await get(server.url, "/", "EdgeKvBotOne/1.0")).status, 200, "sequence 1's extra bot is gone");
  const robots = await get(server.url, "/robots.txt", UA.gptbot);
  assert.match(robots.text, /^User-agent: EdgeKvBotThree$/m, "robots.txt follows the new pack");
});

test.run();
