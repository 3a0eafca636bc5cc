// Golden tests for error messages: the exact text `RuleError.format()` prints (what, where, how
// to fix, and the offending line with a caret under the span), plus the typed error's fields,
// limit errors naming their setting, and warnings.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseRule, checkRule, RuleError } from "../../dist/rules/index.js";
import { BotsiftError } from "../../dist/errors.js";

/** [expression, ...lines of error.format()] */
const GOLDEN = [
  ["http.useragent contains \"GPTBot\"",
    "error: unknown field \"http.useragent\" — did you mean \"http.user_agent\"?",
    " --> line 1, column 1",
    "  |",
    "1 | http.useragent contains \"GPTBot\"",
    "  | ^~~~~~~~~~~~~~"],
  ["user_agent contains \"x\"",
    "error: unknown field \"user_agent\" — did you mean \"http.user_agent\"?",
    " --> line 1, column 1",
    "  |",
    "1 | user_agent contains \"x\"",
    "  | ^~~~~~~~~~"],
  ["lowr(http.host) eq \"a\"",
    "error: unknown function \"lowr\" — did you mean \"lower\"?",
    " --> line 1, column 1",
    "  |",
    "1 | lowr(http.host) eq \"a\"",
    "  | ^~~~"],
  ["cf.bot_management.score lt \"30\"",
    "error: cannot compare cf.bot_management.score (an Integer) with \"30\" (a String): write 30 without quotes",
    " --> line 1, column 28",
    "  |",
    "1 | cf.bot_management.score lt \"30\"",
    "  |                            ^~~~"],
  ["http.host eq 30",
    "error: cannot compare http.host (a String) with 30 (an Integer): write the value in quotes, \"30\"",
    " --> line 1, column 14",
    "  |",
    "1 | http.host eq 30",
    "  |              ^~"],
  ["ip.src eq \"192.0.2.1\"",
    "error: cannot compare ip.src (an IP address) with \"192.0.2.1\" (a String): write the IP address without quotes",
    " --> line 1, column 11",
    "  |",
    "1 | ip.src eq \"192.0.2.1\"",
    "  |           ^~~~~~~~~~~"],
  ["ssl eq true",
    "error: there are no Boolean literals: a Boolean is a test on its own — write \"ssl\" or \"not ssl\"",
    " --> line 1, column 8",
    "  |",
    "1 | ssl eq true",
    "  |        ^~~~"],
  ["ssl == 1",
    "error: ssl is a Boolean: use it on its own (ssl) or negated (not ssl), without eq",
    " --> line 1, column 5",
    "  |",
    "1 | ssl == 1",
    "  |     ^~"],
  ["http.host contains \"a\" AND ssl",
    "error: operators are lower-case: write \"and\" instead of \"AND\"",
    " --> line 1, column 24",
    "  |",
    "1 | http.host contains \"a\" AND ssl",
    "  |                        ^~~"],
  ["http.host eq \"a\"\nand http.cookie contanis \"b\"",
    "error: unknown operator \"contanis\" — did you mean \"contains\"?",
    " --> line 2, column 17",
    "  |",
    "2 | and http.cookie contanis \"b\"",
    "  |                 ^~~~~~~~"],
  ["http.host",
    "error: http.host is a String, not a condition: compare it with a value, e.g. http.host eq \"…\"",
    " --> line 1, column 1",
    "  |",
    "1 | http.host",
    "  | ^~~~~~~~~"],
  ["http.request.headers.names eq \"a\"",
    "error: http.request.headers.names is an Array<String>, and eq compares single values: index it (http.request.headers.names[0]) or compare each element inside any(): any(http.request.headers.names[*] eq …)",
    " --> line 1, column 28",
    "  |",
    "1 | http.request.headers.names eq \"a\"",
    "  |                            ^~"],
  ["http.request.headers.names[*] eq \"a\"",
    "error: [*] can only be used inside any() or all(), e.g. any(http.request.headers.names[*] eq \"…\")",
    " --> line 1, column 28",
    "  |",
    "1 | http.request.headers.names[*] eq \"a\"",
    "  |                            ^"],
  ["any(http.request.headers.names[*] eq \"a\" or http.request.uri.args.names[*] eq \"b\")",
    "error: [*] unpacks different arrays here (http.request.headers.names and http.request.uri.args.names): within one any()/all(), [*] must unpack the same array",
    " --> line 1, column 5",
    "  |",
    "1 | any(http.request.headers.names[*] eq \"a\" or http.request.uri.args.names[*] eq \"b\")",
    "  |     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"],
  ["any(http.request.headers.names[*][0] eq \"a\")",
    "error: [*] can only be used on the left of a comparison or in the first argument of a function",
    " --> line 1, column 32",
    "  |",
    "1 | any(http.request.headers.names[*][0] eq \"a\")",
    "  |                                ^"],
  ["http.host contains \"unterminated",
    "error: unterminated string: add the closing \"",
    " --> line 1, column 20",
    "  |",
    "1 | http.host contains \"unterminated",
    "  |                    ^~~~~~~~~~~~~"],
  ["http.host eq \"bad \\q escape\"",
    "error: invalid escape \"\\q\": in a quoted string the escapes are \\\", \\\\, \\xHH and \\OOO; for regular expressions use a raw string r\"…\"",
    " --> line 1, column 19",
    "  |",
    "1 | http.host eq \"bad \\q escape\"",
    "  |                   ^~"],
  ["http.host wildcard \"a**b\"",
    "error: \"**\" is not allowed in a wildcard pattern: one * already matches any run of characters",
    " --> line 1, column 20",
    "  |",
    "1 | http.host wildcard \"a**b\"",
    "  |                    ^~~~~~"],
  ["http.host wildcard r\"a\\b\"",
    "error: invalid escape in a wildcard pattern: only \\* (a literal star) and \\\\ (a literal backslash) are escapes",
    " --> line 1, column 20",
    "  |",
    "1 | http.host wildcard r\"a\\b\"",
    "  |                    ^~~~~~"],
  ["http.host matches \"(?=x)\"",
    "error: invalid regular expression: lookahead (?=…) is not supported: the rules language guarantees linear-time matching (RE2 dialect)",
    " --> line 1, column 20",
    "  |",
    "1 | http.host matches \"(?=x)\"",
    "  |                    ^~~"],
  ["http.host matches r\"(a)\\1\"",
    "error: invalid regular expression: backreferences (\\1) are not supported: the rules language guarantees linear-time matching (RE2 dialect)",
    " --> line 1, column 24",
    "  |",
    "1 | http.host matches r\"(a)\\1\"",
    "  |                        ^~"],
  ["http.host matches \"a{2,1}\"",
    "error: invalid regular expression: invalid repetition {2,1}: the minimum is larger than the maximum",
    " --> line 1, column 21",
    "  |",
    "1 | http.host matches \"a{2,1}\"",
    "  |                     ^~~~~"],
  // The span maps the pattern's offsets back to the rule: past \" in a quoted string, past r#" in a raw one.
  ["http.host matches \"a\\\"b\\p{L}\"",
    "error: invalid regular expression: Unicode classes (\\p{…}) are not supported: \\d \\w \\s are ASCII; write an explicit class such as [A-Za-z]",
    " --> line 1, column 24",
    "  |",
    "1 | http.host matches \"a\\\"b\\p{L}\"",
    "  |                        ^~~~~"],
  ["http.host ~ r#\"a\"(?<!b)\"#",
    "error: invalid regular expression: negative lookbehind (?<!…) is not supported: the rules language guarantees linear-time matching (RE2 dialect)",
    " --> line 1, column 18",
    "  |",
    "1 | http.host ~ r#\"a\"(?<!b)\"#",
    "  |                  ^~~~"],
  ["http.host matches \"[a-z&&]\"",
    "error: invalid regular expression: && needs a class item on both sides; escape the characters (\\&) to match them literally",
    " --> line 1, column 24",
    "  |",
    "1 | http.host matches \"[a-z&&]\"",
    "  |                        ^~"],
  ["http.host matches \"(a|b)*a(a|b){20}\"",
    "error: the regular expression needs more than 10000 DFA states, the limit (setting maxRegexStates): simplify it (a bounded repetition after an unbounded one, such as (a|b)*a(a|b){20}, multiplies states) or raise the setting",
    " --> line 1, column 20",
    "  |",
    "1 | http.host matches \"(a|b)*a(a|b){20}\"",
    "  |                    ^~~~~~~~~~~~~~~~"],
  ["ip.src in {192.0.2.1/24}",
    "error: 192.0.2.1/24 has host bits set: write the network address 192.0.2.0/24",
    " --> line 1, column 12",
    "  |",
    "1 | ip.src in {192.0.2.1/24}",
    "  |            ^~~~~~~~~~~~"],
  ["ip.src eq 192.0.2.0/24",
    "error: a network needs the in operator: write in {192.0.2.0/24}",
    " --> line 1, column 8",
    "  |",
    "1 | ip.src eq 192.0.2.0/24",
    "  |        ^~~~~~~~~~~~~~~"],
  ["ip.src lt 192.0.2.1",
    "error: lt is not defined for IP addresses: use in with a range or a network, e.g. ip.src in {192.0.2.0..192.0.2.99}",
    " --> line 1, column 8",
    "  |",
    "1 | ip.src lt 192.0.2.1",
    "  |        ^~"],
  ["ip.src in {\"a\"}",
    "error: this set element is a String, but ip.src is an IP address: every element must be an IP address",
    " --> line 1, column 12",
    "  |",
    "1 | ip.src in {\"a\"}",
    "  |            ^~~"],
  ["cf.bot_management.score in {10..1}",
    "error: empty range: 10 is more than 1",
    " --> line 1, column 29",
    "  |",
    "1 | cf.bot_management.score in {10..1}",
    "  |                             ^~~~~"],
  ["http.host in {\"a\", \"b\"}",
    "error: set elements are separated by spaces, not commas",
    " --> line 1, column 18",
    "  |",
    "1 | http.host in {\"a\", \"b\"}",
    "  |                  ^"],
  ["(http.host eq \"a\"",
    "error: unclosed \"(\": add the closing )",
    " --> line 1, column 1",
    "  |",
    "1 | (http.host eq \"a\"",
    "  | ^"],
  ["http.host eq \"a\")",
    "error: unmatched \")\": remove it or add the \"(\" it closes",
    " --> line 1, column 17",
    "  |",
    "1 | http.host eq \"a\")",
    "  |                 ^"],
  ["http.request.uri.path ends_with \".html\"",
    "error: ends_with is a function, not an operator: write ends_with(http.request.uri.path, \"…\")",
    " --> line 1, column 23",
    "  |",
    "1 | http.request.uri.path ends_with \".html\"",
    "  |                       ^~~~~~~~~"],
  ["starts_with(\"abc\", \"a\")",
    "error: the source of starts_with() must be a field or a function result, not a literal",
    " --> line 1, column 13",
    "  |",
    "1 | starts_with(\"abc\", \"a\")",
    "  |             ^~~~~"],
  ["cidr(ip.src, 33, 24) eq 1.2.3.0",
    "error: the IPv4 network bits must be 1 to 32",
    " --> line 1, column 14",
    "  |",
    "1 | cidr(ip.src, 33, 24) eq 1.2.3.0",
    "  |              ^~"],
  ["lower() eq \"a\"",
    "error: lower() takes 1 argument, not 0: lower(String): String",
    " --> line 1, column 1",
    "  |",
    "1 | lower() eq \"a\"",
    "  | ^~~~~~~"],
  ["regex_replace(http.host, \"a\", \"b\") eq \"x\"",
    "error: regex_replace() is not supported: Cloudflare allows it only in rewrite expressions; botsift rules are filters",
    " --> line 1, column 1",
    "  |",
    "1 | regex_replace(http.host, \"a\", \"b\") eq \"x\"",
    "  | ^~~~~~~~~~~~~"],
  ["http.host eq 0123",
    "error: integer 0123 has a leading zero, which Cloudflare's engine reads as octal: write it without the leading zero",
    " --> line 1, column 14",
    "  |",
    "1 | http.host eq 0123",
    "  |              ^~~~"],
  ["http.host eq 'a'",
    "error: strings are written in double quotes: \"…\" (or raw: r\"…\")",
    " --> line 1, column 14",
    "  |",
    "1 | http.host eq 'a'",
    "  |              ^"],
  ["http.host = \"a\"",
    "error: \"=\" is not an operator: compare with == or eq",
    " --> line 1, column 11",
    "  |",
    "1 | http.host = \"a\"",
    "  |           ^"],
  ["",
    "error: empty expression: write a condition such as http.user_agent contains \"bot\"",
    " --> line 1, column 1",
    "  |",
    "1 | ",
    "  | ^"],
  ["http.host eq \"a\" and",
    "error: expected a condition, found the end of the expression",
    " --> line 1, column 21",
    "  |",
    "1 | http.host eq \"a\" and",
    "  |                     ^"],
  ["http.host eq http.referer",
    "error: the right side of eq must be a literal (a string, number or IP address): comparing with a field or function is not supported",
    " --> line 1, column 14",
    "  |",
    "1 | http.host eq http.referer",
    "  |              ^~~~~~~~~~~~"],
  ["\"abc\" eq http.host",
    "error: the left side of eq must be a field or a function call: put the literal on the right",
    " --> line 1, column 1",
    "  |",
    "1 | \"abc\" eq http.host",
    "  | ^~~~~"],
];

