// The sliding window in the engine's own store, on a hand-driven clock: exact counts at the
// window edges (where the previous window weighs fully, and the last millisecond before the
// rate allows one more), throttle against a mitigation timeout, counting expressions, log as a
// dry run, and which calls count (classify, classifyBatch; never a bare user agent).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { Clock, T0, rule, login, engineOn, send } from "./lib.js";

test("throttle: exact counts at the window edges", async () => {
  const { engine, clock } = await engineOn(rule());
  assert.is(send(engine, login(), 10), "..........", "10 requests per 60 s pass");
  const over = engine.classify(login());
  assert.equal([over.action, over.rule, over.rateLimit], ["block", "login", { id: "login", action: "block", count: 11, limit: 10, retryAfter: 66 }]);
  clock.set(T0 + 59_999);
  assert.is(send(engine, login()), "b", "last ms of the window");
  clock.set(T0 + 60_000);
  const edge = engine.classify(login());
  assert.equal([edge.action, edge.rateLimit.count, edge.rateLimit.retryAfter], ["block", 11, 6], "at the edge the previous window weighs fully: 10 + 1");
  clock.set(T0 + 65_999);
  assert.is(send(engine, login()), "b", "10 × 54,001 + 60,000 > 10 × 60,000: 1 ms short");
  clock.set(T0 + 66_000);
  assert.is(send(engine, login()), ".", "10 × 0.9 + 1 = 10: exactly at the rate passes");
  assert.is(send(engine, login()), "b", "9 + 2 > 10");
  clock.set(T0 + 71_999);
  assert.is(send(engine, login()), "b");
  clock.set(T0 + 72_000);
  assert.is(send(engine, login()), ".", "10 × 0.8 + 2 = 10");
  clock.set(T0 + 120_000);
  assert.is(send(engine, login(), 9), "........b", "window 2: previous = 2 weighs fully at its start, so 8 more pass");
});

test("a window with no requests forgets the one before it", async () => {
  const { engine, clock } = await engineOn(rule());
  send(engine, login(), 10);
  clock.set(T0 + 120_000);
  assert.is(send(engine, login(), 11), "..........b");
});

test("throttle: mitigated requests are not counted", async () => {
  const { engine, clock } = await engineOn(rule());
  assert.is(send(engine, login(), 110), ".".repeat(10) + "b".repeat(100));
  clock.set(T0 + 66_000);
  assert.is(send(engine, login(), 2), ".b", "as if only the 10 that passed had counted");
});

test("mitigation timeout: blocked for that long, whatever the rate", async () => {
  const { engine, clock } = await engineOn(rule({ mitigationTimeout: 600 }));
  send(engine, login(), 10);
  assert.equal(engine.classify(login()).rateLimit, { id: "login", action: "block", count: 11, limit: 10, retryAfter: 600 });
  clock.set(T0 + 200_000);
  assert.equal(engine.classify(login()).rateLimit.retryAfter, 400, "the rate is long back to zero, the key is still blocked");
  clock.set(T0 + 599_999);
  assert.equal(engine.classify(login()).rateLimit.retryAfter, 1, "1 ms left rounds up to 1 s");
  clock.set(T0 + 600_000);
  assert.is(send(engine, login(), 11), "..........b", "the timeout is over; counting starts afresh, and the 11th starts a new timeout");
  assert.is(engine.classify(login()).rateLimit.retryAfter, 600);
});

test("a timeout shorter than the period blocks again while the rate is still over", async () => {
  const { engine, clock } = await engineOn(rule({ mitigationTimeout: 10 }));
  send(engine, login(), 11);
  clock.set(T0 + 9_999);
  assert.is(engine.classify(login()).rateLimit.retryAfter, 1);
  clock.set(T0 + 10_000);
  const again = engine.classify(login());
  assert.equal([again.action, again.rateLimit.retryAfter], ["block", 10], "10 counted + 1 > 10: a new timeout");
  clock.set(T0 + 60_000 + 6_000);
  assert.is(send(engine, login()), ".", "once the rate allows and no timeout runs, requests pass");
});

