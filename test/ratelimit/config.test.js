// Rate-limit options that cannot work fail at createEngine with a typed error whose message
// names the rule, the parameter and the fix (golden messages), and the checked options reach
// the engine as written.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine, BotsiftError } from "botsift";
import { RuleError } from "botsift/rules";
import { RateLimitConfigError, parseCharacteristic } from "botsift/ratelimit";
import { rule } from "./lib.js";

async function refused(options) {
  try {
    await createEngine(options);
  } catch (e) {
    assert.instance(e, BotsiftError);
    return e;
  }
  assert.unreachable("accepted");
}

const GOLDEN = [
  [{ characteristics: ["ip.sorc"] }, 'rate limit "login": unknown characteristic "ip.sorc" — did you mean "ip.src"? (known: ip.src, ip.src.asnum, ip.src.country, http.host, http.request.uri.path, cf.bot_management.ja3_hash, cf.bot_management.ja4, http.request.headers["name"], http.request.cookies["name"], http.request.uri.args["name"], cf.colo.id)'],
  [{ characteristics: ['http.request.header["x-api-key"]'] }, 'rate limit "login": unknown characteristic "http.request.header["x-api-key"]" — did you mean "http.request.headers["x-api-key"]"? (known: ip.src, ip.src.asnum, ip.src.country, http.host, http.request.uri.path, cf.bot_management.ja3_hash, cf.bot_management.ja4, http.request.headers["name"], http.request.cookies["name"], http.request.uri.args["name"], cf.colo.id)'],
  [{ characteristics: ["http.request.headers"] }, 'rate limit "login": characteristic "http.request.headers" needs a quoted name: http.request.headers["name"]'],
  [{ characteristics: ['http.request.headers["bad header"]'] }, 'rate limit "login": characteristic "http.request.headers["bad header"]": "bad header" is not a valid header name'],
  [{ characteristics: ["cf.unique_visitor_id"] }, 'rate limit "login": characteristic "cf.unique_visitor_id" is not supported: IP with NAT support needs Cloudflare\'s visitor id; use ip.src'],
  [{ characteristics: ["ip.src", "ip.src"] }, 'rate limit "login": characteristic "ip.src" is listed twice'],
  [{ characteristics: ["cf.colo.id"] }, 'rate limit "login": cf.colo.id alone counts every client together; add one such as "ip.src"'],
  [{ characteristics: [] }, 'rate limit "login": needs characteristics: an array such as ["ip.src"]'],
  [{ period: 0 }, 'rate limit "login": invalid period 0: it must be a whole number of seconds from 1 to 86400'],
  [{ period: 1.5 }, 'rate limit "login": invalid period 1.5: it must be a whole number of seconds from 1 to 86400'],
  [{ period: "60" }, 'rate limit "login": invalid period "60": it must be a whole number of seconds from 1 to 86400'],
  [{ requestsPerPeriod: 0 }, 'rate limit "login": invalid requestsPerPeriod 0: it must be a whole number of requests from 1 to 1000000'],
  [{ mitigationTimeout: -1 }, 'rate limit "login": invalid mitigationTimeout -1: it must be a whole number of seconds (0 = throttle) from 0 to 86400'],
  [{ mitigationTimeout: undefined }, 'rate limit "login": invalid mitigationTimeout undefined: it must be a whole number of seconds (0 = throttle) from 0 to 86400'],
  [{ action: "deny" }, 'rate limit "login": invalid action "deny": "block" or "log"'],
  [{ action: "blok" }, 'rate limit "login": invalid action "blok": "block" or "log" — did you mean "block"?'],
  [{ requestPerPeriod: 5 }, 'rate limit "login": unknown parameter "requestPerPeriod" — did you mean "requestsPerPeriod"?'],
  [{ expression: "" }, 'rate limit "login": needs an expression (when the rule applies)'],
  [{ countingExpression: "" }, 'rate limit "login": countingExpression must be a non-empty expression, or left out'],
];

