// The middleware honours the engine's rules: a rate limit's block is 429 with Retry-After, a
// custom rule's block the configured response (403 by default), a custom rule's allow passes
// whatever the policy says; mode "log" lets all of it through; an external store is awaited, and
// its failure follows the failure policy. fetch handler in process, the Node middleware over HTTP.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer } from "node:http";
import { createEngine } from "botsift";
import { protect } from "botsift/fetch";
import { botsift } from "botsift/node";
import { MemoryRateLimitStore, RateLimitStoreError } from "botsift/ratelimit";
import { Clock, rule } from "./lib.js";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const GPTBOT = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)";
const app = () => new Response("app");
const at = (ip) => ({ remoteAddr: { hostname: ip } });
const post = (path, ua = FIREFOX, method = "POST") => new Request(`http://example.test${path}`, { method, headers: { "user-agent": ua } });
const rules = [
  { id: "no-admin", expression: 'starts_with(http.request.uri.path, "/admin")', action: "block" },
  { id: "partner", expression: 'ip.src eq 198.51.100.7', action: "allow" },
];

async function engine(options = {}) {
  const clock = new Clock();
  return { clock, engine: await createEngine({ rules, rateLimits: [rule({ requestsPerPeriod: 2 })], clock: clock.now, ...options }) };
}

test("a rate limit's block: 429 with Retry-After, reason rateLimit", async () => {
  const decisions = [];
  const h = protect(app, { engine: (await engine()).engine, onVerdict: (d) => decisions.push(d) });
  assert.is((await h(post("/login"), at("192.0.2.1"))).status, 200);
  assert.is((await h(post("/login"), at("192.0.2.1"))).status, 200);
  const r = await h(post("/login"), at("192.0.2.1"));
  assert.equal([r.status, r.headers.get("retry-after"), r.headers.get("cache-control"), await r.text()], [429, "90", "no-store", "Too Many Requests\n"]);
  assert.equal([decisions[2].action, decisions[2].reason, decisions[2].entry, decisions[2].verdict.rateLimit.limit], ["block", "rateLimit", "login", 2]);
  assert.is((await h(post("/login"), at("192.0.2.2"))).status, 200, "another client has its own counter");
  const head = await h(post("/login", FIREFOX, "HEAD"), at("192.0.2.1"));
  assert.equal([head.status, await head.text()], [429, ""]);
});

test("a custom rule's block gets the configured response; its allow beats the policy", async () => {
  const { engine: e } = await engine();
  const decisions = [];
  const h = protect(app, { engine: e, blockAI: true, response: { status: 451, body: "no" }, onVerdict: (d) => decisions.push(d) });
  const blocked = await h(post("/admin/users"), at("192.0.2.1"));
  assert.equal([blocked.status, await blocked.text()], [451, "no"]);
  assert.equal([decisions[0].action, decisions[0].reason, decisions[0].entry], ["block", "rule", "no-admin"]);
  assert.is((await protect(app, { engine: e })(post("/admin"), at("192.0.2.1"))).status, 403, "403 by default");
  assert.is((await h(post("/", GPTBOT, "GET"), at("192.0.2.9"))).status, 451, "blockAI blocks GPTBot");
  const partner = await h(post("/", GPTBOT, "GET"), at("198.51.100.7"));
  assert.is(partner.status, 200, "the allow rule beats blockAI");
  assert.equal([decisions.at(-1).action, decisions.at(-1).reason, decisions.at(-1).entry], ["allow", "rule", "partner"]);
});

test("mode log lets rule and rate-limit blocks through, marked log", async () => {
  const { engine: e } = await engine();
  const decisions = [];
  const h = protect(app, { engine: e, mode: "log", onVerdict: (d) => decisions.push(d) });
  for (let i = 0; i < 3; i++) assert.is((await h(post("/login"), at("192.0.2.1"))).status, 200);
  assert.is((await h(post("/admin"), at("192.0.2.1"))).status, 200);
  assert.equal(decisions.map((d) => `${d.action}:${d.reason}`), ["pass:none", "pass:none", "log:rateLimit", "log:rule"]);
});

test("an external store is awaited; a failing store follows the failure policy and is reported", async () => {
  const store = new MemoryRateLimitStore();
  const { engine: e } = await engine({ rateLimitStore: store });
  const h = protect(app, { engine: e });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await h(post("/login"), at("192.0.2.1"))).status);
  assert.equal(statuses, [200, 200, 429]);
  const errors = [];
  const broken = (await engine({ rateLimitStore: { hit: async () => { throw new Error("connection refused"); } } })).engine;
  const open = protect(app, { engine: broken, onError: (err) => errors.push(err) });
  assert.is((await open(post("/login"), at("192.0.2.1"))).status, 200, "fail open");
  assert.is((await open(post("/about"), at("192.0.2.1"))).status, 200, "requests no rate limit matches never ask the store");
  const closed = protect(app, { engine: broken, failure: "closed", onError: () => {} });
  assert.is((await closed(post("/login"), at("192.0.2.1"))).status, 503, "fail closed");
  assert.is(errors.length, 1);
  assert.instance(errors[0], RateLimitStoreError);
  assert.is(errors[0].message, 'rate limit "login": the store failed: connection refused');
});

test("Node middleware over HTTP: 429 with Retry-After, the app sees the rest", async () => {
  const guard = botsift({ engine: (await engine()).engine });
  const server = createServer((req, res) => guard(req, res, () => res.end("app")));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/login`;
  try {
    const got = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(url, { method: "POST", headers: { "user-agent": FIREFOX } });
      got.push([r.status, r.headers.get("retry-after"), await r.text()]);
    }
    assert.equal(got, [[200, null, "app"], [200, null, "app"], [429, "90", "Too Many Requests\n"]]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test.run();
