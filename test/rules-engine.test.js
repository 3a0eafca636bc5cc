// The engine's rule interpreter against the reference evaluator: every rule of a table that
// covers each operator, function and field, on requests of every shape, must match in the
// engine exactly when the reference says it matches. Failures list rule, request and both answers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine } from "botsift";
import { parseRule, evaluateRule } from "../dist/rules/index.js";
import { fieldValuesOf } from "./support/fields.js";

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const REQUESTS = [
  { userAgent: "curl/8.5.0" },
  { userAgent: "" },
  { userAgent: CHROME, method: "GET", url: "/index.html?a=1&b=2&a=3", host: "www.example.com", httpVersion: "HTTP/1.1", ip: "192.0.2.7", tls: true,
    headers: [["Host", "www.example.com"], ["User-Agent", CHROME], ["Accept", "text/html"], ["Accept-Language", "en-US"], ["Cookie", "s=1"], ["X-Forwarded-For", "1.1.1.1"], ["x-forwarded-for", "2.2.2.2"]] },
  { userAgent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", method: "POST", url: "/api/v1/items", host: "api.example.com", ip: "2001:db8::42", asn: 16509, country: "US", ja4: "t13d1516h2_8daaf6152771_02713d6af862",
    headers: [["host", "api.example.com"], ["user-agent", "GPTBot"], ["referer", "https://example.com/"]] },
  { userAgent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", ip: "4.227.36.1", host: "x.EXAMPLE.com" },
  { userAgent: "python-requests/2.31.0", method: "HEAD", url: "/static/app.JS", host: "example.org", ip: "198.51.100.200", asn: 14618, headers: [] },
  { userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", method: "GET", url: "/", host: "example.com", ip: "10.1.2.3", tls: false,
    headers: [["host", "example.com"], ["user-agent", "x"], ["accept", "*/*"]] },
];

const RULES = [
  'http.user_agent eq ""', 'http.user_agent ne ""', 'http.user_agent contains "curl"', 'http.user_agent contains "Chrome"',
  'lower(http.user_agent) contains "gptbot"', 'upper(http.request.method) eq "POST"', 'http.request.method in {"GET" "HEAD"}',
  'starts_with(http.request.uri.path, "/api/")', 'ends_with(http.request.uri.path, ".html")', 'http.request.uri.query eq "a=1&b=2&a=3"',
  'len(http.user_agent) gt 50', 'len(http.user_agent) le 10', 'http.host wildcard "*.EXAMPLE.com"', 'http.host strict wildcard "*.EXAMPLE.com"',
  'http.host wildcard "example.*"', 'http.host strict wildcard "*.example.com"', 'http.request.uri.path wildcard "/static/*.js"', 'http.user_agent matches "^curl/[0-9]+"',
  'http.user_agent matches "(?i)gecko/[0-9]+ firefox"', 'ip.src in {192.0.2.0/24 198.51.100.0/25}', 'ip.src in {2001:db8::/32}',
  'ip.src eq 192.0.2.7', 'ip.src.asnum in {16509 14618 8075}', 'ip.src.asnum in {14000..15000}', 'ip.src.country eq "US"',
  'ssl', 'not ssl', 'cf.bot_management.score lt 30', 'cf.bot_management.score ge 30 and not ssl',
  'cf.bot_management.verified_bot or http.request.method eq "HEAD"', 'http.request.method eq "GET" xor ssl',
  'any(http.request.headers.names[*] eq "cookie")', 'all(http.request.headers.names[*] ne "accept-language")',
  'any(lower(http.request.headers.names[*])[*] eq "x-forwarded-for")', 'http.request.headers["x-forwarded-for"][1] eq "2.2.2.2"',
  'len(http.request.headers["x-forwarded-for"]) eq 2', 'http.request.uri.args["a"][1] eq "3"', 'any(http.request.uri.args.names[*] eq "b")',
  'http.referer eq ""', 'http.referer contains "example"', 'http.cookie contains "s="', 'cf.bot_management.static_resource',
  'botsift.bot.name eq "GPTBot"', 'botsift.bot.category eq "ai_crawler"', 'starts_with(botsift.bot.category, "ai_")',
  'botsift.bot.spoofed', 'not botsift.bot.verified', 'cf.verified_bot_category eq ""', 'any(cf.bot_management.detection_ids[*] eq 1000)',
  'concat(http.request.method, " ", http.request.uri.path) eq "GET /"', 'substring(http.user_agent, 0, 4) eq "curl"', 'substring(http.user_agent, -5) eq "8.5.0"',
  'to_string(ip.src.asnum) eq "16509"', 'to_string(ip.src) eq "2001:db8::42"', 'to_string(ssl) eq "true"', 'url_decode(http.request.uri.query) eq "a=1&b=2&a=3"',
  'cidr(ip.src, 24, 64) eq 192.0.2.0', 'cidr6(ip.src, 32) eq 2001:db8::', 'join(http.request.headers.names, ",") contains "host,user-agent"',
  'remove_bytes(http.user_agent, "0123456789") eq "curl/.."', 'http.request.full_uri eq "https://www.example.com/index.html?a=1&b=2&a=3"',
  'cf.bot_management.ja4 eq "t13d1516h2_8daaf6152771_02713d6af862"', 'not (http.user_agent contains "curl" or http.user_agent contains "python")',
  'http.request.version eq "HTTP/1.1"', 'botsift.class eq "bot"', 'botsift.fingerprint contains "-"',
  'botsift.ua.family eq "chrome"', 'botsift.ua.family eq "firefox" and botsift.ua.major ge 120', 'botsift.ua.major lt 132',
  'botsift.headers.complete and not any(http.request.headers.names[*] eq "accept-language")', 'botsift.headers.ordered',
  'starts_with(botsift.headers.order, "host,user-agent")', 'botsift.ua.family eq "other"',
  'any(http.request.headers["x-forwarded-for"][*] contains "1" or http.request.headers["x-forwarded-for"][*] contains "2")',
  'all(http.request.headers.names[*] ne "cookie" and http.request.headers.names[*] ne "referer")',
  'any(http.request.headers.names[*] eq "accept" xor http.request.headers.names[*] eq "host")',
];

test("every rule matches in the engine exactly when the reference evaluator says it does", async () => {
  const wrong = [];
  for (let from = 0; from < RULES.length; from += 8) {
    const batch = RULES.slice(from, from + 8).map((expression, i) => ({ id: `r${from + i}`, expression, action: "log" }));
    const engine = await createEngine({ rules: batch });
    for (const req of REQUESTS) {
      const v = engine.classify(req);
      const values = fieldValuesOf(req, v);
      for (const r of batch) {
        const expected = evaluateRule(parseRule(r.expression), values);
        const got = v.logged.includes(r.id);
        if (expected !== got) wrong.push(`  ${r.expression}\n    on ${JSON.stringify(req).slice(0, 140)}\n    reference ${expected}, engine ${got}`);
      }
    }
  }
  assert.ok(wrong.length === 0, `${wrong.length} disagreements:\n${wrong.join("\n")}`);
});

test("each rule of the table is true for some request and false for another, so the table can fail", async () => {
  const never = [];
  for (const expression of RULES) {
    const results = new Set();
    const engine = await createEngine({ rules: [{ id: "r", expression, action: "log" }] });
    for (const req of REQUESTS) results.add(engine.classify(req).logged.length === 1);
    if (results.size < 2) never.push(`${expression} is always ${[...results][0]}`);
  }
  assert.ok(never.length === 0, never.join("\n"));
});

test.run();
