// The matching building blocks of the reference evaluator: regexes through the engine's own
// compiler (the checker's errors and spans, the evaluator's table cache, agreement with what the
// pack compiler builds, JavaScript's RegExp as an oracle on random patterns), wildcards against
// an independent oracle, IP text, JSON lookups, Base64.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { checkRegex, regexTables, regexTest } from "../../dist/rules/matches.js";
import { compileRegex, RegexError } from "../../dist/regex/index.js";
import { parseWildcard, matchWildcard } from "../../dist/rules/wildcard.js";
import { parseIp, formatIp } from "../../dist/rules/ip.js";
import { lookupJson } from "../../dist/rules/json.js";
import { decodeBase64, urlDecode, substring } from "../../dist/rules/builtins.js";
import { DEFAULT_LIMITS } from "../../dist/rules/index.js";

const SEED = Number(process.env.FC_SEED ?? 20251129);
const enc = (s) => new TextEncoder().encode(s);
const latin1 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const matches = (pattern, input) => {
  const problem = checkRegex(pattern, DEFAULT_LIMITS);
  assert.is(problem, null, `${pattern}: ${problem?.message}`);
  return regexTest(pattern, typeof input === "string" ? enc(input) : input);
};

test("regex: supported syntax (RE2 / Rust regex, byte mode unless (?u))", () => {
  const yes = [
    ["a|b", "b"], ["^ab$", "ab"], ["a{2,3}", "xaax"], ["a{2,}", "aaaa"], ["(?:ab)+", "abab"], ["(?P<n>a)(?<m>b)", "ab"],
    ["(?i)GPT", "gpt"], ["(?i:G)PT", "gPT"], ["a(?i)b|C", "c"], ["[[:alpha:]]+", "abc"], ["[[:^digit:]]", "a"],
    ["\\d\\s\\w", "1 a"], ["[\\d-]", "-"], ["[]a]", "]"], ["[a-]", "-"], ["\\x41\\x{42}\\u0043", "ABC"], ["\\.", "."],
    ["\\bx\\b", "a x b"], ["\\Bx", "ax"], ["\\Ax\\z", "x"], ["(?s)a.b", "a\nb"], ["(?m)^b$", "a\nb"], ["(?x) a b # comment", "ab"],
    ["\\<x\\>", "a x b"], ["\\b{start}x\\b{end}", "x"], ["a*?b", "b"], ["(?U)a*", ""], ["", "anything"], ["()", ""],
    ["é", "café"], ["\\xff", latin1("\xff")], ["[^a]", latin1("\x80")], ["\\t\\n\\r\\f\\v\\a", "\t\n\r\f\v\x07"],
    ["(?u)^.$", "é"], ["(?u)[é]", "café"], ["(?u)\\x{e9}", "é"],
  ];
  for (const [p, input] of yes) assert.ok(matches(p, input), `${p} should match ${JSON.stringify(input)}`);
  const no = [["^a$", "ab"], ["a.b", "a\nb"], ["^b$", "a\nb"], ["(?i)é", "É"], ["\\bx", "ax"], ["^.$", "é"], ["\\w", "é"], ["\\<x", "ax"], ["(?u)^..$", "é"]];
  for (const [p, input] of no) assert.not.ok(matches(p, input), `${p} should not match ${JSON.stringify(input)}`);
});

