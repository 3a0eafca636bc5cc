// Property-based tests (fast-check): no input crashes or hangs the front-end; generated rules
// parse, print canonically and parse back to the same tree; the reference evaluator never throws
// and obeys the logic it implements (not, and, xor, canonical form); pathological inputs fail fast.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { parseRule, checkRule, evaluateRule, RuleError } from "../../dist/rules/index.js";

const SEED = Number(process.env.FC_SEED ?? 20251129);
const run = (property, numRuns) => fc.assert(property, { seed: SEED, numRuns });

/** Parses `text`: a rule, or a RuleError whose span lies within the text; anything else fails. */
function parseOrRuleError(text) {
  const started = performance.now();
  const outcome = checkRule(text);
  const elapsed = performance.now() - started;
  if (elapsed > 250) throw new Error(`took ${elapsed.toFixed(0)} ms on ${JSON.stringify(text.slice(0, 80))}`);
  if (!outcome.ok) {
    const { error } = outcome;
    if (!(error instanceof RuleError)) throw new Error("not a RuleError");
    if (!(error.span.start >= 0 && error.span.start <= Math.max(text.length, 1) && error.span.end <= text.length + 1)) {
      throw new Error(`span ${JSON.stringify(error.span)} outside ${text.length} characters`);
    }
    if (typeof error.format() !== "string" || error.line < 1 || error.column < 1) throw new Error("bad position");
  }
  return outcome;
}

test("random text (any Unicode, lone surrogates included) gives a rule or a RuleError, quickly", () => {
  run(fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => { parseOrRuleError(text); }), 3000);
});

test("random bytes read as Latin-1 give a rule or a RuleError, quickly", () => {
  run(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => { parseOrRuleError(String.fromCharCode(...bytes)); }), 2000);
});

const TOKENS = [
  "http.host", "http.user_agent", "ssl", "ip.src", "cf.bot_management.score", "http.request.headers", "http.request.headers.names",
  "cf.bot_management.detection_ids", "nope.field", "lower", "any", "all", "concat", "starts_with", "len", "cidr", "url_decode",
  "and", "or", "xor", "not", "&&", "||", "^^", "!", "eq", "ne", "lt", "le", "gt", "ge", "==", "!=", "<", "<=", ">", ">=",
  "contains", "matches", "~", "wildcard", "strict", "in", "(", ")", "[", "]", "{", "}", ",", "*", "..", "$list", "$",
  "\"a\"", "\"\"", "\"\\\"\"", "\"\\x4", "r\"a\"", "r#\"a\"#", "r#\"", "\"", "r", "#", "0", "-1", "42", "8000..8009",
  "192.0.2.1", "192.0.2.0/24", "2001:db8::/32", "::1", "fe80::", "1.2.3", "0123", "99999999999999999999", "\"[\"", "\"(?=a)\"",
  "\"*\"", "\"a**\"", "true", "AND", "=", "&", "'", "\n", "\t",
];

test("random token soups give a rule or a RuleError, quickly", () => {
  const soup = fc.array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom("", " ", "  ")), { maxLength: 40 })
    .map((parts) => parts.map(([t, sep]) => t + sep).join(""));
  run(fc.property(soup, (text) => { parseOrRuleError(text); }), 5000);
});

test("pathological inputs fail fast with a RuleError", () => {
  const inputs = [
    "(".repeat(100_000), "not ".repeat(20_000) + "ssl", "!".repeat(4000) + "ssl", "[".repeat(4000), "{".repeat(4000),
    'http.host eq "' + "\\".repeat(4001), "r" + "#".repeat(4000), "http.host matches \"" + "(".repeat(1000) + "\"",
    "http.host matches \"" + "a{1000}".repeat(100) + "\"", "any(".repeat(2000), "ssl " + "and ssl ".repeat(500),
    "http.host in {" + "\"a\" ".repeat(1200) + "}", "http.host matches \"" + "[".repeat(500) + "\"",
  ];
  for (const text of inputs) {
    const outcome = parseOrRuleError(text);
    assert.ok(!outcome.ok || text.startsWith("ssl"), `expected an error for ${text.slice(0, 30)}…`);
  }
  // Within the limits, a long flat chain is fine (no recursion per operand).
  const chain = Array.from({ length: 300 }, () => "ssl").join(" or ");
  assert.ok(parseRule(chain).expr.operands.length === 300);
});

// ---- A generator of well-typed rules, written with random notation and spacing. ----

