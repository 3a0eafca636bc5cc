// Rule literals in the literal automaton: comparisons that become atoms (one bit test after one
// scan per field), gates that skip rules none of whose necessary literals occur, and the
// heuristics' user-agent atoms found by the signature scan itself. Each rule runs three ways —
// as a custom rule (own automaton, lazy scans), as a heuristic compiled into the pack (shared
// atoms) and in the reference evaluator — and all three must agree on every request.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine, compilePack } from "botsift";
import { parseRule, evaluateRule } from "../dist/rules/index.js";
import { exactAtom, gateOf, requiredMask } from "../dist/compile/literals.js";
import { ENGINE_FIELDS } from "../dist/compile/fields.js";
import { fieldValuesOf } from "./support/fields.js";
import { readFileSync } from "node:fs";

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const LONG = `Mozilla/5.0 (X11; Linux x86_64) ${"x".repeat(80)} HeadlessChrome/131.0.0.0 selenium PhantomJS`;
const REQUESTS = [
  { userAgent: "" },
  { userAgent: "curl/8.5.0" },
  { userAgent: "CURL/8.5.0 (HeadlessChrome)" },
  { userAgent: CHROME },
  { userAgent: LONG, url: "/API/x" },
  { userAgent: "headlesschrome phantomjs", method: "get", url: "/API/v1?q=headless", host: "Api.Example.com" },
  { userAgent: CHROME, method: "GET", url: "/api/v1/items?id=7&debug=1", host: "api.example.com", httpVersion: "HTTP/1.1", tls: true,
    headers: [["Host", "api.example.com"], ["User-Agent", CHROME], ["Accept", "*/*"], ["Referer", "https://example.com/search?q=x"], ["Cookie", "session=abc; theme=dark"]] },
  { userAgent: "python-requests/2.31.0", method: "POST", url: "/login", host: "example.org", httpVersion: "HTTP/1.0",
    headers: [["host", "example.org"], ["user-agent", "python-requests/2.31.0"], ["accept-encoding", "gzip, deflate"], ["accept", "*/*"], ["connection", "keep-alive"]] },
];

const RULES = [
  'http.user_agent contains "HeadlessChrome"', 'http.user_agent contains "headlesschrome"', 'lower(http.user_agent) contains "headlesschrome"',
  'lower(http.user_agent) contains "HeadlessChrome" or http.request.method eq "POST"', 'upper(http.user_agent) contains "CURL"', 'http.user_agent eq "curl/8.5.0"',
  'starts_with(http.user_agent, "Mozilla/")', 'ends_with(http.user_agent, "PhantomJS")', 'ends_with(http.user_agent, "Safari/537.36")',
  'starts_with(http.user_agent, "Mozilla/") and not http.user_agent contains "Windows"', 'http.user_agent wildcard "*headlesschrome*"',
  'http.user_agent strict wildcard "*HeadlessChrome*"', 'http.user_agent wildcard "curl/*"', 'http.user_agent wildcard "*phantomjs"',
  'http.user_agent wildcard "mozilla/*(x11*headless*"', 'http.user_agent strict wildcard "Mozilla/*Chrome/131*"',
  'http.user_agent matches "PhantomJS|[Ss]elenium|Nightmare"', 'http.user_agent matches "(?i)phantomjs"',
  'http.user_agent contains "curl" or http.user_agent contains "python"', 'http.user_agent contains "curl" xor http.user_agent contains "HeadlessChrome"',
  'not http.user_agent contains "Mozilla"', 'http.request.method in {"GET" "HEAD"}', 'lower(http.request.method) eq "get"',
  'starts_with(http.request.uri.path, "/api/")', 'starts_with(lower(http.request.uri.path), "/api/")', 'http.request.uri.query contains "debug=1"',
  'http.host wildcard "api.example.*"', 'http.host strict wildcard "api.example.*"', 'ends_with(http.host, ".org")',
  'http.referer contains "search?q="', 'http.cookie contains "theme=dark"', 'http.request.version eq "HTTP/1.0"',
  'botsift.headers.order contains "accept-encoding,accept"', 'starts_with(botsift.headers.order, "host,user-agent")',
  'http.request.full_uri contains "https://api.example.com/api/"', 'http.user_agent contains "HeadlessChrome" and http.request.uri.path contains "/API/"',
  'http.user_agent in {"curl/8.5.0" "Wget/1.21"}', 'any(http.request.headers.names[*] contains "cookie") and http.user_agent contains "Chrome/131"',
];

const base = JSON.parse(readFileSync(new URL("../packs/crawlers.json", import.meta.url), "utf8"));
const heuristicsSource = (rules) => ({
  name: "literal-test", version: "1", bots: [],
  heuristics: rules.map((expression, i) => ({ id: `h${i}`, detectionId: 70000 + i, description: expression, score: 50, expression })),
});