test("golden messages: every bad parameter names the rule, the value and the fix", async () => {
  for (const [over, message] of GOLDEN) {
    const e = await refused({ rateLimits: [rule(over)] });
    assert.instance(e, RateLimitConfigError, message);
    assert.is(e.code, "RATE_LIMIT_CONFIG");
    assert.is(e.message, message);
    assert.is(e.rateLimit, "login");
  }
});

test("engine-level options", async () => {
  const cases = [
    [{ rateLimits: {} }, "rateLimits must be an array of rate-limiting rules"],
    [{ rateLimits: [rule(), rule()] }, 'rate limit "login": duplicate rate limit id'],
    [{ rateLimits: [rule()], rules: [{ id: "login", expression: "ssl", action: "log" }] }, 'rate limit "login": a custom rule has the same id; verdict.rule must name one of them'],
    [{ rateLimits: [{ ...rule(), id: "" }] }, "rateLimits[0] needs an id (a non-empty string)"],
    [{ rateLimits: [rule()], rateLimitEntries: 0 }, "rateLimitEntries must be a whole number from 1 to 4194304, not 0"],
    [{ rateLimits: [rule()], rateLimitEntries: 2 ** 23 }, "rateLimitEntries must be a whole number from 1 to 4194304, not 8388608"],
    [{ rateLimits: [rule()], rateLimitStore: {} }, "rateLimitStore must have a hit(hit) method returning a promise of { blocked, count, retryAfterMs }"],
    [{ rateLimits: [rule()], clock: 5 }, "clock must be a function returning milliseconds since the epoch"],
    [{ rateLimits: [rule()], rateLimitSeed: -1 }, "rateLimitSeed must be a whole number from 0 to 2^53 - 1, not -1"],
  ];
  for (const [options, message] of cases) {
    const e = await refused(options);
    assert.instance(e, RateLimitConfigError);
    assert.is(e.message, message);
  }
});

test("expression errors say which expression, with line and column", async () => {
  let e = await refused({ rateLimits: [rule({ expression: 'http.request.uri.pth eq "/login"' })] });
  assert.instance(e, RuleError);
  assert.is(e.message, 'rate limit "login" expression: unknown field "http.request.uri.pth" — did you mean "http.request.uri.path"? (line 1, column 1)');
  e = await refused({ rateLimits: [rule({ countingExpression: 'http.request.method eq' })] });
  assert.instance(e, RuleError);
  assert.match(e.message, /^rate limit "login" countingExpression: .*\(line 1, column \d+\)$/);
  e = await refused({ rateLimits: [rule({ expression: "ip.src in $office" })] });
  assert.is(e.message, 'rate limit "login" expression: the list $office was not supplied');
});

test("characteristics parse to kinds and names; header names fold to lower case", () => {
  assert.equal(parseCharacteristic("ip.src", "x"), { kind: 1, name: "" });
  assert.equal(parseCharacteristic(' http.request.headers[ "X-API-Key" ] ', "x"), { kind: 8, name: "x-api-key" });
  assert.equal(parseCharacteristic('http.request.cookies["Session"]', "x"), { kind: 9, name: "Session" });
  assert.equal(parseCharacteristic('http.request.uri.args["q\\"x"]', "x").name, 'q"x');
  assert.is(parseCharacteristic("cf.colo.id", "x"), null);
});

test("options without rate limits change nothing; a good rule set loads", async () => {
  const plain = await createEngine({ rateLimitEntries: 64, clock: () => 0 });
  assert.is(plain.rateLimitStats(), null);
  const e = await createEngine({ rateLimits: [rule(), rule({ id: "api", expression: 'starts_with(http.request.uri.path, "/api/")', characteristics: ['http.request.headers["authorization"]', "ip.src"], period: 10, requestsPerPeriod: 100, mitigationTimeout: 60, countingExpression: 'http.request.method ne "GET"', action: "log" })] });
  assert.is(e.rateLimitStats().entries, 65536);
});

test.run();