const STRING_FIELDS = ["http.host", "http.user_agent", "http.request.uri.path", "http.cookie", "http.request.method", 'http.request.headers["x-a"][0]', "http.request.headers.names[0]"];
const INT_FIELDS = ["cf.bot_management.score", "ip.src.asnum", "cf.edge.server_port"];
const BOOL_FIELDS = ["ssl", "cf.client.bot", "botsift.bot.spoofed", "cf.bot_management.verified_bot"];
const ALPHABET = ["a", "b", "A", "/", "%", "2", "0", "\"", "\\", "*", "é", " "];

const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 5 }).map((cs) => cs.join(""));
const quote = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
const stringLiteral = fc.tuple(text, fc.boolean()).map(([s, raw]) => (raw && !s.includes('"') ? `r"${s}"` : quote(s)));
const sp = fc.constantFrom(" ", "  ", "\n");

const stringExpr = fc.letrec((tie) => ({
  expr: fc.oneof({ depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...STRING_FIELDS),
    tie("expr").map((e) => `lower(${e})`),
    tie("expr").map((e) => `upper(${e})`),
    fc.tuple(tie("expr"), stringLiteral).map(([e, l]) => `concat(${e}, ${l})`),
    fc.tuple(tie("expr"), fc.integer({ min: -3, max: 3 })).map(([e, n]) => `substring(${e}, ${n})`),
    fc.constantFrom("url_decode(http.request.uri.query)", 'url_decode(http.cookie, "r")', "to_string(cf.bot_management.score)", "to_string(ip.src)",
      "decode_base64(http.cookie)", 'lookup_json_string(http.cookie, "a")', 'lookup_json_string(http.cookie, "a", 0)'),
  ),
})).expr;

/** Wildcard patterns without "**": pieces (which may hold an escaped star \\*) joined by single stars. */
const wildcardPattern = fc.tuple(
  fc.array(fc.constantFrom("a", "b", "A", "/", "\\*"), { maxLength: 3 }),
  fc.array(fc.array(fc.constantFrom("a", "B", "é", "\\*"), { minLength: 1, maxLength: 2 }), { maxLength: 2 }),
  fc.boolean(),
).map(([first, rest, trailing]) => quote(first.join("") + rest.map((p) => "*" + p.join("")).join("") + (trailing ? "*" : "")));
const REGEXES = ['"^a"', 'r"b$"', '"a|b"', 'r"(?i)a+"', '"[a-c]{2}"', 'r"\\d"', '"(a|é)b?"', 'r"^$"', '"\\\\x41"', '"[^/]*%"'];

const condition = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constantFrom(...BOOL_FIELDS),
    fc.tuple(stringExpr, fc.constantFrom("eq", "ne", "==", "!=", "lt", "le", "gt", "ge", "contains", "<", ">="), stringLiteral).map(([e, op, l]) => `${e} ${op} ${l}`),
    fc.tuple(stringExpr, fc.constantFrom("wildcard", "strict wildcard"), wildcardPattern).map(([e, op, p]) => `${e} ${op} ${p}`),
    fc.tuple(stringExpr, fc.constantFrom("matches", "~"), fc.constantFrom(...REGEXES)).map(([e, op, r]) => `${e} ${op} ${r}`),
    fc.tuple(stringExpr, fc.array(stringLiteral, { minLength: 1, maxLength: 3 })).map(([e, ls]) => `${e} in {${ls.join(" ")}}`),
    fc.tuple(fc.constantFrom(...INT_FIELDS, "len(http.host)", 'lookup_json_integer(http.cookie, "a")'), fc.constantFrom("eq", "ne", "lt", "le", "gt", "ge"), fc.integer({ min: -2, max: 100 })).map(([f, op, n]) => `${f} ${op} ${n}`),
    fc.tuple(fc.constantFrom(...INT_FIELDS), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })).map(([f, a, b]) => `${f} in {${Math.min(a, b)}..${Math.max(a, b)} 7}`),
    fc.constantFrom("ip.src in {192.0.2.0/24 2001:db8::/32}", "ip.src eq 192.0.2.1", "ip.src ne ::1", "cidr(ip.src, 8, 16) eq 10.0.0.0", "ip.src in {10.0.0.1..10.0.0.3}"),
    fc.tuple(fc.constantFrom("starts_with", "ends_with"), fc.constantFrom(...STRING_FIELDS), stringLiteral).map(([fn, f, l]) => `${fn}(${f}, ${l})`),
    fc.tuple(fc.constantFrom("any", "all"), fc.constantFrom("http.request.headers.names[*]", "lower(http.request.headers.names[*])[*]", 'http.request.headers["x-a"][*]'), fc.constantFrom("eq", "contains", "ne"), stringLiteral)
      .map(([q, a, op, l]) => `${q}(${a} ${op} ${l})`),
    fc.constantFrom("any(cf.bot_management.detection_ids[*] in {1..3})", "all(not cf.bot_management.detection_ids[*] eq 2)", "any(starts_with(http.request.headers.names[*], \"x-\"))"),
  ),
  node: fc.oneof({ depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.tuple(fc.constantFrom("not ", "!", "not  "), tie("node")).map(([n, e]) => `${n}(${e})`),
    fc.tuple(tie("node"), fc.constantFrom("and", "&&", "or", "||", "xor", "^^"), tie("node"), sp, fc.boolean()).map(([a, op, b, s, paren]) => (paren ? `(${a}${s}${op}${s}${b})` : `${a}${s}${op}${s}${b}`)),
  ),
})).node;

