// Conformance of the rules language with Cloudflare's public documentation: every comparison
// operator, logical operator and precedence rule, every function, missing values, case,
// wildcards (with escaped \*), ranges, CIDRs v4/v6 and raw strings — evaluated by the reference
// evaluator. Examples quoted from the docs are marked "docs".
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseRule, evaluateRule } from "../../dist/rules/index.js";

const ev = (expr, values = {}, lists) => evaluateRule(parseRule(expr), values, lists);

/** One test per row: [expression, field values, expected]. */
function table(name, rows) {
  for (const [expr, values, expected] of rows) {
    test(`${name}: ${expr} with ${JSON.stringify(values)} is ${expected}`, () => {
      assert.is(ev(expr, values), expected);
    });
  }
}

const PATH = "http.request.uri.path";
const path = (p) => ({ [PATH]: p });

table("eq (docs)", [
  [`${PATH} eq "/articles/2008/"`, path("/articles/2008/"), true],
  [`${PATH} == "/articles/2008/"`, path("/articles/2008/"), true],
  [`${PATH} eq "/articles/2008/"`, path("/Articles/2008/"), false], // case-sensitive
  [`${PATH} eq "/articles/2008/"`, path("/articles/2008"), false],
  ["cf.bot_management.score eq 5", { "cf.bot_management.score": 5 }, true],
  ["ip.src eq 203.0.113.0", { "ip.src": "203.0.113.0" }, true],
  ["ip.src eq 2001:db8::1", { "ip.src": "2001:0db8:0:0:0:0:0:1" }, true],
  ["ip.src eq 192.0.2.1", { "ip.src": "::ffff:192.0.2.1" }, false], // IPv4-mapped IPv6 is another address
]);

table("ne (docs)", [
  ["ip.src ne 203.0.113.0", { "ip.src": "203.0.113.1" }, true],
  ["ip.src != 203.0.113.0", { "ip.src": "203.0.113.0" }, false],
  ["ip.src ne 203.0.113.0", { "ip.src": "2001:db8::1" }, true],
  [`${PATH} ne "/a"`, path("/b"), true],
  [`${PATH} ne "/a"`, {}, false], // a missing value makes every comparison false, ne included
]);

table("ordering", [
  ["cf.bot_management.score lt 10", { "cf.bot_management.score": 9 }, true],
  ["cf.bot_management.score < 10", { "cf.bot_management.score": 10 }, false],
  ["cf.bot_management.score le 20", { "cf.bot_management.score": 20 }, true],
  ["cf.bot_management.score <= 20", { "cf.bot_management.score": 21 }, false],
  ["cf.bot_management.score gt 25", { "cf.bot_management.score": 26 }, true],
  ["cf.bot_management.score > 25", { "cf.bot_management.score": 25 }, false],
  ["cf.bot_management.score ge 60", { "cf.bot_management.score": 60 }, true],
  ["cf.bot_management.score >= 60", { "cf.bot_management.score": 59 }, false],
  ["cf.bot_management.score gt -1", { "cf.bot_management.score": 0 }, true],
  ['http.request.version lt "HTTP/2"', { "http.request.version": "HTTP/1.1" }, true],
  ['http.request.version ge "HTTP/2"', { "http.request.version": "HTTP/3" }, true],
  ['http.host lt "b"', { "http.host": "ab" }, true],
  ['http.host lt "ab"', { "http.host": "a" }, true], // a prefix sorts first
  // Byte-wise (UTF-8) order, not UTF-16: U+FF61 is EF BD A1, U+10000 is F0 90 80 80.
  ['http.host lt "\u{10000}"', { "http.host": "\uff61" }, true],
  ["cf.bot_management.score lt 10", {}, false],
]);

table("contains (docs)", [
  [`${PATH} contains "/articles/"`, path("/en/articles/1"), true],
  [`${PATH} contains "/articles/"`, path("/en/Articles/1"), false],
  [`${PATH} contains ""`, path("/x"), true],
  [`${PATH} contains "/x/"`, {}, false],
  [`lower(${PATH}) contains "/wp-login.php"`, path("/WP-Login.php"), true], // docs
]);

