// Golden error messages of the regex compiler: every unsupported construct says what and why,
// every syntax error says how to fix it, every exceeded limit names its setting.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileRegex, RegexError, DEFAULT_LIMITS } from "../../dist/regex/index.js";
import { BotsiftError } from "../../dist/errors.js";

const LINEAR = "not supported: the rules language guarantees linear-time matching (RE2 dialect)";

// [pattern, options, message, offset]
const GOLDEN = [
  // unsupported: not linear-time
  ["(a)\\1", {}, `backreferences (\\1) are ${LINEAR}`, 3],
  ["\\k<x>", {}, `backreferences (\\k…) are ${LINEAR}`, 0],
  ["(?P<x>a)(?P=x)", {}, `backreferences (?P=name) are ${LINEAR}`, 8],
  ["a(?=b)", {}, `lookahead (?=…) is ${LINEAR}`, 1],
  ["a(?!b)", {}, `negative lookahead (?!…) is ${LINEAR}`, 1],
  ["(?<=a)b", {}, `lookbehind (?<=…) is ${LINEAR}`, 0],
  ["(?<!a)b", {}, `negative lookbehind (?<!…) is ${LINEAR}`, 0],
  ["(?>a)", {}, `atomic groups (?>…) are ${LINEAR}`, 0],
  ["a*+", {}, `possessive repetition (*+) is ${LINEAR}`, 1],
  ["a++", {}, `possessive repetition (++) is ${LINEAR}`, 1],
  ["a?+", {}, `possessive repetition (?+) is ${LINEAR}`, 1],
  ["a{2}+", {}, `possessive repetition ({2}+) is ${LINEAR}`, 1],
  ["(?(1)a|b)", {}, `conditionals (?(…)…) are ${LINEAR}`, 0],
  ["(?R)", {}, `recursion and subroutine calls ((?R), (?1), (?&name)) are ${LINEAR}`, 0],
  ["(a)(?1)", {}, `recursion and subroutine calls ((?R), (?1), (?&name)) are ${LINEAR}`, 3],
  // unsupported syntax of other dialects
  ["(?#c)", {}, "comment groups (?#…) are not supported; use the x flag and # comments", 0],
  ["(?|a)", {}, "branch reset groups (?|…) are not supported; use (?:…)", 0],
  ["(?'n'a)", {}, "(?'name'…) is not supported; write a named group as (?P<name>…)", 0],
  ["\\p{L}", {}, "Unicode classes (\\p{…}) are not supported: \\d \\w \\s are ASCII; write an explicit class such as [A-Za-z]", 0],
  ["\\Qa.b\\E", {}, "\\Q…\\E quoting is not supported; escape each special character with \\", 0],
  ["a\\Z", {}, "\\Z is not supported; use \\z (end of input) or $", 1],
  ["\\C", {}, "\\C (any single byte) is not supported; use . to match one character", 0],
  ["\\0", {}, "octal escapes are not supported; write \\x00 for a NUL byte", 0],
  ["\\e", {}, "unknown escape \\e; to match a punctuation character, escape it as in \\.", 0],
  ["[&&b]", {}, "&& needs a class item on both sides; escape the characters (\\&) to match them literally", 1],
  ["[a--]", {}, "-- needs a class item on both sides; escape the characters (\\-) to match them literally", 2],
  ["[[a]", {}, "unclosed character class: add the missing ]", 0],
  ["[[:foo:]]", {}, "unknown POSIX class [:foo:]; known: alnum, alpha, ascii, blank, cntrl, digit, graph, lower, print, punct, space, upper, word, xdigit", 1],
  ["[\\b]", {}, "\\b is not allowed in a class", 1],
  ["a[bé]", {}, "non-ASCII characters are not allowed in a class in byte mode (a class matches one byte); write é outside the class, e.g. (?:é|[a-z]), or use \\xHH bytes", 3],
  ["\\x{1F600}", {}, "\\x{1F600} is above \\xFF: in byte mode an escape is one byte; write the character itself to match its UTF-8 bytes", 0],
  ["(?u)[é](?-u)\\u00e9\\u0100", {}, "\\u0100 is above \\xFF: in byte mode an escape is one byte; write the character itself to match its UTF-8 bytes", 18],
  ["\\b{start-half}", {}, "unsupported word boundary: use \\b, \\B, \\b{start} or \\b{end}", 0],
  // syntax errors
  ["(?q)a", {}, "unknown flag \"q\": flags are i (case-insensitive), m (multi-line), s (. matches \\n), x (extended), U (lazy by default) and u (Unicode mode)", 2],
  ["(?i-)a", {}, "expected a flag after - in the flag group", 4],
  ["*a", {}, "repetition operator * has nothing to repeat; escape it as \\* to match it literally", 0],
  ["a|+", {}, "repetition operator + has nothing to repeat; escape it as \\+ to match it literally", 2],
  ["{2}", {}, "repetition operator has nothing to repeat; escape { as \\{ to match it literally", 0],
  ["a**", {}, "a repetition operator cannot directly follow another; put the inner repetition in a group, e.g. (?:a*)+", 2],
  ["a{", {}, "a literal { must be escaped as \\{ (or write a repetition such as {2}, {2,} or {2,5})", 1],
  ["a{,3}", {}, "a counted repetition needs its minimum: write {0,m} for {,m}", 1],
  ["a{3,2}", {}, "invalid repetition {3,2}: the minimum is larger than the maximum", 1],
  ["[z-a]", {}, "invalid class range: z comes after a", 2],
  ["[a-\\d]", {}, "a class such as \\d cannot end a range; escape the - as \\-", 2],
  ["[\\w-.]", {}, "a class such as \\d cannot start a range; escape the - as \\-", 3],
  ["x(a", {}, "unclosed group: add the missing )", 1],
  ["a)", {}, "unmatched ): no group is open here; escape it as \\)", 1],
  ["x[a", {}, "unclosed character class: add the missing ]", 1],
  ["a\\", {}, "the pattern ends with a lone \\; write \\\\ for a backslash", 1],
  ["\\x4", {}, "invalid \\x escape: write exactly 2 hex digits, or \\x{…}", 0],
  ["\\x{}", {}, "invalid \\x{…} escape: write 1 to 8 hex digits between the braces", 0],
  ["\\x{110000}", {}, "\\x{110000} is beyond U+10FFFF, the largest code point", 0],
  ["\\x{D800}", {}, "\\x{D800} is a surrogate code point, not a Unicode scalar value", 0],
  ["(?P<1a>x)", {}, "invalid group name: a name starts with a letter or _, holds letters, digits and _, and ends with >", 4],
  // limits
  ["a{1001}", {}, "repetition count 1001 exceeds maxRepeat = 1000", 1],
  ["a{2,11}", { maxRepeat: 10 }, "repetition count 11 exceeds maxRepeat = 10", 1],
  ["abc", { maxLength: 2 }, "pattern is 3 characters long, over maxLength = 2", 2],
  ["((a))", { maxNesting: 1 }, "groups are nested deeper than maxNesting = 1", 1],
  ["(a|b)*a(a|b){20}", { maxStates: 1000 }, "pattern \"(a|b)*a(a|b){20}\" needs more than maxStates = 1000 DFA states; simplify it (a bounded repetition after an unbounded one, such as (a|b)*a(a|b){20}, multiplies states) or raise maxStates", 0],
  ["((a{100}){100}){100}", {}, "pattern \"((a{100}){100}){100}\" needs more than maxNfaStates = 100000 automaton nodes once its repetitions are expanded; lower the repetition counts or raise maxNfaStates", 0],
];