test("regex: refused constructs, each with its reason and the span [start, end) in the pattern", () => {
  const refused = [
    ["(a)\\1", /backreferences/, 3, 5], ["\\k<n>", /backreferences/, 0, 5], ["(?=a)", /lookahead/, 0, 3], ["(?<!a)", /negative lookbehind/, 0, 4],
    ["(?>a)", /atomic groups/, 0, 3], ["x\\p{Greek}", /Unicode classes/, 1, 10], ["(?R)a", /recursion/, 0, 4],
    ["(?q)", /unknown flag "q"/, 2, 3], ["*a", /nothing to repeat/, 0, 1], ["a{", /literal \{ must be escaped/, 1, 2], ["a{x}", /literal \{ must be escaped/, 1, 2],
    ["(a", /unclosed group/, 0, 1], ["a)", /unmatched \)/, 1, 2], ["[a", /unclosed character class/, 0, 1], ["[é]", /non-ASCII/, 1, 2],
    ["\\x{100}", /above \\xFF/, 0, 7], ["\\0", /octal/, 0, 2], ["\\q", /unknown escape/, 0, 2], ["[[:foo:]]", /unknown POSIX class/, 1, 8], ["a\\", /lone \\/, 1, 2],
    ["[a-z&&]", /needs a class item on both sides/, 4, 6], ["[&&a]", /needs a class item on both sides/, 1, 3], ["[[a-c]", /unclosed character class/, 0, 1],
    ["a{3,2}", /minimum is larger/, 1, 6], ["a*+", /possessive/, 1, 3], ["x(?P<1a>y)", /invalid group name/, 5, 8],
  ];
  for (const [pattern, reason, start, end] of refused) {
    const problem = checkRegex(pattern, DEFAULT_LIMITS);
    assert.ok(problem, `${pattern} should be refused`);
    assert.match(problem.message, /^invalid regular expression: /, pattern);
    assert.match(problem.message, reason, pattern);
    assert.equal([problem.start, problem.end], [start, end], `${pattern}: ${problem.message}`);
  }
});

test("regex: limits are the rule settings, and the messages name them", () => {
  const limits = (over) => ({ ...DEFAULT_LIMITS, ...over });
  const cases = [
    ["a".repeat(41), { maxRegexLength: 40 }, /^the regular expression is 41 bytes long, over the limit of 40 \(setting maxRegexLength\)$/, 0, 41],
    ["é".repeat(30), { maxRegexLength: 40 }, /is 60 bytes long/, 0, 30], // bytes, not characters
    ["ab{7,12}", { maxRegexRepetition: 10 }, /^the repetition count 12 is over the limit of 10 \(setting maxRegexRepetition\)$/, 2, 8],
    ["x((a))", { maxNestingDepth: 1 }, /limit of 1 level \(setting maxNestingDepth\)/, 2, 3],
    ["(a|b)*a(a|b){12}", { maxRegexStates: 1000 }, /more than 1000 DFA states, the limit \(setting maxRegexStates\)/, 0, 16],
    ["(a{100}){20}", { maxRegexNfaStates: 1000 }, /more than 1000 NFA states .* \(setting maxRegexNfaStates\)/, 0, 12],
  ];
  for (const [pattern, over, reason, start, end] of cases) {
    const problem = checkRegex(pattern, limits(over));
    assert.ok(problem, `${pattern} should break ${Object.keys(over)[0]}`);
    assert.match(problem.message, reason, pattern);
    assert.equal([problem.start, problem.end], [start, end], pattern);
    assert.is(checkRegex(pattern, DEFAULT_LIMITS), null, `${pattern} is fine under the defaults`);
  }
});

test("regex: the table cache never lets a pattern past a limit it breaks", () => {
  const p = "(a|b)*a(a|b){11}";
  const tables = regexTables(p); // the evaluator's compile, without limits
  assert.is(regexTables(p), tables, "cached");
  assert.match(checkRegex(p, { ...DEFAULT_LIMITS, maxRegexStates: 100 })?.message ?? "", /setting maxRegexStates/);
  assert.is(checkRegex(p, DEFAULT_LIMITS), null);
  assert.is(checkRegex(p, { ...DEFAULT_LIMITS, maxRegexStates: 5000, maxRegexNfaStates: 500 }), null, "known to fit tighter limits now");
  assert.match(checkRegex(p, { ...DEFAULT_LIMITS, maxRegexRepetition: 5 })?.message ?? "", /setting maxRegexRepetition/);
  // Many distinct patterns: the cache stays bounded and answers stay right.
  for (let i = 0; i < 600; i++) assert.ok(regexTest(`^x{${i % 300}}y${i}$`, enc(`${"x".repeat(i % 300)}y${i}`)));
  assert.ok(regexTest(p, enc("xxa" + "b".repeat(11))));
});

test("regex: matching time is linear — (a*)*b and (a|a)*b on 20,000 a's", () => {
  const input = enc("a".repeat(20_000));
  for (const p of ["(a*)*b", "(a|a)*b", "(a|aa)*c", "^(\\w+\\s?)*$x"]) {
    const started = performance.now();
    assert.not.ok(matches(p, input));
    assert.ok(performance.now() - started < 2000, `${p} took too long`);
  }
});

// Random patterns from a subset JavaScript reads the same way on ASCII text without \r.
const atom = fc.constantFrom("a", "b", "c", ".", "[ab]", "[^a]", "\\d", "\\w", "x", "\\.", "[a-c]");
const pattern = fc.letrec((tie) => ({
  re: fc.oneof({ depthSize: "small" },
    atom,
    fc.tuple(tie("re"), tie("re")).map(([a, b]) => a + b),
    fc.tuple(tie("re"), tie("re")).map(([a, b]) => `(?:${a}|${b})`),
    fc.tuple(tie("re"), fc.constantFrom("*", "+", "?", "{2}", "{1,2}", "{0,}", "*?")).map(([a, q]) => `(?:${a})${q}`),
    fc.tuple(fc.constantFrom("^", "\\b", ""), tie("re"), fc.constantFrom("$", "\\b", "")).map(([x, a, y]) => x + a + y),
  ),
})).re;
const haystack = fc.array(fc.constantFrom("a", "b", "c", "x", "1", ".", " ", "\n", "_"), { maxLength: 12 }).map((cs) => cs.join(""));

test("regex: the evaluator agrees with JavaScript's RegExp on random patterns and inputs", () => {
  fc.assert(fc.property(pattern, haystack, (p, h) => {
    assert.is(matches(p, h), new RegExp(p).test(h), `/${p}/ on ${JSON.stringify(h)}`);
  }), { seed: SEED, numRuns: 2000 });
});

test("regex: case-insensitive and multi-line flags agree with RegExp i and m on ASCII", () => {
  fc.assert(fc.property(pattern, haystack.map((h) => h.replace(/a/g, "A")), (p, h) => {
    assert.is(matches(`(?i)${p}`, h), new RegExp(p, "i").test(h), `/${p}/i on ${JSON.stringify(h)}`);
    assert.is(matches(`(?m)${p}`, h), new RegExp(p, "m").test(h), `/${p}/m on ${JSON.stringify(h)}`);
  }), { seed: SEED, numRuns: 1000 });
});

test("regex: a pattern the checker accepts compiles for the engine to the same tables", () => {
  const piece = fc.constantFrom("a", "(", ")", "[", "]", "{", "}", "2", ",", "\\", "?", "*", "+", "|", "^", "$", "-", ":", "<", ">", "=", "P", "x", "i", "u", "é", "&", "b", "d");
  const soup = fc.oneof(pattern, fc.array(piece, { maxLength: 12 }).map((cs) => cs.join("")));
  fc.assert(fc.property(soup, (p) => {
    let engine;
    try {
      engine = compileRegex(p).tables;
    } catch (e) {
      if (!(e instanceof RegexError)) throw e;
    }
    const problem = checkRegex(p, DEFAULT_LIMITS);
    if (problem === null) assert.equal(regexTables(p), engine, p);
    else assert.is(engine === undefined, problem.message.startsWith("invalid regular expression: "), `${p}: ${problem.message}`);
  }), { seed: SEED, numRuns: 3000 });
});

/** An independent oracle: the wildcard as an anchored JavaScript regex. */
function wildcardOracle(pieces, caseInsensitive, value) {
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const source = "^" + pieces.map(esc).join("[\\s\\S]*") + "$";
  return new RegExp(source, caseInsensitive ? "i" : "").test(value);
}

test("wildcard: the linear matcher agrees with an anchored-regex oracle", () => {
  const piece = fc.array(fc.constantFrom("a", "b", "A"), { maxLength: 3 }).map((cs) => cs.join(""));
  fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.array(fc.constantFrom("a", "b", "A", "B"), { maxLength: 10 }).map((c) => c.join("")), (pieces, ci, value) => {
    const fixed = pieces.map((p, i) => (p === "" && i > 0 && i < pieces.length - 1 ? "a" : p)); // no "**"
    const w = parseWildcard(enc(fixed.join("*")), ci, DEFAULT_LIMITS);
    assert.is(matchWildcard(w, enc(value)), wildcardOracle(fixed, ci, value), `${fixed.join("*")} ${ci ? "wildcard" : "strict"} ${value}`);
  }), { seed: SEED, numRuns: 4000 });
});