const FULL = "http.request.full_uri";
const uri = (u) => ({ [FULL]: u });
table("wildcard, docs example A", [
  [`${FULL} wildcard "https://example.com/a/*"`, uri("https://example.com/a/"), true],
  [`${FULL} wildcard "https://example.com/a/*"`, uri("https://example.com/a/page.html"), true],
  [`${FULL} wildcard "https://example.com/a/*"`, uri("https://example.com/a/sub/folder/?name=value"), true],
  [`${FULL} wildcard "https://example.com/a/*"`, uri("https://example.com/ab/"), false],
  [`${FULL} wildcard "https://example.com/a/*"`, uri("https://example.com/b/page.html"), false],
  [`${FULL} wildcard "https://example.com/a/*"`, uri("https://sub.example.com/a/"), false],
]);
table("wildcard, docs example B", [
  [`${FULL} wildcard "*.example.com/*/page.html"`, uri("http://sub.example.com/folder/page.html"), true],
  [`${FULL} wildcard "*.example.com/*/page.html"`, uri("https://admin.example.com/team/page.html"), true],
  [`${FULL} wildcard "*.example.com/*/page.html"`, uri("https://admin.example.com/team/subteam/page.html"), true],
  [`${FULL} wildcard "*.example.com/*/page.html"`, uri("https://example.com/ab/page.html"), false],
  [`${FULL} wildcard "*.example.com/*/page.html"`, uri("https://sub.example.com/folder2/page.html?s=value"), false],
  [`${FULL} wildcard "*.example.com/*/page.html"`, uri("https://sub.example.com/a/"), false],
]);
table("wildcard, docs example C", [
  // The docs list this URI as a match, but it contradicts their own rule that the whole value
  // must match (example A): neither "*.example.com/*" (needs ".example.com/") nor "example.com/*"
  // (needs the value to start with "example.com/") can match "https://example.com/…".
  [`${FULL} wildcard "*.example.com/*" or ${FULL} wildcard "example.com/*"`, uri("https://example.com/folder/list.htm"), false],
  [`${FULL} wildcard "*.example.com/*" or ${FULL} wildcard "example.com/*"`, uri("https://admin.example.com/folder/team/app1/"), true],
  [`${FULL} wildcard "*.example.com/*" or ${FULL} wildcard "example.com/*"`, uri("https://admin.example.com/folder/team/app1/?s=foobar"), true],
]);
table("wildcard: case, whole value, escapes, edges", [
  [`${PATH} wildcard "/ADMIN/*"`, path("/admin/x"), true], // case-insensitive
  [`${PATH} strict wildcard "/AdminTeam/*"`, path("/AdminTeam/x"), true], // docs
  [`${PATH} strict wildcard "/AdminTeam/*"`, path("/adminteam/x"), false],
  [`${PATH} wildcard "/a"`, path("/a"), true], // no star: whole-value, case-insensitive equality
  [`${PATH} wildcard "/a"`, path("/a/"), false],
  [`${PATH} wildcard "*"`, path(""), true],
  [`${PATH} wildcard "*a*a*"`, path("aa"), true],
  [`${PATH} wildcard "*a*a*"`, path("a"), false],
  [`${PATH} wildcard "ab*ba"`, path("aba"), false], // pieces may not overlap
  [`${PATH} wildcard "ab*ba"`, path("abba"), true],
  [`${PATH} wildcard r"/a\\*b"`, path("/a*b"), true], // \* is a literal star
  [`${PATH} wildcard r"/a\\*b"`, path("/axb"), false],
  [`${PATH} wildcard "/a\\\\*b"`, path("/a*b"), true], // the same pattern as a quoted string
  [`${PATH} wildcard r"/a\\\\b"`, path("/a\\b"), true], // \\ is a literal backslash
  [`${PATH} wildcard r"\\**"`, path("*abc"), true],
  [`${PATH} wildcard r"\\**"`, path("abc"), false],
  [`${PATH} wildcard "*.php"`, {}, false],
  ['http.host wildcard "*é*"', { "http.host": "café" }, true],
  ['http.host wildcard "*É*"', { "http.host": "café" }, false], // case folding is ASCII only
]);

