// What a counter is kept per (characteristics), and where rate limits stand among the other
// rules: after custom rules (block and allow exempt, skip does not), in order, the first that
// blocks ending the evaluation so later ones do not count the request.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rule, login, engineOn, send } from "./lib.js";

const limit2 = (characteristics, over = {}) => rule({ characteristics, requestsPerPeriod: 2, expression: "len(http.user_agent) ge 0", ...over });
const withHeaders = (headers, over = {}) => login("192.0.2.1", { headers, ...over });

test("ip.src: one counter per address, IPv4 and IPv6", async () => {
  const { engine } = await engineOn(limit2(["ip.src"]));
  assert.is(send(engine, login("192.0.2.1"), 3), "..b");
  assert.is(send(engine, login("192.0.2.2"), 3), "..b");
  assert.is(send(engine, login("2001:db8::1"), 3), "..b");
  assert.is(send(engine, login("2001:db8:0:0::1")), "b", "the same address written another way");
});

test("a value the host supplies (ip, ASN, country, JA4) that is missing: the rule does not apply", async () => {
  for (const c of ["ip.src", "ip.src.asnum", "ip.src.country", "cf.bot_management.ja4", "cf.bot_management.ja3_hash"]) {
    const { engine } = await engineOn(limit2([c]));
    assert.is(send(engine, login("", { ip: undefined }), 5), ".....", c);
  }
  const { engine } = await engineOn(limit2(["ip.src.asnum", "cf.bot_management.ja4", "ip.src.country"]));
  const a = login("192.0.2.1", { asn: 64500, ja4: "t13d1516h2_8daaf6152771_02713d6af862", country: "US" });
  assert.is(send(engine, a, 3), "..b");
  assert.is(send(engine, { ...a, ip: "198.51.100.7" }), "b", "the same ASN, JA4 and country share a counter");
  assert.is(send(engine, { ...a, asn: 64501 }, 3), "..b");
  assert.is(send(engine, { ...a, country: "FR" }, 3), "..b");
});

test("headers: every value of the named header; missing shares one counter; no headers at all: the rule does not apply", async () => {
  const { engine } = await engineOn(limit2(['http.request.headers["X-API-Key"]']));
  assert.is(send(engine, withHeaders([["x-api-key", "k1"]]), 3), "..b");
  assert.is(send(engine, withHeaders([["X-Api-Key", "k1"], ["accept", "*/*"]])), "b", "header names are case-insensitive");
  assert.is(send(engine, withHeaders([["x-api-key", "k2"]]), 3), "..b");
  assert.is(send(engine, withHeaders([["x-api-key", "k1"], ["x-api-key", "k2"]]), 3), "..b", "all values, in order, make the key");
  assert.is(send(engine, withHeaders([["accept", "*/*"]]), 3), "..b", "without the header: one shared counter");
  assert.is(send(engine, withHeaders([]), 1), "b");
  assert.is(send(engine, login(), 5), ".....", "the caller gave no headers: unknown, not absent");
});

test("cookies and query arguments by name; host and path", async () => {
  const cookie = (await engineOn(limit2(['http.request.cookies["session"]']))).engine;
  assert.is(send(cookie, withHeaders([["cookie", "theme=dark; session=abc"]]), 3), "..b");
  assert.is(send(cookie, withHeaders([["cookie", "session=abc"]])), "b", "the same cookie value");
  assert.is(send(cookie, withHeaders([["cookie", "a=1"], ["cookie", " session = abc ;x=2"]])), "b", "split Cookie headers, spaces");
  assert.is(send(cookie, withHeaders([["cookie", "sessions=abc; session=xyz"]]), 3), "..b", "a name is matched whole");
  assert.is(send(cookie, withHeaders([["cookie", "Session=abc"]]), 3), "..b", "cookie names are case-sensitive");
  const arg = (await engineOn(limit2(['http.request.uri.args["user"]']))).engine;
  assert.is(send(arg, login("192.0.2.1", { url: "/login?user=ann&x=1" }), 3), "..b");
  assert.is(send(arg, login("192.0.2.9", { url: "/other?x=2&user=ann" })), "b");
  assert.is(send(arg, login("192.0.2.1", { url: "/login?user=bob" }), 3), "..b");
  assert.is(send(arg, login("192.0.2.1", { url: "/login?users=ann" }), 3), "..b", "no such argument: one shared counter");
  const hostPath = (await engineOn(limit2(["http.host", "http.request.uri.path"]))).engine;
  assert.is(send(hostPath, login("192.0.2.1", { url: "/a?x=1" }), 2) + send(hostPath, login("192.0.2.2", { url: "/a?y=2" })), "..b", "the query is not part of the path");
  assert.is(send(hostPath, login("192.0.2.1", { url: "/b" }), 3), "..b");
  assert.is(send(hostPath, login("192.0.2.1", { url: "/a", host: "other.example" }), 3), "..b");
});

