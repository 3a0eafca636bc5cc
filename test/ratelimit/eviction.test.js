// The engine's own counter table under its memory bound: a fixed size chosen at load (rounded up
// to a power of two), Wasm memory flat however many keys arrive, and the documented eviction
// order inside a bucket of 8: empty, stale, least recently used not under a timeout, least
// recently used. A table of 8 entries is one bucket, so every key competes for it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { T0, rule, login, engineOn, send } from "./lib.js";

const ip = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
/** The instance's Wasm memory: a peek at internals, for the memory bound only. */
const memoryOf = (engine) => engine["current"]["exports"].memory;

test("table size: a setting, rounded up to a power of two; default 65,536", async () => {
  assert.equal((await engineOn(rule())).engine.rateLimitStats(), { entries: 65536, used: 0, evictions: 0 });
  assert.is((await engineOn(rule(), { rateLimitEntries: 1000 })).engine.rateLimitStats().entries, 1024);
  assert.is((await engineOn(rule(), { rateLimitEntries: 1 })).engine.rateLimitStats().entries, 8);
  assert.is((await engineOn(rule(), { rateLimitEntries: 1 << 20 })).engine.rateLimitStats().entries, 1 << 20);
});

test("memory stays flat: 200,000 distinct keys through a 64-entry table", async () => {
  const { engine } = await engineOn(rule({ requestsPerPeriod: 1 }), { rateLimitEntries: 64 });
  for (let i = 0; i < 1000; i++) engine.classify(login(ip(i)));
  const bytes = memoryOf(engine).buffer.byteLength;
  const started = performance.now();
  for (let i = 1000; i < 200_000; i++) engine.classify(login(ip(i)));
  const ms = performance.now() - started;
  assert.is(memoryOf(engine).buffer.byteLength, bytes, "no growth");
  const stats = engine.rateLimitStats();
  assert.equal([stats.entries, stats.used, stats.evictions], [64, 64, 200_000 - 64]);
  console.log(`  200,000 keys through 64 entries: ${(ms / 199).toFixed(1)} µs per request`);
});

test("least recently used goes first", async () => {
  const { engine } = await engineOn(rule({ requestsPerPeriod: 3 }), { rateLimitEntries: 8 });
  for (let i = 1; i <= 8; i++) send(engine, login(ip(i)));
  send(engine, login(ip(1)));
  assert.equal(engine.rateLimitStats(), { entries: 8, used: 8, evictions: 0 });
  send(engine, login(ip(9)));
  assert.equal(engine.rateLimitStats(), { entries: 8, used: 8, evictions: 1 });
  assert.is(send(engine, login(ip(1)), 2), ".b", "key 1 (used recently) kept its count of 2");
  assert.is(send(engine, login(ip(2)), 4), "...b", "key 2 (least recently used) was evicted: its count starts again");
});

test("a blocked key outlives older unblocked ones; when all are blocked, the least recently used goes", async () => {
  const { engine } = await engineOn(rule({ requestsPerPeriod: 1, mitigationTimeout: 600 }), { rateLimitEntries: 8 });
  assert.is(send(engine, login(ip(1)), 2), ".b", "key 1 is blocked for 600 s");
  for (let i = 2; i <= 8; i++) send(engine, login(ip(i)));
  send(engine, login(ip(9)));
  assert.is(send(engine, login(ip(1))), "b", "key 1, the oldest, is still blocked: key 2 went instead");
  const all = (await engineOn(rule({ requestsPerPeriod: 1, mitigationTimeout: 600 }), { rateLimitEntries: 8 })).engine;
  for (let i = 1; i <= 8; i++) assert.is(send(all, login(ip(i)), 2), ".b");
  send(all, login(ip(9)));
  assert.is(send(all, login(ip(2))), "b", "key 2 is still blocked");
  assert.is(send(all, login(ip(1))), ".", "all blocked: the least recently used (key 1) was evicted");
});

test("stale entries are reused before live ones, and are not counted as evictions", async () => {
  const { engine, clock } = await engineOn(rule({ requestsPerPeriod: 2 }), { rateLimitEntries: 8 });
  for (let i = 1; i <= 8; i++) send(engine, login(ip(i)), 2);
  clock.set(T0 + 90_000);
  assert.is(send(engine, login(ip(1))), ".", "2 × 0.5 + 1 = 2");
  clock.set(T0 + 120_000);
  for (let i = 11; i <= 17; i++) send(engine, login(ip(i)));
  assert.equal(engine.rateLimitStats(), { entries: 8, used: 8, evictions: 0 }, "keys 2..8 held nothing after two periods");
  assert.is(send(engine, login(ip(1)), 2), ".b", "key 1 was live and kept: its previous window holds 1");
  send(engine, login(ip(18)));
  assert.is(engine.rateLimitStats().evictions, 1);
});

test("a request that does not count takes no entry", async () => {
  const { engine } = await engineOn(rule({ countingExpression: 'http.request.method eq "POST"' }), { rateLimitEntries: 8 });
  for (let i = 0; i < 100; i++) send(engine, login(ip(i), { method: "GET" }));
  assert.is(engine.rateLimitStats().used, 0);
});

test.run();