test("custom rules, heuristics and the reference evaluator agree on every literal rule and request", async () => {
  const wrong = [];
  for (let from = 0; from < RULES.length; from += 8) {
    const batch = RULES.slice(from, from + 8);
    const custom = await createEngine({
      pack: await compilePack([{ label: "crawlers", source: base }]),
      rules: batch.map((expression, i) => ({ id: `r${i}`, expression, action: "log" })),
    });
    const heuristic = await createEngine({ pack: await compilePack([{ label: "crawlers", source: base }, { label: "h", source: heuristicsSource(batch) }]) });
    for (const req of REQUESTS) {
      const v = custom.classify(req);
      const h = heuristic.classify(req);
      const values = fieldValuesOf(req, v);
      batch.forEach((expression, i) => {
        const expected = evaluateRule(parseRule(expression), values);
        const asCustom = v.logged.includes(`r${i}`);
        const asHeuristic = h.detections.includes(70000 + i);
        if (asCustom !== expected || asHeuristic !== expected) {
          wrong.push(`  ${expression}\n    on ${JSON.stringify(req).slice(0, 120)}\n    reference ${expected}, custom rule ${asCustom}, heuristic ${asHeuristic}`);
        }
      });
    }
  }
  assert.ok(wrong.length === 0, `${wrong.length} disagreements:\n${wrong.join("\n")}`);
});

test("each literal rule is true for some request and false for another", async () => {
  const never = [];
  const engine = await createEngine({ rules: RULES.map((expression, i) => ({ id: `r${i}`, expression, action: "log" })) });
  const seen = RULES.map(() => new Set());
  for (const req of REQUESTS) {
    const values = fieldValuesOf(req, engine.classify(req));
    RULES.forEach((expression, i) => seen[i].add(evaluateRule(parseRule(expression), values)));
  }
  RULES.forEach((expression, i) => { if (seen[i].size < 2) never.push(`${expression} is always ${[...seen[i]][0]}`); });
  assert.ok(never.length === 0, never.join("\n"));
});

const atomOf = (expression) => {
  const a = exactAtom(parseRule(expression).expr);
  return a && `${new TextDecoder().decode(a.bytes)}${a.caseSensitive ? "" : " (any case)"}${a.anchorStart ? " ^" : ""}${a.anchorEnd ? " $" : ""}`;
};

test("comparisons that are exactly one literal become atoms; the others do not", () => {
  const table = [
    ['http.user_agent contains "GPTBot"', "GPTBot"],
    ['http.user_agent eq "curl/8.5.0"', "curl/8.5.0 ^ $"],
    ['starts_with(http.request.uri.path, "/api/")', "/api/ ^"],
    ['ends_with(http.host, ".example.com")', ".example.com $"],
    ['lower(http.user_agent) contains "gptbot"', "gptbot (any case)"],
    ['http.host wildcard "*.Example.com"', ".example.com (any case) $"],
    ['http.host strict wildcard "api.*"', "api. ^"],
    // Can never match (lower() has no upper-case letters): stays a comparison.
    ['lower(http.user_agent) contains "GPTBot"', null],
    // Too short to be worth an automaton state.
    ['http.user_agent contains "("', null],
    // Two pieces: a gate, not an exact atom.
    ['http.host wildcard "api.*.example.com"', null],
    ['http.user_agent ne "curl"', null],
    ['url_decode(http.request.uri.query) contains "<script"', null],
    ['botsift.bot.name eq "GPTBot"', null],
  ];
  const wrong = table.filter(([e, want]) => atomOf(e) !== want).map(([e, want]) => `  ${e}: ${atomOf(e)}, expected ${want}`);
  assert.ok(wrong.length === 0, wrong.join("\n"));
});

const FIELD_NAMES = Object.fromEntries(Object.entries(ENGINE_FIELDS).map(([name, id]) => [id, name]));

test("gates: a conjunction takes one conjunct's gate, a disjunction needs one on every side, a negation has none", () => {
  const entry = (g) => ("present" in g ? `present ${FIELD_NAMES[g.present]}` : new TextDecoder().decode(g.bytes));
  const gate = (e) => gateOf(parseRule(e).expr)?.map(entry).sort().join("|") ?? null;
  assert.is(gate('http.user_agent contains "curl" or http.user_agent matches "python-(requests|urllib)"'), "curl|python-requests|python-urllib");
  assert.is(gate('ssl and http.request.uri.path wildcard "/admin/*/edit"'), "/admin/");
  assert.is(gate('http.request.method in {"POST" "PUT"} and cf.bot_management.score lt 30'), "POST|PUT");
  assert.is(gate('not http.user_agent contains "curl"'), null);
  assert.is(gate('http.user_agent matches ".*"'), null);
  // A side without atoms is gated by a field it needs that a bare user agent lacks, if it has one.
  assert.is(gate('http.user_agent contains "curl" or ssl'), "curl|present ssl");
  assert.is(gate('http.user_agent contains "curl" or (botsift.headers.complete and not http.user_agent contains "(")'), "curl|present botsift.headers.complete");
  assert.is(gate('http.user_agent contains "curl" or http.user_agent contains "("'), null);
  assert.is(gate('http.user_agent contains "curl" or botsift.ua.major gt 200'), null);
});

test("required fields: every conjunct's first field, and of a disjunction those every side needs", () => {
  const names = (e) => {
    const mask = requiredMask(parseRule(e).expr);
    return Object.keys(FIELD_NAMES).filter((id) => (mask >> BigInt(id)) & 1n).map((id) => FIELD_NAMES[id]).sort().join(" ");
  };
  assert.is(names('ssl and http.user_agent contains "x"'), "http.user_agent ssl");
  assert.is(names('(ssl and http.host eq "a") or (ssl and http.request.method eq "GET")'), "ssl");
  assert.is(names('ssl or http.host eq "a"'), "");
  assert.is(names('not ssl'), "");
  assert.is(names('http.host eq "a" and (ip.src.asnum eq 1 or (ip.src.asnum eq 2 and ssl))'), "http.host ip.src.asnum");
});

test.run();