table("matches (docs)", [
  [`${PATH} matches "^/articles/200[7-8]/$"`, path("/articles/2008/"), true],
  [`${PATH} ~ "^/articles/200[7-8]/$"`, path("/articles/2009/"), false],
  [`${PATH} matches "/autodiscover\\.(xml|src)$"`, path("/x/autodiscover.xml"), true],
  [`${PATH} matches "/autodiscover\\.(xml|src)$"`, path("/x/autodiscoverXxml"), false],
  [`${PATH} matches "a\\"b"`, path("xa\"by"), true], // docs: contains 'a"b'
  [`${PATH} matches "a\\"#b"`, path("a\"#b"), true],
  [`${PATH} matches r#"a"b"#`, path("a\"b"), true], // docs: raw string
  [`${PATH} matches r##"a"#b"##`, path("a\"#b"), true],
  [`${PATH} matches r"/api/login\\.aspx$"`, path("/api/login.aspx"), true],
  [`${PATH} matches r"/api/login\\.aspx$"`, path("/api/loginXaspx"), false],
  [`${PATH} matches "[\\"]"`, path("\""), true], // \" inside a class keeps its backslash (still a quote)
  [`${PATH} matches "[a"]"`, path("\""), true], // a quote inside a class does not end the string
  [`${PATH} matches "(?i)^/ADMIN"`, path("/admin/x"), true],
  [`${PATH} matches "^/ADMIN"`, path("/admin/x"), false],
  [`${PATH} matches "^.$"`, path("é"), false], // . is one byte: é is two
  [`${PATH} matches "^..$"`, path("é"), true],
  [`${PATH} matches "^é$"`, path("é"), true], // a literal matches its UTF-8 bytes
  [`${PATH} matches "\\bbot\\b"`, path("/a bot here"), true],
  [`${PATH} matches "\\bbot\\b"`, path("/robots"), false],
  [`${PATH} matches "(?m)^b$"`, path("a\nb\nc"), true],
  [`${PATH} matches "^b$"`, path("a\nb\nc"), false],
  [`${PATH} matches "[[:digit:]]{4}"`, path("/y/2024"), true],
  // Class set operations and nested classes, as in Rust's regex: intersection, difference,
  // symmetric difference, left to right; negation applies to the whole class.
  [`${PATH} matches "[a-z&&[^aeiou]]{3}"`, path("xyz"), true],
  [`${PATH} matches "[a-z&&[^aeiou]]{3}"`, path("xaz"), false],
  [`${PATH} matches "^/[a-z--m]$"`, path("/m"), false],
  [`${PATH} matches "^/[a-z--m]$"`, path("/n"), true],
  [`${PATH} matches "^/[a-c~~b-d]$"`, path("/b"), false],
  [`${PATH} matches "^/[a-c~~b-d]$"`, path("/d"), true],
  [`${PATH} matches "^/[[0-3][7-9]]+$"`, path("/3907"), true],
  [`${PATH} matches "^/[^[a-c][x-z]]$"`, path("/y"), false],
  [`${PATH} matches "(?u)^.$"`, path("é"), true], // in Unicode mode . is one character
  [`${PATH} matches "x"`, {}, false],
]);

table("in: sets, ranges, CIDRs (docs)", [
  ['http.host in {"example.com" "example.net"}', { "http.host": "example.net" }, true],
  ['http.host in {"example.com" "example.net"}', { "http.host": "Example.net" }, false],
  ["cf.edge.server_port in {8000..8009 8080..8089}", { "cf.edge.server_port": 8005 }, true],
  ["cf.edge.server_port in {8000..8009 8080..8089}", { "cf.edge.server_port": 8089 }, true],
  ["cf.edge.server_port in {8000..8009 8080..8089}", { "cf.edge.server_port": 8010 }, false],
  ["cf.edge.server_port in {80 443}", { "cf.edge.server_port": 443 }, true],
  ["cf.edge.server_port in {-5..-1}", { "cf.edge.server_port": -3 }, true],
  ["ip.src in {198.51.100.1 198.51.100.3..198.51.100.7 192.0.2.0/24 2001:0db8::/32}", { "ip.src": "198.51.100.1" }, true],
  ["ip.src in {198.51.100.1 198.51.100.3..198.51.100.7 192.0.2.0/24 2001:0db8::/32}", { "ip.src": "198.51.100.2" }, false],
  ["ip.src in {198.51.100.1 198.51.100.3..198.51.100.7 192.0.2.0/24 2001:0db8::/32}", { "ip.src": "198.51.100.7" }, true],
  ["ip.src in {198.51.100.1 198.51.100.3..198.51.100.7 192.0.2.0/24 2001:0db8::/32}", { "ip.src": "192.0.2.255" }, true],
  ["ip.src in {198.51.100.1 198.51.100.3..198.51.100.7 192.0.2.0/24 2001:0db8::/32}", { "ip.src": "2001:db8:ffff::1" }, true],
  ["ip.src in {198.51.100.1 198.51.100.3..198.51.100.7 192.0.2.0/24 2001:0db8::/32}", { "ip.src": "2001:db9::1" }, false],
  ["ip.src in {0.0.0.0/0}", { "ip.src": "2001:db8::1" }, false], // families never mix
  ["ip.src in {::/0}", { "ip.src": "2001:db8::1" }, true],
  ["ip.src in {::1..::2}", { "ip.src": "::2" }, true],
  ["ip.src in {192.0.2.0/24}", {}, false],
  ['not http.host in {"a"}', {}, true],
]);