for (const [expression, ...lines] of GOLDEN) {
  test(`error for ${JSON.stringify(expression)}`, () => {
    const outcome = checkRule(expression);
    assert.ok(!outcome.ok, "expected an error");
    assert.is(outcome.error.format(), lines.join("\n"));
  });
}

test("RuleError is a BotsiftError with code RULE, span, line, column, reason and source", () => {
  try {
    parseRule('ssl and\n  http.useragent eq "x"');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, RuleError);
    assert.instance(e, BotsiftError);
    assert.is(e.code, "RULE");
    assert.equal(e.span, { start: 10, end: 24 });
    assert.is(e.line, 2);
    assert.is(e.column, 3);
    assert.is(e.reason, 'unknown field "http.useragent" — did you mean "http.user_agent"?');
    assert.is(e.message, 'unknown field "http.useragent" — did you mean "http.user_agent"? (line 2, column 3)');
    assert.is(e.source, 'ssl and\n  http.useragent eq "x"');
  }
});

test("format with an origin prints file:line:column and the file's line number", () => {
  const { error } = checkRule('http.host eq 3');
  assert.is(error.format(undefined, { file: "rules.txt", line: 12 }), [
    "error: cannot compare http.host (a String) with 3 (an Integer): write the value in quotes, \"3\"",
    " --> rules.txt:12:14",
    "   |",
    "12 | http.host eq 3",
    "   |              ^",
  ].join("\n"));
});

