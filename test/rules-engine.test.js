// The engine's rule interpreter against the reference evaluator: every rule of a table that
// covers each operator, function and field, on requests of every shape, must match in the
// engine exactly when the reference says it matches. Failures list rule, request and both answers.
// decode_base64 and lookup_json_* parse hostile input, so they are also checked value by value.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine } from "botsift";
import { parseRule, evaluateRule } from "../dist/rules/index.js";
import { applyFunction } from "../dist/rules/builtins.js";
import { quoteBytes } from "../dist/rules/bytes.js";
import { fieldValuesOf } from "./support/fields.js";
import { rng } from "./support/random.js";

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
  { userAgent: "Go-http-client/1.1", method: "POST", url: "/api/login", host: "api.example.com",
    headers: [["x-client", '{"name": "crawler", "ids": [7, 42], "meta": {"v": 2}}'], ["authorization", "Basic Ym90OnNlY3JldA=="]] },
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
  'lookup_json_string(http.request.headers["x-client"][0], "name") eq "crawler"', 'lookup_json_integer(http.request.headers["x-client"][0], "ids", 1) eq 42',
  'lookup_json_integer(http.request.headers["x-client"][0], "meta", "v") ge 2', 'http.request.method matches "^[A-Z--[EGT]][A-Z&&[^X]]"', 'starts_with(decode_base64(substring(http.request.headers["authorization"][0], 6)), "bot:")',
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

// ---- decode_base64 and lookup_json_*: values, not just one comparison per rule ----
// Each case gives a header value, an expression over it and the value the reference gives
// (undefined: missing). A case becomes two rules, "has a value" and "equals the value", guarded
// by the case's own request so that no request logs more than MAX_LOGGED (8) rules. JSON
// documents travel as Base64, which lets them hold any bytes.

const enc = (s) => new TextEncoder().encode(s);
const bytesOf = (...parts) => Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...enc(p)] : p)));
const literal = (v) => (typeof v === "number" ? String(v) : quoteBytes(typeof v === "string" ? enc(v) : v));
const show = (v) => (typeof v === "string" ? JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v) : `bytes ${Buffer.from(v).toString("hex").slice(0, 60)}`);

async function checkValues(header, cases) {
  const rules = [];
  cases.forEach((c, k) => {
    const add = (expression, want) => rules.push({ case: k, expression: `http.request.headers["x-case"][0] eq "${k}" and ${expression}`, want });
    add(c.int ? `${c.expr} ge -9007199254740991` : `len(${c.expr}) ge 0`, c.expected !== undefined);
    if (c.expected !== undefined) add(`${c.expr} eq ${literal(c.expected)}`, true);
  });
  const engine = await createEngine({ rules: rules.map((r, i) => ({ id: `r${i}`, expression: r.expression, action: "log" })) });
  const wrong = [];
  cases.forEach((c, k) => {
    const logged = new Set(engine.classify({ userAgent: "x", headers: [["x-case", String(k)], [header, c.value]] }).logged);
    const values = { "http.request.headers": { "x-case": [String(k)], [header]: [c.value] } };
    rules.forEach((r, i) => {
      if (r.case !== k) {
        if (logged.has(`r${i}`)) wrong.push(`  ${r.expression} logged on the request of case ${k}`);
        return;
      }
      const expected = evaluateRule(parseRule(r.expression), values);
      if (expected !== r.want) wrong.push(`  ${r.expression} on ${show(c.input)}: the reference says ${expected}, the case ${r.want}`);
      if (logged.has(`r${i}`) !== expected) wrong.push(`  ${r.expression} on ${show(c.input)}: reference ${expected}, engine ${!expected}`);
    });
  });
  assert.ok(wrong.length === 0, `${wrong.length} disagreements:\n${wrong.slice(0, 40).join("\n")}`);
}