test("several characteristics: a counter per combination; cf.colo.id is accepted and ignored", async () => {
  const { engine } = await engineOn(limit2(["cf.colo.id", "ip.src", 'http.request.headers["x-api-key"]']));
  assert.is(send(engine, withHeaders([["x-api-key", "k1"]]), 3), "..b");
  assert.is(send(engine, login("192.0.2.2", { headers: [["x-api-key", "k1"]] }), 3), "..b");
  assert.is(send(engine, withHeaders([["x-api-key", "k2"]]), 3), "..b");
});

test("two rate limits with the same characteristics keep separate counters", async () => {
  const { engine } = await engineOn([limit2(["ip.src"], { id: "a", expression: 'http.request.uri.path eq "/a"' }), limit2(["ip.src"], { id: "b", expression: 'http.request.uri.path eq "/b"' })]);
  assert.is(send(engine, login("192.0.2.1", { url: "/a" }), 3), "..b");
  assert.is(send(engine, login("192.0.2.1", { url: "/b" }), 3), "..b");
});

test("in order: the first rate limit that blocks ends the evaluation, so later ones do not count", async () => {
  const { engine } = await engineOn([
    rule({ id: "login", requestsPerPeriod: 2 }),
    rule({ id: "site", expression: 'starts_with(http.request.uri.path, "/")', requestsPerPeriod: 4 }),
  ]);
  const verdicts = Array.from({ length: 5 }, () => engine.classify(login()));
  assert.equal(verdicts.map((v) => v.rule), [null, null, "login", "login", "login"]);
  assert.is(send(engine, login("192.0.2.1", { url: "/home" }), 3), "..b", "site counted only the 2 logins that passed");
  assert.is(engine.classify(login("192.0.2.1", { url: "/home" })).rule, "site");
});

test("log rate limits accumulate and keep counting; a later block takes over verdict.rateLimit", async () => {
  const { engine } = await engineOn([
    rule({ id: "watch", requestsPerPeriod: 1, action: "log" }),
    rule({ id: "stop", requestsPerPeriod: 3 }),
  ]);
  const v = Array.from({ length: 4 }, () => engine.classify(login()));
  assert.equal(v.map((x) => [x.action, x.logged.join(","), x.rateLimit?.id ?? null]), [
    [null, "", null], [null, "watch", "watch"], [null, "watch", "watch"], ["block", "watch", "stop"],
  ]);
});

test("custom rules first: block and allow exempt the request from rate limits, skip and log do not", async () => {
  const rules = [
    { id: "deny-bad", expression: 'http.request.headers["x-bad"][0] eq "1"', action: "block" },
    { id: "trusted", expression: 'ip.src in {203.0.113.0/24}', action: "allow" },
    { id: "skip-rest", expression: 'http.request.uri.query eq "skip"', action: "skip" },
    { id: "note", expression: 'http.request.method eq "POST"', action: "log" },
  ];
  const { engine } = await engineOn(rule({ requestsPerPeriod: 2 }), { rules });
  const bad = withHeaders([["x-bad", "1"]]);
  assert.equal(Array.from({ length: 5 }, () => engine.classify(bad).rule), Array(5).fill("deny-bad"), "blocked by the rule, not counted");
  assert.is(send(engine, login("203.0.113.5"), 5), ".....", "allowed: exempt");
  const skip = login("192.0.2.1", { url: "/login?skip" });
  const v = Array.from({ length: 3 }, () => engine.classify(skip));
  assert.equal(v.map((x) => [x.action, x.rule]), [["skip", "skip-rest"], ["skip", "skip-rest"], ["block", "login"]], "skip: still rate limited");
  assert.equal(v[2].logged, [], "skip ends the custom rules before the log rule");
  const logged = engine.classify(login("192.0.2.2"));
  assert.equal(logged.logged, ["note"]);
  engine.classify(login("192.0.2.2"));
  const both = engine.classify(login("192.0.2.2"));
  assert.equal([both.action, both.rule, both.logged], ["block", "login", ["note"]]);
});

test("rate-limit expressions use the whole language, lists and bot fields", async () => {
  const { engine } = await engineOn(rule({
    requestsPerPeriod: 1, expression: 'ip.src in $office or (botsift.class ne "human" and lower(http.request.method) eq "post")',
  }), { lists: { office: ["198.51.100.0/24"] } });
  assert.is(send(engine, login("198.51.100.3", { method: "GET", userAgent: "Mozilla/5.0 Firefox/133.0" }), 2), ".b");
  assert.is(send(engine, login("192.0.2.1", { userAgent: "curl/8.5.0" }), 2), ".b");
  assert.is(send(engine, login("192.0.2.2", { method: "GET", userAgent: "curl/8.5.0" }), 3), "...");
});

test.run();
