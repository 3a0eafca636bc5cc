// Table-driven cases of the `matches` regex compiler: every supported construct, each with
// inputs that must match and inputs that must not, run through the table runner (run.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileRegex, regexMatches } from "../../dist/regex/index.js";
import { checkContract, utf8 } from "./support.js";

// [construct, pattern, inputs that match, inputs that do not]
const CASES = [
  ["literal", "abc", ["abc", "xxabcxx"], ["ab", "acb", "", "ABC"]],
  ["empty pattern", "", ["", "anything"], []],
  ["non-ASCII literal", "é", ["café"], ["cafe", "É", "e"]],
  ["CJK literal", "日本", ["日本語"], ["日", "本日"]],
  ["astral literal repeated", "^😀+$", ["😀", "😀😀"], ["😁", "😀a"]],
  ["escaped dot", "a\\.b", ["a.b"], ["axb", "ab"]],
  ["escaped backslash", "\\\\", ["a\\b"], ["ab"]],
  ["escaped punctuation", "\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\-\\#\\&\\~\\/\\ ", ["*+?()[]{}|^$-#&~/ "], ["*+?"]],
  ["control escapes", "\\n\\t\\r\\f\\v\\a", ["\n\t\r\f\v\x07"], ["\n\t"]],
  ["hex escapes", "\\x41\\x{42}\\u0043\\u{44}\\U00000045", ["ABCDE"], ["abcde"]],
  ["unescaped } is literal", "a}", ["a}"], ["a"]],
  ["\\d", "^\\d+$", ["0123456789"], ["12a", "", "٣"]],
  ["\\D", "\\D", ["a", "é"], ["123", ""]],
  ["\\w", "^\\w+$", ["a_Z9"], ["a-b", "é", ""]],
  ["\\W", "\\W", ["a b", "é"], ["abc_1"]],
  ["\\s", "^\\s+$", [" \t\n\r\f\v"], ["\u00a0", "a"]],
  ["\\S", "\\S", ["\u00a0", "x"], [" \t"]],
  ["dot with s flag", "(?s)a.c", ["a\nc", "abc"], ["ac"]],
  ["class range", "[a-c]", ["b", "xxc"], ["d", "B"]],
  ["leading ] is literal", "[]a]", ["]", "a"], ["b"]],
  ["negated leading ]", "^[^]a]$", ["b"], ["]", "a"]],
  ["dash at the edges", "^[a-]+$", ["a-a"], ["b"]],
  ["dash first", "^[-a]+$", ["-a"], ["b"]],
  ["escapes in a class", "^[\\]\\[\\-\\^\\\\]$", ["]", "[", "-", "^", "\\"], ["a"]],
  ["class escapes in a class", "^[\\d\\s]+$", ["5 6"], ["a"]],
  ["negated \\S in a class", "[^\\S]", [" ", "\t"], ["ab"]],
  ["hex range in a class", "^[\\x41-\\x43]$", ["B"], ["D"]],
  ["POSIX class", "^[[:alpha:]]+$", ["abcXYZ"], ["123", "a1"]],
  ["negated POSIX class", "^[[:^digit:]]$", ["a"], ["1"]],
  ["two POSIX classes", "^[[:xdigit:][:space:]]+$", ["f0 A"], ["g"]],
  ["every POSIX class", "^[[:alnum:]][[:blank:]][[:cntrl:]][[:graph:]][[:lower:]][[:print:]][[:punct:]][[:upper:]][[:word:]][[:ascii:]]$", ["a \x01!b ;C_~"], ["a \x01!B ;C_~"]],
  ["case-insensitive POSIX class", "(?i)^[[:upper:]]$", ["a", "A"], ["1"]],
  ["alternation", "cat|dog", ["hotdog", "cat"], ["cow"]],
  ["alternation with empty branch", "^a(b|c|)d$", ["abd", "acd", "ad"], ["aed"]],
  ["only empty branches", "|", ["", "x"], []],
  ["capturing group", "^(ab)+$", ["ab", "abab"], ["aba", ""]],
  ["non-capturing group", "^(?:ab)+$", ["abab"], ["aab"]],
  ["named group (?P<>)", "^(?P<x>ab)+$", ["abab"], ["a"]],
  ["named group (?<>)", "^(?<x_1>ab)+$", ["ab"], ["b"]],
  ["empty group", "a()b", ["ab"], ["a b"]],
  ["i flag", "(?i)hello", ["HeLLo", "hello"], ["help"]],
  ["i flag is ASCII-only", "(?i)é", ["é"], ["É"]],
  ["flag mid-pattern", "a(?i)b", ["aB", "ab"], ["AB"]],
  ["scoped flag group", "(?i:a)b", ["Ab"], ["AB"]],
  ["flag turned off", "(?i)a(?-i)b", ["Ab"], ["AB"]],
  ["flags end with their group", "(a(?i)b)c", ["aBc"], ["aBC"]],
  ["flag spans later alternatives", "a(?i)b|c", ["C"], ["D"]],
  ["i flag and negated class", "(?i)^[^a]$", ["b"], ["A", "a"]],
  ["i flag and class range", "(?i)^[a-c]+$", ["aBc"], ["d"]],
  ["i flag and \\W", "(?i)^\\W$", ["-"], ["k", "S"]],
  ["s flag scoped", "(?s:.)", ["\n"], [""]],
  ["several flags", "(?is)A.B", ["a\nb"], ["a\n"]],
  ["m flag: ^ after newline", "(?m)^b", ["a\nb", "b"], ["ab"]],
  ["m flag: $ before newline", "(?m)a$", ["a\nb", "a"], ["ab"]],
  ["m flag: empty line", "(?m)^$", ["", "a\n\nb", "a\n"], ["ab"]],
  ["x flag", "(?x) a b # comment\n c", ["abc"], ["a b c"]],
  ["x flag escaped space", "(?x)a\\ b", ["a b"], ["ab"]],
  ["x flag class", "(?x)^[a b]+$", ["ab"], ["a b"]],
  ["U flag", "(?U)^a+$", ["a", "aa"], [""]],
  ["u flag", "(?u)a", ["a"], ["b"]],
  ["^ anchors to the input start", "^abc", ["abcd"], ["xabc", "x\nabc"]],
  ["$ anchors to the input end", "abc$", ["xabc"], ["abcx", "abc\n"]],
  ["empty input only", "^$", [""], ["a", "\n"]],
  ["\\A and \\z", "\\Aabc\\z", ["abc"], ["abcd", "xabc"]],
  ["^ in the middle never matches", "a^b", [], ["ab", "a^b", "a\nb"]],
  ["anchored alternative", "x|^a", ["ab", "bx"], ["ba"]],
  ["repeated anchor", "^*a", ["a", "ba"], ["b"]],
  ["\\b", "\\bfoo\\b", ["foo", "a foo.", "(foo)"], ["foobar", "afoo", "foo_"]],
  ["\\B", "\\Boo\\B", ["zoom"], ["oo", "zoo", "ooz"]],
  ["\\b alone", "\\b", ["a", " a"], ["", " ", "é"]],
  ["\\B alone", "^\\B$", [""], ["a"]],
  ["\\B inside", "\\B", ["", " ", "ab"], ["a"]],
  ["\\< and \\>", "\\<foo\\>", ["a foo b", "foo"], ["foobar", "xfoo"]],
  ["\\b{start}", "\\b{start}foo", ["foo", "-foo"], ["afoo"]],
  ["\\b{end}", "foo\\b{end}", ["foo ", "foo"], ["food"]],
  ["\\b{start} needs a word after", "a\\b{start}", [], ["ab", "a", "a "]],
  ["non-ASCII is not a word byte", "é\\b", ["éa"], ["é", "é "]],
  ["star", "^a*$", ["", "aaa"], ["ab"]],
  ["plus", "^a+$", ["a", "aa"], [""]],
  ["question", "^a?$", ["", "a"], ["aa"]],
  ["exact count", "^a{3}$", ["aaa"], ["aa", "aaaa"]],
  ["at least", "^a{2,}$", ["aa", "aaaaa"], ["a"]],
  ["range count", "^a{2,3}$", ["aa", "aaa"], ["a", "aaaa"]],
  ["zero count", "^a{0}$", [""], ["a"]],
  ["zero to n", "^a{0,2}$", ["", "aa"], ["aaa"]],
  ["lazy star", "^a*?$", ["", "aa"], ["b"]],
  ["lazy plus", "^a+?$", ["a"], [""]],
  ["lazy question", "^a??$", ["a"], ["aa"]],
  ["lazy counts", "^a{2,3}?$", ["aa", "aaa"], ["a"]],
  ["counted group", "^(a|b){2}c$", ["abc", "bbc"], ["ac", "abbc"]],
  ["optional suffix", "^(ab|a)(bc|c)?$", ["ab", "abc", "abbc", "a", "ac"], ["abcc", "b"]],
  ["repeat of empty-matching group", "^(a*)*$", ["", "aaa"], ["b"]],
  ["bot rule: bots", "(?i)(bot|crawl|spider)", ["Googlebot/2.1", "YandexSPIDER", "Crawler"], ["Mozilla/5.0", "b0t"]],
  ["bot rule: UA shape", "^Mozilla/5\\.0 \\(compatible; [A-Za-z]+/\\d+\\.\\d+", ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"], ["Mozilla/5.0 (Windows NT 10.0)", "xMozilla/5.0 (compatible; A/1.1"]],
  ["bot rule: script paths", "\\.(php|asp|aspx|jsp)$", ["/index.php", "/a.aspx", "/x.jsp"], ["/index.php?x=1", "/a.html"]],
  ["bot rule: versions", "(?i)^python-requests/\\d+(\\.\\d+)*$", ["python-requests/2.31.0"], ["python-requests/", "python-requests/2.x"]],
];

// Byte mode (the default, as Cloudflare's): `.`, classes and negations match one byte.
const BYTE_MODE = [
  ["dot is one byte", "a.c", ["abc", "a-c", "a\rc"], ["a\nc", "ac", "aéc"]],
  ["two dots over a two-byte character", "^..$", ["ab", "é"], ["a", "日"]],
  ["negated class is one byte", "^[^a-c]{2}$", ["dd", "é"], ["a", "ad"]],
  ["\\D over bytes", "^\\D\\D\\D$", ["日"], ["é"]],
  ["\\xHH is a byte", "^\\xC3\\xA9$", ["é"], ["\u00c3\u00a9"]],
  ["byte range class", "^[\\xC0-\\xDF][\\x80-\\xBF]$", ["é", "ÿ"], ["a", "日"]],
  ["non-ASCII literal repeated as a whole", "^é+$", ["é", "éé"], ["", "ée"]],
  ["\\B between the bytes of a character", "\\B\\xA9", ["é"], ["a"]],
  ["(?u) switches to Unicode mode", "^(?u:.)$", ["é", "日", "a"], ["ab", "éa"]],
  ["(?i) does not fold bytes above ASCII", "(?i)\\xE9", [], ["é", "É"]],
];

// Unicode mode (`unicode: true`): `.`, classes and negations match one scalar value.
const UNICODE_MODE = [
  ["\\xHH is a code point", "\\xE9", ["é"], ["e"]],
  ["\\x{…} astral", "\\x{1F600}", ["a😀"], ["😁"]],
  ["dot", "a.c", ["abc", "a-c", "aéc", "a😀c", "a\rc"], ["a\nc", "ac"]],
  ["dot matches a whole code point", "^.{3}$", ["abc", "日本語", "é😀x"], ["ab", "abcd", "日本"]],
  ["dot over a two-byte character", "^..$", ["ab"], ["é"]],
  ["negated class", "^[^a-c]$", ["d", "é", "\n", "😀"], ["a", "c", ""]],
  ["negated \\w in a class", "^[^\\w]$", ["-", "é"], ["a", "_"]],
  ["Latin-1 range", "[à-ÿ]", ["é"], ["e", "É"]],
  ["astral range", "[😀-😂]", ["😁"], ["😃"]],
  ["repeat of a multi-byte class", "^[é€]{2}$", ["é€", "€€"], ["é", "éé€"]],
  ["\\B never inside a character", "\\B", ["", "ab", "é"], ["aéa"]],
  ["(?-u) switches to byte mode", "^(?-u:..)$", ["é"], ["日"]],
];

const run = (name, pattern, yes, no, options) => {
  test(`${name}: ${JSON.stringify(pattern)}${options ? " (unicode)" : ""}`, () => {
    const { tables } = compileRegex(pattern, options);
    checkContract(tables, pattern);
    for (const input of yes) assert.ok(regexMatches(tables, utf8(input)), `${pattern} should match ${JSON.stringify(input)}`);
    for (const input of no) assert.not.ok(regexMatches(tables, utf8(input)), `${pattern} should not match ${JSON.stringify(input)}`);
  });
};
for (const [name, pattern, yes, no] of BYTE_MODE) run(name, pattern, yes, no);
for (const [name, pattern, yes, no] of UNICODE_MODE) run(name, pattern, yes, no, { unicode: true });
// The constructs above behave the same in both modes on these inputs.
for (const [name, pattern, yes, no] of CASES) run(name, pattern, yes, no, { unicode: true });

for (const [name, pattern, yes, no] of CASES) {
  test(`${name}: ${JSON.stringify(pattern)}`, () => {
    const { tables } = compileRegex(pattern);
    checkContract(tables, pattern);
    for (const input of yes) assert.ok(regexMatches(tables, utf8(input)), `${pattern} should match ${JSON.stringify(input)}`);
    for (const input of no) assert.not.ok(regexMatches(tables, utf8(input)), `${pattern} should not match ${JSON.stringify(input)}`);
  });
}

test("byte mode: classes match any byte, valid UTF-8 or not", () => {
  const dot = compileRegex("^.$").tables;
  assert.ok(regexMatches(dot, Uint8Array.of(0xff)));
  assert.ok(regexMatches(dot, Uint8Array.of(0xc3)));
  assert.not.ok(regexMatches(dot, Uint8Array.of(0xc3, 0xa9)));
  assert.ok(regexMatches(compileRegex("^\\xFF$").tables, Uint8Array.of(0xff)), "\\xFF is the byte FF");
  assert.ok(regexMatches(compileRegex("^[^a]$").tables, Uint8Array.of(0x80)));
});

test("Unicode mode: classes never match bytes that are not UTF-8, literal bytes still do", () => {
  const u = { unicode: true };
  const dot = compileRegex(".", u).tables;
  assert.not.ok(regexMatches(dot, Uint8Array.of(0xff)));
  assert.not.ok(regexMatches(dot, Uint8Array.of(0xc3)), "a truncated sequence");
  assert.ok(regexMatches(dot, Uint8Array.of(0xff, 0x61)));
  assert.ok(regexMatches(compileRegex("a", u).tables, Uint8Array.of(0xff, 0x61, 0xfe)));
  assert.not.ok(regexMatches(compileRegex("\\xFF", u).tables, Uint8Array.of(0xff)), "\\xFF is U+00FF, bytes C3 BF");
  assert.ok(regexMatches(compileRegex("\\xFF", u).tables, Uint8Array.of(0xc3, 0xbf)));
});

test("linear time: pathological patterns complete on long inputs", () => {
  const as = utf8("a".repeat(10000));
  assert.not.ok(regexMatches(compileRegex("(a*)*b").tables, as));
  assert.ok(regexMatches(compileRegex("(a*)*b").tables, utf8("a".repeat(10000) + "b")));
  assert.not.ok(regexMatches(compileRegex("(a|aa)+$x").tables, as));
  assert.not.ok(regexMatches(compileRegex("(x+x+)+y").tables, utf8("x".repeat(10000))));
  assert.ok(regexMatches(compileRegex("^(a+)+$").tables, as));
  const big = new Uint8Array(1 << 20).fill(0x61);
  assert.not.ok(regexMatches(compileRegex("(?i)(bot|crawl|spider)").tables, big));
});

test("early exits: acceptNow stops at the first match, dead at the first impossibility", () => {
  const a = compileRegex("ab").tables;
  assert.ok(a.acceptNow.some((x) => x === 1));
  const anchored = compileRegex("^ab").tables;
  assert.ok(anchored.dead >= 0, "an anchored pattern has a dead state");
  assert.is(compileRegex("ab").tables.dead, -1, "an unanchored pattern without $ never dies");
  const never = compileRegex("[^\\x00-\\xFF]").tables;
  assert.is(never.stateCount, 1);
  assert.is(never.dead, 0);
  const always = compileRegex("a*").tables;
  assert.is(always.stateCount, 1);
  assert.is(always.acceptNow[0], 1);
});

// [pattern, expected literals ("…i" = case-insensitive, lower-cased) or null]
const LITERALS = [
  ["(?i)(bot|crawl|spider)", ["bot i", "crawl i", "spider i"]],
  ["\\.(php|asp|aspx|jsp)$", [".asp", ".jsp", ".php"]],
  ["^Mozilla/5\\.0 \\(compatible; [A-Za-z]+/\\d+\\.\\d+", ["Mozilla/5.0 (compatible; "]],
  ["https?://", ["http://", "https://"]],
  ["[Bb]ot", ["bot i"]],
  ["(?i)Foo(?-i)Bar", ["foobar i"]],
  ["a{3}", ["aaa"]],
  ["café", ["café"]],
  ["x\\d+yz", ["yz"]],
  ["(ab|cd)[0-9]+(efg|hij)", ["efg", "hij"]],
  [".*", null],
  ["a?b?", null],
  ["a", null],
  ["foo|.*", null],
  ["x\\d+y", null],
];

for (const [pattern, want] of LITERALS) {
  test(`required literals of ${JSON.stringify(pattern)}`, () => {
    const { literals } = compileRegex(pattern);
    const got = literals && literals.map((l) => new TextDecoder().decode(l.bytes) + (l.caseInsensitive ? " i" : ""));
    assert.equal(got, want);
  });
}

test("typical bot-rule regexes compile to small tables", () => {
  for (const [pattern, maxStates] of [["(?i)(bot|crawl|spider)", 20], ["^Mozilla/5\\.0 \\(compatible; [A-Za-z]+/\\d+\\.\\d+", 40], ["\\.(php|asp|aspx|jsp)$", 12]]) {
    const { tables } = compileRegex(pattern);
    assert.ok(tables.stateCount <= maxStates, `${pattern}: ${tables.stateCount} states`);
    assert.ok(tables.classCount <= 32, `${pattern}: ${tables.classCount} classes`);
  }
});

test.run();