test("decode_base64: standard alphabet, padding complete or absent, canonical trailing bits, anything else missing", async () => {
  const table = [
    ["YQ==", "a"], ["YQ", "a"], ["YWI=", "ab"], ["YWI", "ab"], ["YWJj", "abc"], ["YWJjZA", "abcd"], ["QUJD", "ABC"], ["", ""],
    ["+/8=", bytesOf([0xfb, 0xff])], ["/w==", bytesOf([0xff])], ["AA==", bytesOf([0])], ["w6k=", "é"],
    ["YQ=", undefined], ["YQ===", undefined], ["Y", undefined], ["Y===", undefined], ["====", undefined], ["YQ==YQ==", undefined],
    ["YR==", undefined], ["YWJ=", undefined], ["YR", undefined], ["Y Q==", undefined], [" YQ==", undefined], ["-_8", undefined],
    ["QUJDé", undefined], ["YQ=a", undefined], ["=YQ=", undefined],
  ];
  await checkValues("x-b64", table.map(([value, expected]) => ({ value, input: value, expr: 'decode_base64(http.request.headers["x-b64"][0])', expected })));
  // Lifted over an array, an element that is not Base64 is left out rather than failing the rule.
  const engine = await createEngine({ rules: [{ id: "r", expression: 'any(decode_base64(http.request.headers["x-b64"][*])[*] eq "abc")', action: "log" }] });
  assert.equal(engine.classify({ userAgent: "x", headers: [["x-b64", "!!"], ["x-b64", "YWJj"]] }).logged, ["r"]);
});

