// The front-end stages one by one: lexer tokens (numbers, IPs, CIDRs, strings, raw strings,
// quoted regexes), parser trees and spans, precedence, the checker's types and what it
// collects for the pack compiler (fields, lists, literals), and the canonical printer.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { tokenize } from "../../dist/rules/lexer.js";
import { parseRule, parseRuleSyntax, formatRule, typeName } from "../../dist/rules/index.js";

const enc = (s) => new TextEncoder().encode(s);
const kinds = (src) => tokenize(src).map((t) => `${t.kind}:${t.text}`);

test("lexer: numbers, IPv4, IPv6 (also starting with a letter or ::), CIDRs, ranges", () => {
  assert.equal(kinds("8000..8009 -20..-10 0"), ["int:8000", "punct:..", "int:8009", "int:-20", "punct:..", "int:-10", "int:0", "eof:"]);
  assert.equal(kinds("192.0.2.1 192.0.2.0/24 2001:db8::/32 fe80::1 ::1 ::"), ["ip:192.0.2.1", "cidr:192.0.2.0/24", "cidr:2001:db8::/32", "ip:fe80::1", "ip:::1", "ip:::", "eof:"]);
  assert.equal(kinds("1.2.3.4..1.2.3.9"), ["ip:1.2.3.4", "punct:..", "ip:1.2.3.9", "eof:"]);
  assert.equal(kinds("::ffff:192.0.2.1"), ["ip:::ffff:192.0.2.1", "eof:"]);
  const t = tokenize("2001:0DB8:0:0:0:0:0:1/128")[0];
  assert.is(t.kind, "cidr");
  assert.is(t.prefix, 128);
  assert.equal([...t.address.bytes.slice(0, 4)], [0x20, 0x01, 0x0d, 0xb8]);
});

test("lexer: names, keywords and operators", () => {
  assert.equal(kinds("http.request.uri.path strict wildcard not and && || ^^ ! ~ == != <= >= < > $my_list"), [
    "ident:http.request.uri.path", "keyword:strict", "keyword:wildcard", "keyword:not", "keyword:and", "punct:&&", "punct:||",
    "punct:^^", "punct:!", "punct:~", "punct:==", "punct:!=", "punct:<=", "punct:>=", "punct:<", "punct:>", "list:$my_list", "eof:",
  ]);
  assert.equal(kinds("f[0] h[\"k\"] a[*]"), ["ident:f", "punct:[", "int:0", "punct:]", "ident:h", "punct:[", "string:\"k\"", "punct:]", "ident:a", "punct:[", "punct:*", "punct:]", "eof:"]);
});

test("lexer: quoted strings unescape \\\" \\\\ \\xHH \\OOO; other characters are their UTF-8 bytes", () => {
  const [t] = tokenize('"a\\"b\\\\c\\x41\\101\\377☁"');
  assert.equal([...t.value], [...enc('a"b\\cAA'), 0xff, ...enc("☁")]);
  assert.is(t.pattern, undefined);
});