for (const [pattern, options, message, offset] of GOLDEN) {
  test(`error for ${JSON.stringify(pattern)}`, () => {
    try {
      compileRegex(pattern, options);
    } catch (e) {
      assert.instance(e, RegexError);
      assert.instance(e, BotsiftError);
      assert.is(e.code, "REGEX");
      assert.is(e.message, message);
      assert.is(e.offset, offset);
      assert.is(e.pattern, pattern);
      return;
    }
    assert.unreachable(`${pattern} should be refused`);
  });
}

test("errors close the offending text (end) and name an exceeded limit (limit)", () => {
  const refused = (pattern, options = {}) => {
    try {
      compileRegex(pattern, options);
    } catch (e) {
      if (e instanceof RegexError) return { text: pattern.slice(e.offset, e.end), end: e.end, limit: e.limit };
      throw e;
    }
    assert.unreachable(`${pattern} should be refused`);
  };
  assert.equal(refused("x(a)\\1"), { text: "\\1", end: 6, limit: undefined });
  assert.equal(refused("a(?<=b)"), { text: "(?<=", end: 5, limit: undefined });
  assert.equal(refused("\\p{Greek}"), { text: "\\p{Greek}", end: 9, limit: undefined });
  assert.equal(refused("a{3,2}"), { text: "{3,2}", end: 6, limit: undefined });
  assert.equal(refused("[a&&]"), { text: "&&", end: 4, limit: undefined });
  assert.equal(refused("[[[a]]]", { maxNesting: 2 }), { text: "[", end: 3, limit: "maxNesting" });
  assert.equal(refused("x(a"), { text: "(", end: 2, limit: undefined });
  assert.equal(refused("a\\"), { text: "\\", end: 2, limit: undefined });
  assert.equal(refused("a😀{2,11}", { maxRepeat: 10 }), { text: "{2,11}", end: 9, limit: "maxRepeat" });
  assert.equal(refused("((a))", { maxNesting: 1 }), { text: "(", end: 2, limit: "maxNesting" });
  assert.equal(refused("abc", { maxLength: 2 }).limit, "maxLength");
  assert.equal(refused("(a|b)*a(a|b){20}"), { text: "(a|b)*a(a|b){20}", end: 16, limit: "maxStates" });
  assert.equal(refused("(a{100}){20}", { maxNfaStates: 1000 }), { text: "(a{100}){20}", end: 12, limit: "maxNfaStates" });
});

