// Every example app served for real on 127.0.0.1 — Node http (Connect-style), Express, Deno.serve,
// Bun.serve, a Worker and a Hono app in workerd — and the same battery of requests against each.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { battery } from "./lib/battery.mjs";
import { bundleWorker } from "./lib/bundle.mjs";
import { bin, freePort, serveWorker, skipped, startServer } from "./lib/servers.mjs";

const EXAMPLES = {
  "node-http": { runtime: "node", context: true, start: async () => startServer("node-http", process.execPath, ["examples/node-http/server.js"], { env: { PORT: String(await freePort()) } }) },
  express: { runtime: "node", context: true, start: async () => startServer("express", process.execPath, ["examples/express/server.js"], { env: { PORT: String(await freePort()) } }) },
  deno: { runtime: "deno", start: async () => startServer("deno", bin("deno"), ["run", "--no-prompt", "--allow-net=127.0.0.1", "--allow-env=PORT", "examples/deno/server.ts"], { env: { PORT: String(await freePort()) } }) },
  bun: { runtime: "bun", start: async () => startServer("bun", bin("bun"), ["examples/bun/server.ts"], { env: { PORT: String(await freePort()) } }) },
  workerd: { runtime: "workerd", start: async () => serveWorker("workerd", await bundleWorker("examples/worker/src/index.js")) },
  hono: { runtime: "workerd", context: true, start: async () => serveWorker("hono", await bundleWorker("examples/hono/app.js")) },
};

const servers = {};
const startup = {};

test.before(async () => {
  // Start everything at once; a server that fails to start fails its own test only.
  await Promise.all(Object.entries(EXAMPLES).map(async ([name, ex]) => {
    if (skipped(ex.runtime)) return;
    try {
      servers[name] = await ex.start();
    } catch (e) {
      startup[name] = e;
    }
  }));
});

test.after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

for (const [name, ex] of Object.entries(EXAMPLES)) {
  test(`${name}: examples app behind botsift answers the battery`, async () => {
    if (skipped(ex.runtime)) return console.log(`  (${name} skipped: BOTSIFT_SKIP_RUNTIMES)`);
    if (startup[name]) throw startup[name];
    const server = servers[name];
    assert.ok(server, `${name} started`);
    const app = name === "workerd" ? "workerd" : name;
    await battery(server.url, app, { context: ex.context === true, addressKnown: ex.runtime !== "workerd" });
  });
}

test.run();