test("the caret column counts code points, and tabs keep their width of one", () => {
  const { error } = checkRule('http.host eq "☁☁"\tand nope');
  assert.is(error.column, 23);
  assert.ok(error.format().endsWith("\n  |                       ^~~~"), error.format());
});

const limitCases = [
  ["maxExpressionLength", `http.host eq "${"a".repeat(5000)}"`, {}, /the expression is 5015 characters long, over the limit of 4096 \(setting maxExpressionLength\)/],
  ["maxNestingDepth", `${"not ".repeat(40)}ssl`, {}, /deeper than the limit of 32 levels \(setting maxNestingDepth\)/],
  ["maxNestingDepth (parentheses)", `${"(".repeat(40)}ssl${")".repeat(40)}`, {}, /setting maxNestingDepth/],
  ["maxSetSize", `cf.edge.server_port in {${Array.from({ length: 20 }, (_, i) => i).join(" ")}}`, { maxSetSize: 10 }, /more than 10 elements, the limit \(setting maxSetSize\)/],
  ["maxRegexLength", `http.host matches "${"a".repeat(50)}"`, { maxRegexLength: 40 }, /50 bytes long, over the limit of 40 \(setting maxRegexLength\)/],
  ["maxRegexRepetition", 'http.host matches "a{2000}"', {}, /^the repetition count 2000 is over the limit of 1000 \(setting maxRegexRepetition\)$/],
  ["maxRegexStates", 'http.host matches "(a|b)*a(a|b){14}"', {}, /needs more than 10000 DFA states, the limit \(setting maxRegexStates\)/],
  ["maxRegexNfaStates", 'http.host matches "(a{100}){20}"', { maxRegexNfaStates: 1000 }, /needs more than 1000 NFA states once its repetitions are expanded, the limit \(setting maxRegexNfaStates\)/],
  ["maxNestingDepth (regex groups)", 'http.host matches "((a))"', { maxNestingDepth: 1 }, /^groups in the regular expression are nested deeper than the limit of 1 level \(setting maxNestingDepth\)$/],
  ["maxWildcardStars", `http.host wildcard "${"a*".repeat(20)}"`, {}, /20 \* metacharacters, over the limit of 16 \(setting maxWildcardStars\)/],
  ["maxFunctionArgs", `concat(${Array.from({ length: 40 }, () => '"a"').join(", ")}) eq "a"`, {}, /more than 32 arguments, the limit \(setting maxFunctionArgs\)/],
];
for (const [name, expression, limits, pattern] of limitCases) {
  test(`limit ${name} is a RuleError naming the setting, and can be raised`, () => {
    const outcome = checkRule(expression, { limits });
    assert.ok(!outcome.ok, "expected a limit error");
    assert.match(outcome.error.reason, pattern);
    const raised = Object.fromEntries(Object.keys({ ...limits, [name.split(" ")[0]]: 0 }).map((k) => [k, 100_000]));
    assert.ok(checkRule(expression, { limits: raised }).ok, `raising ${name} should accept the rule`);
  });
}

