// The Redis store against a real redis-server (Debian's package; .ci/run installs it), started
// here on a random loopback port without persistence: its Lua script decides exactly as the
// TypeScript reference, and two separate node processes share one limit, concurrently and in turn.
// No redis-server is a failure with instructions, never a silent skip.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { RedisRateLimitStore } from "botsift/ratelimit-redis";
import { slidingWindow } from "botsift/ratelimit";
import { rng } from "../support/random.js";
import { T0, rule } from "./lib.js";

const MISSING = "redis-server is not installed: the Redis store is tested against a real server. Install Debian's package: apt-get install -y --no-install-recommends redis-server (.ci/run does)";
const WORKER = fileURLToPath(new URL("./redis-worker.js", import.meta.url));
let server, port, client, dir;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/** Starts redis-server on a free loopback port; resolves once it accepts connections. */
async function startRedis() {
  if (spawnSync("redis-server", ["--version"]).error) throw new Error(MISSING);
  dir = mkdtempSync(join(tmpdir(), "botsift-redis-"));
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const ready = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      server.stdout.on("data", (c) => {
        log += c;
        if (log.includes("Ready to accept connections")) { clearTimeout(timer); resolve(true); }
      });
      server.once("exit", () => { clearTimeout(timer); resolve(false); });
    });
    if (ready) {
      // Whatever happens to this process (a crash, an import error), the server goes with it.
      const started = server;
      process.once("exit", () => started.exitCode === null && started.kill("SIGKILL"));
      return;
    }
    server.kill("SIGKILL");
    if (attempt === 4) throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${log}`);
  }
}

// uvu swallows an error thrown in a before hook: start here, and fail every test with the reason.
const started = (async () => {
  await startRedis();
  client = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
  if ((await client.ping()) !== "PONG") throw new Error("redis-server does not answer PING");
})().then(() => null, (e) => e);
const redis = (name, run) => test(name, async () => {
  const problem = await started;
  if (problem) throw problem;
  await run();
});

test("redis-server is installed and answers on loopback", async () => {
  const problem = await started;
  if (problem) throw problem;
  assert.ok(port > 0);
});

test.after(async () => {
  await client?.quit().catch(() => {});
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

redis("the Lua script decides exactly as slidingWindow, on random traces at window edges", async () => {
  const store = new RedisRateLimitStore(client, { prefix: "lua-vs-ts:" });
  const random = rng(7);
  let checked = 0;
  for (let run = 0; run < 40; run++) {
    const periodMs = random.pick([1000, 2000, 10_000, 60_000]);
    const shape = { periodMs, requestsPerPeriod: random.pick([1, 2, 3, 5]), timeoutMs: random.pick([0, 0, 1000, 5000, 60_000]) };
    const states = new Map();
    let now = T0;
    for (let step = 0; step < 60; step++) {
      const r = random.next();
      now = r < 0.3 ? now : r < 0.5 ? now - (now % periodMs) + periodMs + random.pick([-1, 0, 1]) : now + random.int(periodMs * 2);
      if (random.chance(0.05)) now -= random.int(periodMs); // a process whose clock is behind
      const hit = { key: `${run}:${random.int(3)}`, now, ...shape, counts: random.chance(0.8) };
      const want = slidingWindow(states.get(hit.key), hit);
      if (states.has(hit.key) || hit.counts || want.state.blockedUntil > 0) states.set(hit.key, want.state);
      assert.equal(await store.hit(hit), want.decision, `run ${run} step ${step}: ${JSON.stringify(hit)}`);
      checked++;
    }
  }
  assert.is(checked, 2400);
});

redis("keys: prefix, rule id and a 64-bit hash, expiring after two periods (or the timeout)", async () => {
  const store = new RedisRateLimitStore(client, { prefix: "ttl:" });
  await store.hit({ key: "login:00000000000000ff", now: Date.now(), periodMs: 60_000, requestsPerPeriod: 1, timeoutMs: 0, counts: true });
  const ttl = await client.pttl("ttl:login:00000000000000ff");
  assert.ok(ttl > 60_000 && ttl <= 121_000, `pttl ${ttl}`);
  await store.hit({ key: "login:00000000000000ee", now: Date.now(), periodMs: 60_000, requestsPerPeriod: 1, timeoutMs: 0, counts: false });
  assert.is(await client.exists("ttl:login:00000000000000ee"), 0, "a request that does not count leaves nothing behind");
});

redis("scripts flushed on the server (a restart): the store loads its script again", async () => {
  const store = new RedisRateLimitStore(client, { prefix: "flush:" });
  const hit = { key: "k", now: T0, periodMs: 10_000, requestsPerPeriod: 2, timeoutMs: 0, counts: true };
  await store.hit(hit);
  await client.script("FLUSH");
  assert.equal(await store.hit(hit), { blocked: false, count: 2, retryAfterMs: 0 });
  assert.equal(await store.hit(hit), { blocked: true, count: 3, retryAfterMs: 15_000 }, "next window, once 2 × (1 − e/P) + 1 ≤ 2: 5 s into it");
});

/** A worker process: an engine counting in this Redis. */
function worker(limits) {
  const child = spawn(process.execPath, [WORKER, String(port), JSON.stringify(limits)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error("worker exited");
    return value;
  };
  return {
    ready: next(),
    ask: async (command) => (child.stdin.write(`${command}\n`), next()),
    stop: () => new Promise((r) => (child.once("exit", r), child.stdin.end("exit\n"))),
  };
}

redis("two processes share one limit: concurrent bursts let exactly requestsPerPeriod through", async () => {
  await client.flushdb();
  const limits = [rule({ requestsPerPeriod: 10 })];
  const [a, b] = [worker(limits), worker(limits)];
  try {
    assert.equal(await Promise.all([a.ready, b.ready]), ["ready", "ready"]);
    for (const [i, t] of [T0, T0 + 120_000, T0 + 240_000].entries()) {
      const [ra, rb] = await Promise.all([a.ask(`send 10 192.0.2.${i} ${t}`), b.ask(`send 10 192.0.2.${i} ${t}`)]);
      const passed = (ra + rb).split("").filter((c) => c === ".").length;
      assert.is(passed, 10, `burst ${i}: ${ra} | ${rb}`);
    }
    // In turn: what one process counted, the other sees; the window slides for both.
    assert.is(await a.ask(`send 6 198.51.100.1 ${T0}`), "......");
    assert.is((await b.ask(`send 6 198.51.100.1 ${T0 + 1}`)).split("").sort().join(""), "....bb");
    assert.is(await a.ask(`retry 198.51.100.1 ${T0 + 2}`), "66");
    assert.is(await b.ask(`send 1 198.51.100.1 ${T0 + 65_999}`), "b");
    assert.is(await a.ask(`send 1 198.51.100.1 ${T0 + 66_000}`), ".");
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

redis("two processes share a mitigation timeout", async () => {
  await client.flushdb();
  const limits = [rule({ requestsPerPeriod: 3, mitigationTimeout: 600 })];
  const [a, b] = [worker(limits), worker(limits)];
  try {
    await Promise.all([a.ready, b.ready]);
    assert.is(await a.ask(`send 4 192.0.2.50 ${T0}`), "...b");
    assert.is(await b.ask(`retry 192.0.2.50 ${T0 + 100_000}`), "500");
    assert.is(await b.ask(`send 1 192.0.2.50 ${T0 + 599_999}`), "b");
    assert.is(await b.ask(`send 1 192.0.2.50 ${T0 + 600_000}`), ".");
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test.run();