const deep = (n) => `{"a": "x", "b": ${"[".repeat(n - 1)}${"]".repeat(n - 1)}}`;
const JSON_CASES = [
  // Paths: object keys, array indexes, nesting; the wrong kind of key, or a path past a leaf, finds nothing.
  ['{"a": "x"}', "s", ["a"], "x"], ['{"a": {"b": {"c": "deep"}}}', "s", ["a", "b", "c"], "deep"],
  ['{"a": [1, "two", {"b": 3}]}', "s", ["a", 1], "two"], ['{"a": [1, "two", {"b": 3}]}', "i", ["a", 2, "b"], 3],
  ['{"a": [1, "two", {"b": 3}]}', "i", ["a", 0], 1], ['{"a": [1, "two", {"b": 3}]}', "s", ["a", 0], undefined],
  ['{"a": [1, "two", {"b": 3}]}', "i", ["a", 1], undefined], ['{"a": [1, "two", {"b": 3}]}', "s", ["a", 3], undefined],
  ['{"a": [1, "two", {"b": 3}]}', "s", ["a", "1"], undefined], ['[["x", ["y"]]]', "s", [0, 1, 0], "y"], ['{"0": "x"}', "s", [0], undefined],
  ['{"a": "x"}', "s", ["b"], undefined], ['{"a": "x"}', "s", ["a", "b"], undefined], ['{"a": {"b": 1}}', "s", ["a"], undefined],
  ['{"a": {"b": 1}}', "i", ["a"], undefined], ['{"a": true}', "s", ["a"], undefined], ['{"a": null}', "i", ["a"], undefined],
  ['{"a": false, "b": [], "c": {}, "d": "y"}', "s", ["d"], "y"], ['{"a": "x", "a": "y"}', "s", ["a"], "y"],
  ['{"a": "x", "a": 1}', "s", ["a"], undefined], ['{"a": "x", "a": 1}', "i", ["a"], 1], ['{"a": {"b": 1}, "a": {"c": 2}}', "i", ["a", "b"], undefined],
  [' \t\n{ "a" : [ 1 , 2 ] }\r\n', "i", ["a", 1], 2], ['{"": "empty key"}', "s", [""], "empty key"], ['[]', "s", [0], undefined], ['{}', "s", ["a"], undefined],
  // Strings: escapes decoded, UTF-16 pairs joined, a lone surrogate becomes U+FFFD (as TextEncoder writes it).
  ['{"a": "q\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t"}', "s", ["a"], 'q"b\\s/b\bf\fn\nr\rt\t'], ['{"a": "\\u00e9\\u20AC"}', "s", ["a"], "é€"],
  ['{"a": "\\ud83d\\ude00"}', "s", ["a"], "😀"], ['{"a": "\\ud800"}', "s", ["a"], "\ufffd"], ['{"a": "\\udc00\\ud800x"}', "s", ["a"], "\ufffd\ufffdx"],
  ['{"a": "\\ud83d\\ud83d\\ude00"}', "s", ["a"], "\ufffd😀"], ['{"a": "\\u0000"}', "s", ["a"], "\0"], ['{"a": "é😀 raw"}', "s", ["a"], "é😀 raw"],
  // Keys compare as text: escaped or raw, the same characters match; a lone surrogate matches nothing.
  ['{"\\u0061": "escaped key"}', "s", ["a"], "escaped key"], ['{"\\ud83d\\ude00": "x"}', "s", ["😀"], "x"], ['{"é": "x"}', "s", ["é"], "x"],
  ['{"\\u00e9": "x"}', "s", ["é"], "x"], ['{"\\ud800": "x"}', "s", ["\ufffd"], undefined], ['{"a\\u0000": "x"}', "s", ["a\0"], "x"],
  // The reference reads a path key with TextDecoder: invalid UTF-8 is U+FFFD and a leading BOM is dropped.
  ['{"\ufffd": "x"}', "s", [bytesOf([0xff])], "x"], ['{"a": "x"}', "s", [bytesOf([0xef, 0xbb, 0xbf], "a")], "x"],
  // Integers: within ±(2^53 − 1), no fraction or exponent, no leading zeros.
  ['{"a": 9007199254740991}', "i", ["a"], 9007199254740991], ['{"a": -9007199254740991}', "i", ["a"], -9007199254740991],
  ['{"a": 9007199254740992}', "i", ["a"], undefined], ['{"a": -9007199254740992}', "i", ["a"], undefined], ['{"a": 123456789012345678901234567890}', "i", ["a"], undefined],
  ['{"a": -0}', "i", ["a"], 0], ['{"a": 42.0}', "i", ["a"], undefined], ['{"a": 1e2}', "i", ["a"], undefined], ['{"a": 1E+2, "b": 7}', "i", ["b"], 7],
  ['{"a": "5"}', "i", ["a"], undefined], ['{"a": 5}', "s", ["a"], undefined], ['{"a": 01}', "i", ["a"], undefined], ['{"a": 1., "b": 2}', "i", ["b"], undefined],
  ['{"a": -, "b": 2}', "i", ["b"], undefined], ['{"a": .5, "b": 2}', "i", ["b"], undefined], ['{"a": 1e, "b": 2}', "i", ["b"], undefined],
  // Malformed anywhere (not only on the path) gives missing: the document is only valid as a whole.
  ['{"a": "x"', "s", ["a"], undefined], ['{"a": "x"}x', "s", ["a"], undefined], ['{"a": "x",}', "s", ["a"], undefined], ['[1,]', "i", [0], undefined],
  ['{"a" "x"}', "s", ["a"], undefined], ["{'a': 'x'}", "s", ["a"], undefined], ['{"a": "x", "b": "\\q"}', "s", ["a"], undefined],
  ['{"a": "x", "b": "\\u12"}', "s", ["a"], undefined], ['{"a": "tab\there"}', "s", ["a"], undefined], ['{"a": "x"}{}', "s", ["a"], undefined],
  ['', "s", ["a"], undefined], ['   ', "s", ["a"], undefined], ['{"a": "x", "b": nul}', "s", ["a"], undefined], ['{"a": "x", "b": True}', "s", ["a"], undefined],
  [bytesOf('{"a": "x", "b": "', [0xff], '"}'), "s", ["a"], undefined], [bytesOf('{"a": "', [0xc0, 0xaf], '"}'), "s", ["a"], undefined],
  [bytesOf('{"a": "', [0xed, 0xa0, 0x80], '"}'), "s", ["a"], undefined], [bytesOf('{"a": "', [0xf0, 0x9f, 0x98], '"}'), "s", ["a"], undefined],
  // A leading BOM is dropped (TextDecoder), a second one is not whitespace.
  [bytesOf([0xef, 0xbb, 0xbf], '{"a": "x"}'), "s", ["a"], "x"], [bytesOf([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], '{"a": "x"}'), "s", ["a"], undefined],
  // Hostile: nesting up to 128 levels and number tokens up to 400 characters are read; beyond, missing; long inputs stay linear.
  [deep(128), "s", ["a"], "x"], [deep(129), "s", ["a"], undefined], ["[".repeat(6000), "s", [0], undefined],
  [`{"a": "x", "n": ${"1".repeat(400)}}`, "s", ["a"], "x"], [`{"a": "x", "n": ${"1".repeat(401)}}`, "s", ["a"], undefined],
  [`{"a": "x", "n": -1.${"0".repeat(397)}}`, "s", ["a"], "x"], [`{"a": "x", "n": 1e${"0".repeat(399)}}`, "s", ["a"], undefined],
  [`{"a": "${"\\u00e9".repeat(900)}"}`, "s", ["a"], "é".repeat(900)], [`{"a": "${"\\ud800".repeat(900)}"}`, "s", ["a"], "\ufffd".repeat(900)],
  [`[${"0,".repeat(2000)}"last"]`, "s", [2000], "last"], [`{"a": [${'"x",'.repeat(1000)}1]}`, "i", ["a", 1000], 1],
];