test("invalid limit settings are a TypeError, not a silent default", () => {
  assert.throws(() => parseRule("ssl", { limits: { maxSetSize: 0 } }), TypeError);
  assert.throws(() => parseRule("ssl", { limits: { maxSetsize: 10 } }), /unknown rule limit "maxSetsize"/);
});

test("named lists: unknown names are suggested, kinds are checked", () => {
  const lists = { office_network: "ip", bad_hosts: "string" };
  assert.is(checkRule("ip.src in $office_netwrk", { lists }).error.reason, "unknown list $office_netwrk — did you mean $office_network?");
  assert.is(checkRule("ip.src in $bad_hosts", { lists }).error.reason, "$bad_hosts is a list of Strings, but ip.src is an IP address");
  assert.ok(checkRule("ip.src in $office_network", { lists }).ok);
});

test("warnings: valid rules that can never match as written", () => {
  const warnings = (e) => parseRule(e).warnings.map((w) => w.message);
  assert.equal(warnings('http.request.headers["User-Agent"][0] eq "x"'), ['the keys of http.request.headers are lower-case, so "User-Agent" never matches: write "user-agent"']);
  assert.equal(warnings('lower(http.user_agent) contains "GPTBot"'), ["lower() never returns upper-case letters, so this literal never matches: write it in lower case"]);
  assert.equal(warnings('upper(http.host) in {"A" "b"}'), ["upper() never returns lower-case letters, so this literal never matches: write it in upper case"]);
  assert.equal(warnings('ip.geoip.country eq "GB"'), ["ip.geoip.country is an older name of ip.src.country"]);
  assert.equal(warnings('lower(http.user_agent) contains "gptbot"'), []);
});

test.run();