test("in $list: named lists of strings, integers, IPs and CIDRs", () => {
  const lists = { office_network: ["192.0.2.0/24", "2001:db8::1"], ports: [80, 443], hosts: ["a.example"] };
  assert.is(ev("(ip.src in $office_network)", { "ip.src": "192.0.2.9" }, lists), true); // docs
  assert.is(ev("ip.src in $office_network", { "ip.src": "198.51.100.1" }, lists), false);
  assert.is(ev("ip.src in $office_network", { "ip.src": "2001:db8::1" }, lists), true);
  assert.is(ev("cf.edge.server_port in $ports", { "cf.edge.server_port": 443 }, lists), true);
  assert.is(ev("http.host in $hosts", { "http.host": "a.example" }, lists), true);
  assert.is(ev("http.host in $hosts", {}, lists), false);
});

// Precedence: not > and > xor > or, checked against JS over every assignment of three Booleans.
const A = "ssl", B = "cf.client.bot", C = "botsift.bot.spoofed";
const PRECEDENCE = [
  [`${A} and ${B} or ${C}`, (a, b, c) => (a && b) || c],
  [`${A} or ${B} and ${C}`, (a, b, c) => a || (b && c)],
  [`${A} && ${B} || ${C}`, (a, b, c) => (a && b) || c],
  [`not ${A} and ${B}`, (a, b) => !a && b],
  [`! ${A} && ${B}`, (a, b) => !a && b],
  [`not (${A} and ${B})`, (a, b) => !(a && b)],
  [`${A} xor ${B} and ${C}`, (a, b, c) => a !== (b && c)],
  [`${A} or ${B} xor ${C}`, (a, b, c) => a || b !== c],
  [`${A} ^^ ${B} || ${C}`, (a, b, c) => (a !== b) || c],
  [`${A} xor ${B} xor ${C}`, (a, b, c) => (a !== b) !== c],
  [`${A} and (${B} or ${C})`, (a, b, c) => a && (b || c)],
  [`not not ${A}`, (a) => a],
  [`not ${A} xor not ${B}`, (a, b) => !a !== !b],
];
for (const [expr, expected] of PRECEDENCE) {
  test(`precedence: ${expr}`, () => {
    for (let m = 0; m < 8; m++) {
      const [a, b, c] = [!!(m & 1), !!(m & 2), !!(m & 4)];
      assert.is(ev(expr, { [A]: a, [B]: b, [C]: c }), expected(a, b, c), `a=${a} b=${b} c=${c}`);
    }
  });
}

table("a Boolean field alone is a test (docs)", [
  ["ssl", { ssl: true }, true],
  ["ssl", { ssl: false }, false],
  ["not ssl", { ssl: false }, true],
  ["ssl", {}, false],
  ["not ssl", {}, true],
]);

table("missing values", [
  ['http.user_agent eq "x"', {}, false],
  ['not http.user_agent eq "x"', {}, true],
  ['http.request.headers.names[5] eq "a"', { "http.request.headers.names": ["a"] }, false], // out of bounds
  ['http.request.headers.names[5] ne "a"', { "http.request.headers.names": ["a"] }, false],
  ['http.request.headers["x"][0] eq "a"', { "http.request.headers": {} }, false], // no such key
  ['lower(http.user_agent) eq ""', {}, false], // functions of missing values are missing
  ['len(http.user_agent) ge 0', {}, false],
  ['any(http.request.headers["x"][*] eq "a")', { "http.request.headers": {} }, false],
  ['all(http.request.headers["x"][*] eq "a")', { "http.request.headers": {} }, false],
  ['not all(http.request.headers["x"][*] eq "a")', { "http.request.headers": {} }, true],
  ['starts_with(http.user_agent, "a")', {}, false],
  ['http.user_agent eq ""', { "http.user_agent": "" }, true], // empty is not missing
]);