const FIELD_VALUES = fc.record({
  "http.host": fc.option(text, { nil: undefined }),
  "http.user_agent": fc.option(text, { nil: undefined }),
  "http.request.uri.path": fc.option(text, { nil: undefined }),
  "http.request.uri.query": fc.option(text, { nil: undefined }),
  "http.cookie": fc.option(fc.oneof(text, fc.constantFrom('{"a": 5}', '{"a": "x"}', '{"a": ["y", 1]}', "YQ==", "Y!")), { nil: undefined }),
  "http.request.method": fc.option(fc.constantFrom("GET", "POST"), { nil: undefined }),
  "http.request.headers": fc.option(fc.dictionary(fc.constantFrom("x-a", "x-b"), fc.array(text, { maxLength: 3 })), { nil: undefined }),
  "http.request.headers.names": fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
  "cf.bot_management.score": fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
  "ip.src.asnum": fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }),
  "cf.edge.server_port": fc.option(fc.constantFrom(7, 80, 443, 8005), { nil: undefined }),
  "cf.bot_management.detection_ids": fc.option(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }), { nil: undefined }),
  "ip.src": fc.option(fc.constantFrom("192.0.2.1", "192.0.2.200", "10.0.0.2", "2001:db8::1", "::1", "::ffff:192.0.2.1"), { nil: undefined }),
  ssl: fc.option(fc.boolean(), { nil: undefined }),
  "cf.client.bot": fc.option(fc.boolean(), { nil: undefined }),
  "botsift.bot.spoofed": fc.option(fc.boolean(), { nil: undefined }),
  "cf.bot_management.verified_bot": fc.option(fc.boolean(), { nil: undefined }),
}, { requiredKeys: [] });

const withoutSpans = (rule) => JSON.stringify(rule.expr, (k, v) => (k === "span" || k === "opSpan" || k === "nameSpan" ? undefined : v instanceof Uint8Array ? [...v] : v));

test("generated rules parse, and their canonical form parses back to the same tree", () => {
  run(fc.property(condition, (source) => {
    const rule = parseRule(source);
    const again = parseRule(rule.canonical);
    assert.is(again.canonical, rule.canonical);
    assert.is(withoutSpans(again), withoutSpans(rule), `${source}\n→ ${rule.canonical}`);
  }), 1500);
});

test("the evaluator never throws on generated rules and values, and obeys not/and/xor and the canonical form", () => {
  run(fc.property(condition, condition, FIELD_VALUES, (x, y, values) => {
    const a = evaluateRule(parseRule(x), values);
    const b = evaluateRule(parseRule(y), values);
    assert.type(a, "boolean");
    assert.is(evaluateRule(parseRule(`not (${x})`), values), !a, `not (${x})`);
    assert.is(evaluateRule(parseRule(`(${x}) and (${y})`), values), a && b);
    assert.is(evaluateRule(parseRule(`(${x}) or (${y})`), values), a || b);
    assert.is(evaluateRule(parseRule(`(${x}) xor (${y})`), values), a !== b);
    assert.is(evaluateRule(parseRule(parseRule(x).canonical), values), a);
  }), 1500);
});

test("every generated rule is accepted by checkRule as well (the generator stays honest)", () => {
  run(fc.property(condition, (source) => {
    const outcome = checkRule(source);
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.error.format());
  }), 500);
});

test.run();