test("lexer: raw strings r\"…\" and r#\"…\"# have no escapes; the first quote + hashes ends them", () => {
  const raw = (src) => new TextDecoder().decode(tokenize(src)[0].value);
  assert.is(raw('r"a\\b"'), "a\\b");
  assert.is(raw('r#"a"b"#'), 'a"b');
  assert.is(raw('r##"a"#b"##'), 'a"#b');
  assert.is(raw('r#""a"""#'), '"a""');
  assert.is(raw('r""'), "");
  assert.is(raw(`r${"#".repeat(255)}"x"${"#".repeat(255)}`), "x");
  assert.throws(() => tokenize(`r${"#".repeat(256)}"x"${"#".repeat(256)}`), /at most 255/);
  assert.throws(() => tokenize('r#"a"'), /unterminated raw string: add the closing "#/);
});

test("lexer: a quoted string after matches/~ follows the regex escaping rule", () => {
  const pattern = (src) => tokenize(src)[2].pattern;
  assert.is(pattern('x matches "a\\"b"'), 'a"b'); // \" is a quote
  assert.is(pattern('x matches "a\\.b\\d"'), "a\\.b\\d"); // other escapes reach the regex as written
  assert.is(pattern('x ~ "[\\"]"'), '[\\"]'); // inside a class \" keeps its backslash
  assert.is(pattern('x ~ "[a"]"'), '[a"]'); // a quote inside a class does not end the string
  assert.is(pattern('x eq "a\\\\b"'), undefined);
});

const strip = (node) => JSON.parse(JSON.stringify(node, (k, v) => (k === "span" || k === "opSpan" || k === "nameSpan" ? undefined : v instanceof Uint8Array ? (k === "bytes" ? [...v] : new TextDecoder().decode(v)) : v)));

test("parser: precedence not > and > xor > or, chains flattened, parentheses kept as structure", () => {
  const e = strip(parseRuleSyntax("a or b xor c and not d or e"));
  assert.equal(e, {
    kind: "logical", op: "or", operands: [
      { kind: "field", name: "a" },
      { kind: "logical", op: "xor", operands: [{ kind: "field", name: "b" }, { kind: "logical", op: "and", operands: [{ kind: "field", name: "c" }, { kind: "not", operand: { kind: "field", name: "d" } }] }] },
      { kind: "field", name: "e" },
    ],
  });
  const grouped = strip(parseRuleSyntax("(a and b) and c"));
  assert.is(grouped.operands.length, 2);
  assert.is(grouped.operands[0].kind, "logical");
});

test("parser: comparisons bind tighter than not; spans cover the source of each node", () => {
  const src = 'not http.host eq "x"';
  const e = parseRuleSyntax(src);
  assert.is(e.kind, "not");
  assert.is(e.operand.kind, "compare");
  assert.equal(e.span, { start: 0, end: src.length });
  assert.equal(e.operand.opSpan, { start: 14, end: 16 });
  assert.is(src.slice(e.operand.left.span.start, e.operand.left.span.end), "http.host");
  assert.is(src.slice(e.operand.right.span.start, e.operand.right.span.end), '"x"');
});

test("parser: the right side's node kind depends on the operator", () => {
  const right = (src) => parseRuleSyntax(src).right;
  assert.is(right('p matches "a"').kind, "regex");
  assert.is(right('p wildcard "a*"').kind, "wildcard");
  assert.is(right('p strict wildcard "a*"').kind, "wildcard");
  assert.is(right("p in {1 2..3}").kind, "set");
  assert.is(right("p in $list").kind, "list");
  assert.equal(strip(right("p in {1 2..3 192.0.2.0/24}")).elements, [
    { kind: "int", value: 1 },
    { kind: "range", from: { kind: "int", value: 2 }, to: { kind: "int", value: 3 } },
    { kind: "cidr", address: { family: 4, bytes: [192, 0, 2, 0] }, prefix: 24 },
  ]);
});

test("parser: indexes and calls", () => {
  const e = strip(parseRuleSyntax('any(lower(h["x-a"][*])[*] eq "v")'));
  assert.equal(e, {
    kind: "call", name: "any", args: [{
      kind: "compare", op: "eq",
      left: { kind: "index", key: { kind: "each" }, target: { kind: "call", name: "lower", args: [{ kind: "index", key: { kind: "each" }, target: { kind: "index", key: { kind: "string", value: "x-a" }, target: { kind: "field", name: "h" } } }] } },
      right: { kind: "string", value: "v" },
    }],
  });
});

test("checker: every node gets its type; [*] lifts comparisons and calls to arrays", () => {
  const rule = parseRule('any(lower(http.request.headers.names[*])[*] eq "accept") and cf.bot_management.score lt 30');
  const [anyCall, compare] = rule.expr.operands;
  assert.is(typeName(rule.expr.type), "Boolean");
  assert.is(typeName(anyCall.type), "Boolean");
  const inner = anyCall.args[0];
  assert.is(typeName(inner.type), "Array<Boolean>");
  assert.is(typeName(inner.left.type), "Array<String>"); // lower(…[*])[*]
  assert.is(typeName(inner.left.target.type), "Array<String>"); // lower(…[*]) is lifted
  assert.is(typeName(inner.left.target.args[0].target.type), "Array<String>");
  assert.is(typeName(compare.left.type), "Integer");
});

test("checker: fields (with types and presence), functions and lists it reads", () => {
  const rule = parseRule('ip.geoip.country in $countries and starts_with(lower(http.user_agent), "curl") and ip.src in $office');
  assert.equal(rule.fields.map((f) => [f.name, typeName(f.type), f.presence]), [
    ["ip.src.country", "String", "platform"], ["http.user_agent", "String", "request"], ["ip.src", "IP address", "request"],
  ]);
  assert.equal(rule.functions, ["starts_with", "lower"]);
  assert.equal(rule.lists.map((l) => [l.name, l.kind]), [["countries", "string"], ["office", "ip"]]);
  assert.is(rule.canonical, 'ip.src.country in $countries and starts_with(lower(http.user_agent), "curl") and ip.src in $office');
});

test("checker: the string literals of contains/wildcard/starts_with/ends_with/eq/ne/in, for the automaton", () => {
  const rule = parseRule([
    'http.user_agent contains "GPTBot"', 'lower(http.user_agent) wildcard "*claude*web*"', 'ends_with(http.request.uri.path, ".php")',
    'http.host in {"a.example" "b.example"}', 'http.request.headers["x-bot"][0] ne "no"', 'http.request.uri.path strict wildcard "/Admin"',
    'cf.bot_management.score eq 1',
  ].join(" or "));
  const rows = rule.literals.map((l) => [l.op, l.subject, l.field, l.text, l.caseInsensitive, l.anchor]);
  assert.equal(rows, [
    ["contains", "http.user_agent", "http.user_agent", "GPTBot", false, "anywhere"],
    ["wildcard", "lower(http.user_agent)", "http.user_agent", "claude", true, "anywhere"],
    ["wildcard", "lower(http.user_agent)", "http.user_agent", "web", true, "anywhere"],
    ["ends_with", "http.request.uri.path", "http.request.uri.path", ".php", false, "end"],
    ["in", "http.host", "http.host", "a.example", false, "exact"],
    ["in", "http.host", "http.host", "b.example", false, "exact"],
    ["ne", 'http.request.headers["x-bot"][0]', "http.request.headers", "no", false, "exact"],
    ["strict wildcard", "http.request.uri.path", "http.request.uri.path", "/Admin", false, "exact"],
  ]);
  assert.ok(rule.literals.every((l) => l.value instanceof Uint8Array && typeof l.span.start === "number"));
});

const CANONICAL = [
  ['http.host == "a" && !ssl || cf.client.bot ^^ ssl', '(http.host eq "a" and not ssl) or (cf.client.bot xor ssl)'],
  ["(((ssl)))", "ssl"],
  ["not (ssl and cf.client.bot)", "not (ssl and cf.client.bot)"],
  ["(ssl and cf.client.bot) and botsift.bot.spoofed", "(ssl and cf.client.bot) and botsift.bot.spoofed"],
  ['http.request.uri.path ~ "^/a\\.b"', 'http.request.uri.path matches r"^/a\\.b"'],
  ['http.request.uri.path matches "a\\"b"', 'http.request.uri.path matches r#"a"b"#'],
  ['http.host wildcard "a\\\\*b"', 'http.host wildcard r"a\\*b"'],
  ['http.host eq "\\x00\\xff é"', 'http.host eq "\\x00\\xff é"'],
  ["ip.src in {2001:0DB8:0000::0001 2001:db8::/32 10.0.0.1..10.0.0.9}", "ip.src in {2001:db8::1 2001:db8::/32 10.0.0.1..10.0.0.9}"],
  ["cf.edge.server_port in { 80  443 8000..8009 }", "cf.edge.server_port in {80 443 8000..8009}"],
  ['any( http.request.headers.names[ * ] == "A" )', 'any(http.request.headers.names[*] eq "A")'],
  ['http.host\n  eq\n  "x"', 'http.host eq "x"'],
];
for (const [input, expected] of CANONICAL) {
  test(`canonical form of ${JSON.stringify(input)}`, () => {
    const rule = parseRule(input);
    assert.is(rule.canonical, expected);
    assert.is(formatRule(rule), expected);
    assert.is(parseRule(expected).canonical, expected);
  });
}

test.run();
