// Three implementations of one sliding window must agree decision for decision: the engine's own
// store (AssemblyScript), and the external-store path (the engine lists matches and keys, the host
// asks MemoryRateLimitStore, which runs bindings/ratelimit/window.ts). fast-check generates rule
// sets (throttle and timeouts, counting expressions, log and block, several rules) and traces whose
// steps land on window edges, a millisecond either side of them, and in between.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { createEngine, compilePack } from "botsift";
import { MemoryRateLimitStore, slidingWindow } from "botsift/ratelimit";
import { Clock, T0 } from "./lib.js";

// A small pack: the engines are many, and these rules read no bot fields.
const pack = await compilePack([{ name: "differential", version: "1", bots: [{ name: "AnyBot", operator: null, category: "other", signatures: [{ literal: "anybot" }] }] }]);
const EXPRESSIONS = ['http.request.uri.path eq "/login"', 'starts_with(http.request.uri.path, "/")', 'http.request.method eq "POST"', 'not ssl'];
const COUNTING = [undefined, undefined, 'http.request.method eq "POST"', 'http.request.uri.path ne "/login"'];
const CHARACTERISTICS = [["ip.src"], ["http.host"], ["ip.src", "http.request.uri.path"], ['http.request.headers["x-key"]']];

const limitArb = fc.record({
  expression: fc.constantFrom(...EXPRESSIONS),
  countingExpression: fc.constantFrom(...COUNTING),
  characteristics: fc.constantFrom(...CHARACTERISTICS),
  period: fc.constantFrom(1, 2, 10, 60),
  requestsPerPeriod: fc.constantFrom(1, 2, 3, 5),
  mitigationTimeout: fc.constantFrom(0, 0, 1, 5, 60),
  action: fc.constantFrom("block", "block", "log"),
});

const stepArb = fc.record({
  dt: fc.oneof(fc.constantFrom(0, 0, 1, 999, 1000), fc.integer({ min: 0, max: 130_000 }), fc.constantFrom("edge", "edge-1", "edge+1")),
  ip: fc.constantFrom("192.0.2.1", "192.0.2.2", "2001:db8::7"),
  method: fc.constantFrom("GET", "POST"),
  path: fc.constantFrom("/login", "/api/items", "/"),
  key: fc.constantFrom("a", "b", null),
  tls: fc.boolean(),
});

/** Advances the clock by a step: a plain delay, or to the next 10 s edge (± 1 ms). */
function advance(clock, dt) {
  if (typeof dt === "number") return clock.add(dt);
  const edge = clock.t - (clock.t % 10_000) + 10_000;
  return clock.set(edge + (dt === "edge-1" ? -1 : dt === "edge+1" ? 1 : 0));
}

const request = (s) => ({
  userAgent: "Mozilla/5.0 Firefox/133.0", method: s.method, url: s.path, host: s.ip.includes(":") ? "v6.example" : "example.com", ip: s.ip, tls: s.tls,
  headers: s.key === null ? [["accept", "*/*"]] : [["x-key", s.key]],
});
const summary = (v) => ({ action: v.action, rule: v.rule, logged: v.logged, rateLimit: v.rateLimit });

test("engine store and external store (MemoryRateLimitStore) decide the same, request for request", async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(limitArb, { minLength: 1, maxLength: 3 }), fc.array(stepArb, { minLength: 1, maxLength: 60 }), async (specs, steps) => {
      const rateLimits = specs.map((s, i) => ({ id: `r${i}`, ...s, countingExpression: s.countingExpression }));
      for (const r of rateLimits) if (r.countingExpression === undefined) delete r.countingExpression;
      const a = new Clock(T0), b = new Clock(T0);
      const inside = await createEngine({ pack, rateLimits, clock: a.now, rateLimitEntries: 1024 });
      const outside = await createEngine({ pack, rateLimits, clock: b.now, rateLimitStore: new MemoryRateLimitStore() });
      for (const [i, s] of steps.entries()) {
        advance(a, s.dt);
        advance(b, s.dt);
        const want = summary(inside.classify(request(s)));
        const got = summary(await outside.classifyAsync(request(s)));
        assert.equal(got, want, `step ${i} at +${a.t - T0} ms`);
      }
      runs++;
    }),
    { numRuns: 300, seed: 20261129 },
  );
  assert.is(runs, 300);
});

test("slidingWindow: at most requestsPerPeriod pass in any window-aligned period under a steady flood (throttle)", () => {
  for (const [period, limit] of [[1, 1], [10, 3], [60, 10]]) {
    const P = period * 1000;
    let state;
    const passedAt = [];
    for (let t = 0; t < 10 * P; t += P / 100) {
      const r = slidingWindow(state, { key: "k", now: T0 + t, periodMs: P, requestsPerPeriod: limit, timeoutMs: 0, counts: true });
      state = r.state;
      if (!r.decision.blocked) passedAt.push(t);
    }
    for (let w = 0; w < 10; w++) {
      const inWindow = passedAt.filter((t) => t >= w * P && t < (w + 1) * P).length;
      assert.ok(inWindow <= limit, `period ${period}: ${inWindow} passed in window ${w}`);
    }
    assert.ok(passedAt.length >= 9 * limit * 0.5, `the throttle lets the rate through (${passedAt.length} in 10 periods)`);
  }
});

test.run();