test("the state budget: (a|b)*a(a|b){n} grows past it, and compiles under it", () => {
  assert.throws(() => compileRegex("(a|b)*a(a|b){20}"), (e) => e instanceof RegexError && /maxStates = 10000/.test(e.message));
  // Anchored at the end, the minimal DFA must remember the last n + 1 bytes: 2^(n+1) states.
  assert.is(compileRegex("(a|b)*a(a|b){5}$", { maxStates: 1000 }).tables.stateCount, 64);
  assert.throws(() => compileRegex("(a|b)*a(a|b){5}$", { maxStates: 63 }), /maxStates = 63/);
  // Unanchored, it minimises to n + 2 states, but the budget counts the subset construction.
  assert.is(compileRegex("(a|b)*a(a|b){5}", { maxStates: 1000 }).tables.stateCount, 7);
  assert.throws(() => compileRegex("(a|b)*a(a|b){5}", { maxStates: 32 }), /maxStates = 32/);
});

test("long patterns are reported shortened", () => {
  const p = `(a|b)*a(a|b){20}${"x".repeat(100)}`;
  assert.throws(() => compileRegex(p, { maxStates: 100 }), (e) => e.message.startsWith(`pattern "${p.slice(0, 77)}..." needs`));
});

test("limits are settings with documented defaults; bad settings are refused", () => {
  assert.equal({ ...DEFAULT_LIMITS }, { maxLength: 4096, maxRepeat: 1000, maxStates: 10000, maxNfaStates: 100000, maxNesting: 100 });
  assert.throws(() => compileRegex("a", { maxStates: 0 }), (e) => e instanceof RangeError && /maxStates must be a positive integer/.test(e.message));
  assert.throws(() => compileRegex("a", { maxRepeat: 1.5 }), RangeError);
  assert.ok(compileRegex("[ab]".repeat(1024)).tables.stateCount > 0, "maxLength is inclusive");
  assert.ok(compileRegex("a{1000}").tables.stateCount > 0, "maxRepeat is inclusive");
});

test("no input crashes or hangs the parser", () => {
  const pieces = ["(", ")", "[", "]", "{", "}", "\\", "?", "*", "+", "|", "^", "$", "-", ",", "1", "a", ":", "<", ">", "=", "!", "P", "x", "#", " ", "é"];
  let seed = 1;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (let i = 0; i < 3000; i++) {
    let p = "";
    for (let k = rnd(12); k > 0; k--) p += pieces[rnd(pieces.length)];
    try {
      compileRegex(p);
    } catch (e) {
      if (!(e instanceof RegexError)) throw new Error(`${JSON.stringify(p)} threw ${e}`);
      assert.ok(e.offset >= 0 && e.offset <= p.length, `${JSON.stringify(p)}: offset ${e.offset}`);
    }
  }
});

test.run();