test("countingExpression: only POSTs count; a GET passes a throttle but not a timeout", async () => {
  const counting = 'http.request.method eq "POST"';
  const { engine } = await engineOn(rule({ countingExpression: counting }));
  assert.is(send(engine, login("192.0.2.1", { method: "GET" }), 20), ".".repeat(20), "GETs never count");
  assert.is(send(engine, login(), 11), "..........b");
  assert.is(send(engine, login("192.0.2.1", { method: "GET" })), ".", "throttle: a GET does not take the rate over");
  const timed = (await engineOn(rule({ countingExpression: counting, mitigationTimeout: 60 }))).engine;
  assert.is(send(timed, login(), 11), "..........b");
  assert.is(send(timed, login("192.0.2.1", { method: "GET" })), "b", "timeout: every matching request is blocked");
  assert.is(send(timed, login("192.0.2.1", { url: "/" })), ".", "requests the expression does not match are never blocked");
});

test("action log: a dry run that reports, counts like block, never blocks", async () => {
  const { engine } = await engineOn(rule({ action: "log", id: "login-dry" }));
  const verdicts = Array.from({ length: 12 }, () => engine.classify(login()));
  assert.ok(verdicts.every((v) => v.action === null), "nothing is blocked");
  assert.equal(verdicts.map((v) => v.logged.length).join(""), "000000000011");
  assert.equal(verdicts[11].logged, ["login-dry"]);
  assert.equal(verdicts[11].rateLimit, { id: "login-dry", action: "log", count: 11, limit: 10, retryAfter: 66 });
  assert.is(verdicts[9].rateLimit, null);
});

test("only full requests count: never a bare user agent or isBot", async () => {
  const { engine } = await engineOn(rule({ expression: 'http.user_agent contains "Firefox"', characteristics: ["http.host"] }));
  for (let i = 0; i < 50; i++) {
    assert.is(engine.classify("Mozilla/5.0 Firefox/133.0").action, null);
    engine.isBot("Mozilla/5.0 Firefox/133.0");
  }
  assert.is(send(engine, login(), 11), "..........b");
});

test("classifyBatch counts every request in order; classifyAsync works without a store", async () => {
  const { engine } = await engineOn(rule());
  const batch = engine.classifyBatch(Array.from({ length: 12 }, () => login()));
  assert.is(batch.map((v) => (v.action === "block" ? "b" : ".")).join(""), "..........bb");
  assert.is((await engine.classifyAsync(login())).action, "block");
  assert.is((await engine.classifyAsync(login("192.0.2.9"))).action, null);
});

test("every verdict has rateLimit; null without rate limits or under the rate", async () => {
  const { engine } = await engineOn(rule());
  assert.is(engine.classify(login()).rateLimit, null);
  assert.is(engine.classify("curl/8").rateLimit, null);
  const { createEngine } = await import("botsift");
  const plain = await createEngine();
  assert.is(plain.classify(login()).rateLimit, null);
  assert.is(plain.rateLimitStats(), null);
});

test("swap keeps the counters (live pack updates do not reset rate limits)", async () => {
  const { engine } = await engineOn(rule());
  send(engine, login(), 10);
  await engine.swap(new Uint8Array(readFileSync(new URL("../../build/default.pack", import.meta.url))));
  assert.is(send(engine, login(), 1), "b");
  assert.is(engine.rateLimitStats().used, 1);
});

test("a clock that goes back stays in the counter's window", async () => {
  const { engine, clock } = await engineOn(rule());
  clock.set(T0 + 60_000);
  send(engine, login(), 5);
  clock.set(T0 + 30_000);
  assert.is(send(engine, login(), 6), ".....b", "counted into the later window, where 5 already were");
  clock.set(new Clock().t - 10 ** 12);
  assert.is(send(engine, login()), "b");
});

test.run();