test("wildcard: escapes and errors", () => {
  assert.equal(parseWildcard(enc("a\\*b*\\\\"), true, DEFAULT_LIMITS).pieces.map((p) => new TextDecoder().decode(p)), ["a*b", "\\"]);
  assert.throws(() => parseWildcard(enc("a**"), true, DEFAULT_LIMITS), /\*\*/);
  assert.throws(() => parseWildcard(enc("a\\b"), true, DEFAULT_LIMITS), /invalid escape/);
  assert.throws(() => parseWildcard(enc("a\\"), true, DEFAULT_LIMITS), /invalid escape/);
  assert.ok(parseWildcard(enc("\\**"), true, DEFAULT_LIMITS)); // an escaped star followed by a star is not "**"
});

test("IP text: strict parsing and RFC 5952 output", () => {
  const round = (t) => formatIp(parseIp(t));
  assert.is(round("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  assert.is(round("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  assert.is(round("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1"); // a single zero group is not shortened
  assert.is(round("::"), "::");
  assert.is(round("::ffff:192.0.2.1"), "::ffff:c000:201");
  assert.is(round("192.0.2.1"), "192.0.2.1");
  for (const bad of ["01.2.3.4", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1", "1:", "g::1", "1.2.3.4::", "::1.2.3"]) {
    assert.is(parseIp(bad), null, bad);
  }
});

test("JSON lookups: paths, types, malformed documents", () => {
  const get = (doc, ...path) => lookupJson(enc(doc), path);
  assert.equal(get('{"a": {"b": [1, "x"]}}', "a", "b", 1), { kind: "string", value: enc("x") });
  assert.equal(get('{"a": {"b": [1, "x"]}}', "a", "b", 0), { kind: "int", value: 1 });
  assert.is(get('{"a": 1.5}', "a"), undefined);
  assert.is(get('{"a": 1e3}', "a"), undefined);
  assert.is(get('{"a": 1', "a"), undefined);
  assert.is(get('{"a": 1} x', "a"), undefined);
  assert.equal(get('{"a": 1, "a": 2}', "a"), { kind: "int", value: 2 });
  assert.equal(get('{"k\\u00e9": "\\u2601"}', "ké"), { kind: "string", value: enc("☁") });
  assert.is(get("[".repeat(10_000), 0), undefined);
});

test("Base64, URL decoding and substring edge cases", () => {
  const text = (b) => (b === undefined ? undefined : new TextDecoder().decode(b));
  assert.is(text(decodeBase64(enc("aGVsbG8gd29ybGQ="))), "hello world");
  assert.is(text(decodeBase64(enc("aGVsbG8gd29ybGQ"))), "hello world");
  assert.is(decodeBase64(enc("aGVsbG8gd29ybGQ==")), undefined);
  assert.is(decodeBase64(enc("a")), undefined);
  assert.is(decodeBase64(enc("YR==")), undefined); // non-canonical trailing bits
  assert.is(text(urlDecode(enc("%252525"), "r")), "%");
  assert.is(text(urlDecode(enc("%u00e9"), "u")), "é");
  assert.is(text(urlDecode(enc("%ud800"), "u")), "%ud800"); // a surrogate is not a character
  assert.is(text(substring(enc("abc"), -1, undefined)), "c");
});

test.run();