test("lookup_json_string / lookup_json_integer: paths, leaf types, escapes, integers, malformed and hostile documents", async () => {
  const cases = JSON_CASES.map(([doc, kind, path, expected]) => {
    const fn = kind === "i" ? "lookup_json_integer" : "lookup_json_string";
    const args = path.map((k) => (typeof k === "number" ? String(k) : literal(k))).join(", ");
    return { value: Buffer.from(typeof doc === "string" ? enc(doc) : doc).toString("base64"), input: doc, int: kind === "i", expected,
      expr: `${fn}(decode_base64(http.request.headers["x-doc"][0]), ${args})` };
  });
  for (const c of cases) assert.ok(c.value.length <= 8192, `${show(c.input)} does not fit one header value`);
  await checkValues("x-doc", cases);
});

test("lookup_json_*: the engine gives the reference's value on random and mutated documents", async () => {
  const r = rng(Number(process.env.FC_SEED ?? 20251129));
  const KEYS = ["a", "b", "", "é", "😀", "a\0"];
  const LEAVES = ['"x"', '""', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\"\\\\\\/\\b\\n"', '"é"', '"\\uD83D\\uDE00"', "0", "-0", "7", "-5",
    "42.0", "1e3", "9007199254740991", "9007199254740992", "0.5", "true", "false", "null", "{}", "[]"];
  const space = () => r.pick(["", "", " ", "\n\t "]);
  // Non-ASCII key characters are written raw or as \u escapes (surrogate pairs for 😀).
  const key = (k) => JSON.stringify(k).replace(/[^\x20-\x7e]/gu, (ch) => (r.chance(0.5) ? ch : ch.split("").map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")));
  const pathKey = () => (r.chance(0.6) ? r.pick(KEYS) : r.int(3));
  /** A document that holds `path` more often than not: the containers on it, random siblings, a random leaf. */
  const value = (path, d = 0) => {
    if (d > 4 || (path.length === 0 && r.chance(0.8)) || r.chance(0.08)) return r.pick(LEAVES);
    const [want, ...rest] = path.length > 0 ? path : [pathKey()];
    const n = typeof want === "number" ? want + r.int(2) + 1 : r.int(3) + 1;
    if (typeof want === "number" && !r.chance(0.1)) {
      return `[${space()}${Array.from({ length: n }, (_, i) => value(i === want ? rest : [], d + 1)).join(`${space()},${space()}`)}]`;
    }
    const members = Array.from({ length: n }, () => [r.pick(KEYS), []]);
    members[r.int(n)] = [typeof want === "string" ? want : String(want), rest];
    return `{${space()}${members.map(([k, p]) => `${key(k)}${space()}:${space()}${value(p, d + 1)}`).join(`,${space()}`)}${space()}}`;
  };
  const mutate = (b) => {
    for (let k = 1 + r.int(2); k > 0; k--) {
      const at = r.int(b.length + 1);
      if (r.chance(0.4)) b.splice(at, 1);
      else b.splice(at, 0, ...r.pick([[0x22], [0x5c], [0x2c], [0x7d], [0x5d], [0x20], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0x00], [0x2e], [0x65], [0x2d], [0x5c, 0x75]]));
    }
    return Uint8Array.from(b);
  };
  const cases = [];
  for (let n = 0; n < 600; n++) {
    const path = Array.from({ length: 1 + r.int(3) }, pathKey);
    const text = (r.chance(0.05) ? "\ufeff" : "") + space() + value(path) + space();
    const doc = r.chance(0.25) ? mutate([...enc(text)]) : enc(text);
    for (const fn of ["lookup_json_string", "lookup_json_integer"]) {
      const expected = applyFunction(fn, [doc, ...path.map((k) => (typeof k === "number" ? k : enc(k)))]);
      const args = path.map((k) => (typeof k === "number" ? String(k) : literal(k))).join(", ");
      cases.push({ value: Buffer.from(doc).toString("base64"), input: doc, int: fn === "lookup_json_integer", expected, expr: `${fn}(decode_base64(http.request.headers["x-doc"][0]), ${args})` });
    }
  }
  const found = cases.filter((c) => c.expected !== undefined).length;
  assert.ok(found > 120, `only ${found} of ${cases.length} lookups find a value; the generator should reach more leaves`);
  for (let from = 0; from < cases.length; from += 300) await checkValues("x-doc", cases.slice(from, from + 300));
});

test("calls take as many arguments as the checker allows by default (32)", async () => {
  const args = Array.from({ length: 31 }, (_, i) => `"${i % 10}"`).join(", ");
  const engine = await createEngine({ rules: [{ id: "many", expression: `concat(http.user_agent, ${args}) eq "x${Array.from({ length: 31 }, (_, i) => i % 10).join("")}"`, action: "log" }] });
  assert.equal(engine.classify("x").logged, ["many"]);
  assert.equal(engine.classify("y").logged, []);
});

test.run();