const NAMES = { "http.request.headers.names": ["Content-Type", "Accept"] };
table("arrays (docs)", [
  ['http.request.headers.names[0] == "Content-Type"', NAMES, true],
  ['http.request.headers.names[1] == "Content-Type"', NAMES, false],
  ['any(http.request.headers.names[*] == "Content-Type")', NAMES, true],
  ['any(http.request.headers.names[*] == "content-type")', NAMES, false],
  ['any(lower(http.request.headers.names[*])[*] == "content-type")', NAMES, true],
  ['all(http.request.headers.names[*] ne "X")', NAMES, true],
  ['any(http.request.headers.names[*] == "Accept" or http.request.headers.names[*] == "X")', NAMES, true],
  ['any(not http.request.headers.names[*] == "Accept")', NAMES, true],
  ['all(http.request.headers.names[*] == "Accept")', NAMES, false],
  ['any(starts_with(http.request.headers.names[*], "Acc"))', NAMES, true],
  ["any(cf.bot_management.detection_ids[*] eq 7)", { "cf.bot_management.detection_ids": [3, 7] }, true],
  ["any(cf.bot_management.detection_ids[*] in {1..5})", { "cf.bot_management.detection_ids": [7] }, false],
  ["any(cf.bot_management.detection_ids[*] eq 7)", { "cf.bot_management.detection_ids": [] }, false],
  ["all(cf.bot_management.detection_ids[*] eq 7)", { "cf.bot_management.detection_ids": [] }, true],
]);

const ACCEPT = { "http.request.headers": { accept: ["application/json"] } };
const FILTER = { "http.request.uri.args": { filter: ["waf", "botm", "cdn"] } };
table("maps (docs)", [
  ['http.request.headers["accept"][0] == "application/json"', ACCEPT, true],
  ['any(http.request.headers["accept"][*] == "application/json")', ACCEPT, true],
  ['any(http.request.headers["accept"][*] == "text/plain")', ACCEPT, false],
  ['len(http.request.uri.args["filter"][1]) == 4', FILTER, true],
  ['all(len(http.request.uri.args["filter"][*])[*] in {3 4})', FILTER, true],
  ['all(not len(http.request.uri.args["filter"][*])[*] in {3 4})', FILTER, false],
  ['len(http.request.uri.args["filter"]) >= 0', FILTER, true],
  ['not len(http.request.uri.args["order"]) >= 0', FILTER, true],
  ['all(http.request.headers["content-type"][*] == "application/json")', { "http.request.headers": { "content-type": ["application/json"] } }, true],
]);

table("lower, upper, len (docs)", [
  ['lower(http.host) == "www.cloudflare.com"', { "http.host": "WWW.cloudflare.com" }, true],
  ['upper(http.host) == "WWW.CLOUDFLARE.COM"', { "http.host": "www.cloudflare.com" }, true],
  ['lower(http.host) == "éÉ"', { "http.host": "éÉ" }, true], // only ASCII changes
  ["len(http.host) == 11", { "http.host": "example.com" }, true],
  ["len(http.host) == 2", { "http.host": "é" }, true], // bytes, not characters
  ["len(http.request.headers.names) == 2", NAMES, true],
]);

table("starts_with, ends_with (docs)", [
  [`starts_with(${PATH}, "/blog")`, path("/blog/first-post"), true],
  [`starts_with(${PATH}, "/blog")`, path("/Blog/first-post"), false],
  [`ends_with(${PATH}, ".html")`, path("/welcome.html"), true],
  [`ends_with(${PATH}, ".html")`, path("/welcome.htm"), false],
  [`ends_with(${PATH}, "")`, path(""), true],
  [`not starts_with(${PATH}, "/api")`, path("/x"), true],
]);

table("concat (docs)", [
  ['concat("String1", " ", "String", "2") eq "String1 String2"', {}, true],
  [`concat("/archive", ${PATH}) eq "/archive/x"`, path("/x"), true],
  ['concat(http.referer, "-", http.host) eq "-h"', { "http.host": "h" }, true], // missing arguments are skipped
  ['concat(http.referer, http.cookie) eq ""', {}, false], // all missing: missing
  ['concat(http.request.headers.names, http.request.uri.args.names)[2] eq "q"', { ...NAMES, "http.request.uri.args.names": ["q"] }, true],
]);

const BODY = { "http.cookie": "asdfghjk" };
table("substring (docs)", [
  ['substring(http.cookie, 2, 5) eq "dfg"', BODY, true],
  ['substring(http.cookie, 2) eq "dfghjk"', BODY, true],
  ['substring(http.cookie, -2) eq "jk"', BODY, true],
  ['substring(http.cookie, 0, -2) eq "asdfgh"', BODY, true],
  ['substring(http.cookie, 5, 2) eq ""', BODY, true],
  ['substring(http.cookie, 100) eq ""', BODY, true],
  ['substring(http.cookie, -100, 2) eq "as"', BODY, true],
]);

const Q = "http.request.uri.query";
table("url_decode (docs)", [
  [`url_decode(${Q}) eq "John Doe"`, { [Q]: "John%20Doe" }, true],
  [`url_decode(${Q}) eq "John Doe"`, { [Q]: "John+Doe" }, true],
  [`url_decode(${Q}) eq "%20"`, { [Q]: "%2520" }, true],
  [`url_decode(${Q}, "r") eq " "`, { [Q]: "%2520" }, true],
  [`url_decode(${Q}, "u") eq "\u2601"`, { [Q]: "%u2601" }, true],
  [`url_decode(${Q}) eq "%u2601"`, { [Q]: "%u2601" }, true],
  [`url_decode(${Q}) eq "\\xe4\\xbd"`, { [Q]: "%E4%BD" }, true], // docs: %E4%BD decodes to the two bytes
  [`url_decode(${Q}) eq "%zz%4"`, { [Q]: "%zz%4" }, true], // invalid escapes stay
]);

table("cidr, cidr6 (docs)", [
  ["cidr(ip.src, 24, 24) eq 113.10.0.0", { "ip.src": "113.10.0.2" }, true],
  ["cidr(ip.src, 24, 24) eq 2001::", { "ip.src": "2001:0000:130F:0000:0000:09C0:876A:130B" }, true],
  ["cidr6(ip.src, 24) eq 2001::", { "ip.src": "2001:0000:130F:0000:0000:09C0:876A:130B" }, true],
  ["cidr6(ip.src, 24) eq 113.10.0.2", { "ip.src": "113.10.0.2" }, true],
  ["cidr(ip.src, 32, 128) eq 113.10.0.2", { "ip.src": "113.10.0.2" }, true],
]);

table("to_string (docs)", [
  ['to_string(cf.bot_management.score) eq "5"', { "cf.bot_management.score": 5 }, true],
  ['to_string(ssl) eq "true"', { ssl: true }, true],
  ['to_string(ssl) eq "false"', { ssl: false }, true],
  ['to_string(ip.src) eq "2001:db8::1"', { "ip.src": "2001:0DB8:0:0:0:0:0:1" }, true],
]);

const json = (doc) => ({ "http.request.headers": { "x-json": [doc] } });
const J = 'http.request.headers["x-json"][0]';
table("lookup_json_string (docs)", [
  [`lookup_json_string(${J}, "company") == "cloudflare"`, json('{ "company": "cloudflare", "product": "rulesets" }'), true],
  [`lookup_json_string(${J}, "network", "name") == "cloudflare"`, json('{ "network": { "name": "cloudflare" } }'), true],
  [`lookup_json_string(${J}, 1) == "cloudflare"`, json('["other_company", "cloudflare"]'), true],
  [`lookup_json_string(${J}, "networks", 1) == "cloudflare"`, json('{ "networks": ["other_company", "cloudflare"] }'), true],
  [`lookup_json_string(${J}, 1, "network") == "cloudflare"`, json('[{ "network": "other_company" }, { "network": "cloudflare" }]'), true],
  [`lookup_json_string(${J}, "a") == "x\\"y"`, json('{"a": "x\\"y"}'), true],
  [`lookup_json_string(${J}, "a") == "1"`, json('{"a": 1}'), false], // not a string
  [`lookup_json_string(${J}, "a") == "x"`, json('{"a": "x"'), false], // malformed document
]);
table("lookup_json_integer (docs)", [
  [`lookup_json_integer(${J}, "version") == 2`, json('{ "record_id": "aed53a", "version": 2 }'), true],
  [`lookup_json_integer(${J}, "product", "id") == 356`, json('{ "product": { "id": 356 } }'), true],
  [`lookup_json_integer(${J}, 1) == -234`, json('["first_item", -234]'), true],
  [`lookup_json_integer(${J}, "network_ids", 0) == 123`, json('{ "network_ids": [123, 456] }'), true],
  [`lookup_json_integer(${J}, 1, "product_id") == 456`, json('[{ "product_id": 123 }, { "product_id": 456 }]'), true],
  [`lookup_json_integer(${J}, "v") == 42`, json('{"v": 42.0}'), false], // docs: 42.0 is not an integer
]);

table("remove_bytes, decode_base64, join (docs)", [
  ['remove_bytes(http.host, "\\x2e\\x77") == "cloudflarecom"', { "http.host": "www.cloudflare.com" }, true],
  ['any(decode_base64(http.request.headers["client_id"][*])[*] eq "123abc")', { "http.request.headers": { client_id: ["MTIzYWJj"] } }, true],
  ['decode_base64(http.cookie) eq "a"', { "http.cookie": "YQ==" }, true],
  ['decode_base64(http.cookie) eq "a"', { "http.cookie": "YQ" }, true],
  ['decode_base64(http.cookie) eq ""', { "http.cookie": "Y!" }, false], // not Base64: missing
  ['join(http.request.headers.names, ",") eq "Content-Type,Accept"', NAMES, true],
  ['join(http.request.headers.names, ",") eq ""', { "http.request.headers.names": [] }, true],
]);

table("string literals: quoted escapes and raw strings (docs)", [
  ['http.user_agent eq "a\\"b"', { "http.user_agent": 'a"b' }, true],
  ['http.user_agent eq "a\\\\b"', { "http.user_agent": "a\\b" }, true],
  ['http.user_agent eq "\\x41\\101"', { "http.user_agent": "AA" }, true],
  ['http.user_agent eq r"a\\b"', { "http.user_agent": "a\\b" }, true],
  ['http.user_agent eq r#"say "hi""#', { "http.user_agent": 'say "hi"' }, true],
  ['http.user_agent eq r##"a"#b"##', { "http.user_agent": 'a"#b' }, true],
  ['http.user_agent eq ""', { "http.user_agent": "" }, true],
  ['http.user_agent eq "GPTBot/1.2 ☁"', { "http.user_agent": "GPTBot/1.2 ☁" }, true],
]);

test("the issue's example rules evaluate as intended", () => {
  const ai = 'cf.verified_bot_category eq "AI Crawler" or botsift.bot.category eq "ai_crawler"';
  assert.is(ev(ai, { "cf.verified_bot_category": "", "botsift.bot.category": "ai_crawler" }), true);
  assert.is(ev(ai, { "cf.verified_bot_category": "" }), false); // no bot identified
  const api = 'cf.bot_management.score lt 30 and starts_with(http.request.uri.path, "/api/")';
  assert.is(ev(api, { "cf.bot_management.score": 12, [PATH]: "/api/v1" }), true);
  assert.is(ev(api, { "cf.bot_management.score": 45, [PATH]: "/api/v1" }), false);
  assert.is(ev("botsift.bot.spoofed", { "botsift.bot.spoofed": true }), true);
  const gpt = 'http.user_agent contains "GPTBot" and ip.src in {192.0.2.0/24}';
  assert.is(ev(gpt, { "http.user_agent": "Mozilla/5.0 GPTBot/1.1", "ip.src": "192.0.2.10" }), true);
});

test("values that do not fit their field, and lists that were not supplied, are RuleInputErrors", () => {
  const expectInputError = (fn, pattern) => {
    try { fn(); assert.unreachable(); } catch (e) { assert.is(e.code, "RULE_INPUT"); assert.match(e.message, pattern); }
  };
  expectInputError(() => ev("cf.bot_management.score lt 30", { "cf.bot_management.score": "12" }), /cf.bot_management.score must be a safe integer/);
  expectInputError(() => ev("ip.src eq 192.0.2.1", { "ip.src": "192.0.2.300" }), /ip.src must be an IP address as text/);
  expectInputError(() => ev("ip.src in $office"), /the rule uses the list \$office, which was not supplied/);
  expectInputError(() => ev("ip.src in $office", { "ip.src": "192.0.2.1" }, { office: ["not-an-ip"] }), /"not-an-ip" is not an IP address or CIDR/);
  assert.is(ev("cf.bot_management.score lt 30", { "cf.bot_management.score": null }), false); // null is missing
});

test.run();
