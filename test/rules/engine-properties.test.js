// Property-based (fast-check): random well-typed rules on random requests, run by the Wasm engine
// (bytecode, literal atoms, gates, lazy field scans) and by the reference evaluator over the
// same request's field values, must agree; a second property runs the same rules compiled as
// heuristics into a pack, where user-agent literals are found by the signature scan. Literals are
// drawn from the tokens the requests are made of, so atoms and gates are exercised both ways.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { createEngine, compilePack } from "botsift";
import { parseRule, evaluateRule } from "../../dist/rules/index.js";
import { fieldValuesOf } from "../support/fields.js";

const SEED = Number(process.env.FC_SEED ?? 20261129);

// Tokens requests are made of; literals come from the same pool, with case and length variations.
const TOKENS = ["Mozilla/5.0", "Chrome/131.0", "HeadlessChrome", "curl/8.5.0", "GPTBot", "python", "(Windows NT 10.0)", "Safari", " ", "/",
  "api", "/api/v1", "login", "a=1", "&b=2", "example.com", "www.", "GET", "POST", "HTTP/1.1", "x-a", "accept", "host", "session=abc", "é"];
const token = fc.constantFrom(...TOKENS);
const recase = (s, how) => (how === 1 ? s.toLowerCase() : how === 2 ? s.toUpperCase() : s);
const piece = fc.tuple(token, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }))
  .map(([t, how, cut]) => recase(t, how).slice(cut === 3 ? 1 : 0, cut === 2 ? -1 : undefined));
const text = fc.array(piece, { maxLength: 3 }).map((ps) => ps.join(""));

const quote = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
const STRING_FIELDS = ["http.user_agent", "http.host", "http.request.uri.path", "http.request.uri.query", "http.request.uri", "http.cookie",
  "http.referer", "http.request.method", "http.request.version", "http.request.full_uri", "botsift.headers.order",
  'http.request.headers["x-a"][0]', "http.request.headers.names[0]"];
const subject = fc.tuple(fc.constantFrom(...STRING_FIELDS), fc.constantFrom("", "lower", "upper")).map(([f, fn]) => (fn ? `${fn}(${f})` : f));
const REGEXES = ['r"Chrome/1[0-9]+"', 'r"(?i)headless|python"', 'r"^curl/"', 'r"api/v[0-9]$"', 'r"[Ss]ession=[a-z]+"', 'r"x-a,?"'];

/** A prefix (0), suffix (1), middle (2) or the whole (3) of `v`. */
const sliceOf = (v, a, b, where) => {
  if (where === 3) return v;
  const n = 3 + (a % 8);
  const at = where === 0 ? 0 : where === 1 ? Math.max(0, v.length - n) : b % Math.max(1, v.length);
  return v.slice(at, at + n);
};
const slicing = fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 }));

/**
 * Rules whose literals are random text or, as often, a slice of a value the requests carry; some
 * compare a field with a slice of that same field's value, so that prefixes, suffixes and whole
 * values meet starts_with, ends_with, eq and wildcards on the field they came from.
 */
function conditions(pairs) {
const values = pairs.map(([, v]) => v);
const taken = values.length === 0 ? text : fc.tuple(fc.constantFrom(...values), slicing).map(([v, [a, b, where]]) => sliceOf(v, a, b, where));
const own = pairs.length === 0 ? fc.constant("ssl") : fc.tuple(fc.constantFrom(...pairs), slicing, fc.constantFrom("eq", "contains", "starts_with", "ends_with", "wildcard", "strict wildcard"), fc.constantFrom("", "lower", "upper"))
  .map(([[field, v], [a, b, where], op, fn]) => {
    const lit = sliceOf(v, a, b, where);
    const folded = fn === "lower" ? lit.toLowerCase() : fn === "upper" ? lit.toUpperCase() : lit;
    const subj = fn ? `${fn}(${field})` : field;
    if (op === "starts_with" || op === "ends_with") return `${op}(${subj}, ${quote(folded)})`;
    if (op.endsWith("wildcard")) return `${field} ${op} ${quote(`${where === 0 || where === 3 ? "" : "*"}${lit.replace(/[*\\]/g, "")}${where === 1 || where === 3 ? "" : "*"}`)}`;
    return `${subj} ${op} ${quote(folded)}`;
  });
const piece = fc.oneof(text, taken);
// Lengths around those of the requests' values, so len() comparisons meet their boundaries.
const length = values.length === 0 ? fc.integer({ min: -1, max: 40 })
  : fc.tuple(fc.constantFrom(...values.map((v) => new TextEncoder().encode(v).length)), fc.integer({ min: -1, max: 1 })).map(([n, d]) => n + d);
const literal = piece.map(quote);
// Literal pieces joined by single stars, optionally leading and trailing ("**" is an error).
const wildcard = fc.tuple(fc.boolean(), fc.array(piece.filter((t) => t.length > 0 && !/[*\\]/.test(t)), { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([lead, pieces, trail]) => quote(`${lead ? "*" : ""}${pieces.join("*")}${trail ? "*" : ""}`));
return fc.letrec((tie) => ({
  leaf: fc.oneof(
    own, own,
    fc.tuple(subject, fc.constantFrom("eq", "ne", "contains"), literal).map(([s, op, l]) => `${s} ${op} ${l}`),
    fc.tuple(fc.constantFrom("starts_with", "ends_with"), subject, literal).map(([fn, s, l]) => `${fn}(${s}, ${l})`),
    fc.tuple(subject, fc.constantFrom("wildcard", "strict wildcard"), wildcard).map(([s, op, w]) => `${s} ${op} ${w}`),
    fc.tuple(subject, fc.array(literal, { minLength: 1, maxLength: 3 })).map(([s, ls]) => `${s} in {${ls.join(" ")}}`),
    fc.tuple(fc.constantFrom("http.user_agent", "http.request.uri.path", "http.cookie", "botsift.headers.order"), fc.constantFrom(...REGEXES)).map(([f, r]) => `${f} matches ${r}`),
    fc.constantFrom("ssl", "botsift.headers.complete", "cf.bot_management.score lt 30", 'len(http.request.headers["x-a"]) gt 0', "ip.src.asnum in {14618 16509}"),
    fc.tuple(fc.oneof(subject, fc.constantFrom(...STRING_FIELDS.slice(0, 11))), fc.constantFrom("eq", "ne", "lt", "le", "gt", "ge"), length).map(([s, op, n]) => `len(${s}) ${op} ${n}`),
  ),
  node: fc.oneof({ depthSize: "small" },
    tie("leaf"),
    tie("node").map((e) => `not (${e})`),
    fc.tuple(tie("node"), fc.constantFrom("and", "or", "xor"), tie("node")).map(([a, op, b]) => `(${a} ${op} ${b})`),
  ),
})).node;
}

/** [field, value] pairs of the requests' string values, where literals are taken from. */
const HEADER_FIELDS = { "x-a": 'http.request.headers["x-a"][0]', cookie: "http.cookie", referer: "http.referer", host: "http.host" };
const valuesOf = (reqs) => reqs.flatMap((r) => [["http.user_agent", r.userAgent], ["http.request.method", r.method], ["http.request.uri", r.url],
  ["http.host", r.host], ["http.request.version", r.httpVersion], ...(r.headers ?? []).map(([k, v]) => [HEADER_FIELDS[k] ?? "http.user_agent", v])])
  .filter(([, v]) => typeof v === "string" && v.length >= 3 && !v.includes('"'));
/** Requests, then rules over literals drawn from them. */
const scenario = (rule) => fc.array(request, { minLength: 1, maxLength: 6 })
  .chain((requests) => fc.tuple(fc.array(rule(conditions(valuesOf(requests))), { minLength: 1, maxLength: 8 }), fc.constant(requests)));

const request = fc.record({
  userAgent: text,
  method: fc.constantFrom("GET", "POST", "get", undefined),
  url: fc.option(fc.tuple(text, text).map(([p, q]) => `/${p}${q ? "?" + q : ""}`), { nil: undefined }),
  host: fc.option(text, { nil: undefined }),
  httpVersion: fc.constantFrom("HTTP/1.1", "HTTP/2", undefined),
  tls: fc.boolean(),
  asn: fc.option(fc.constantFrom(16509, 7922), { nil: undefined }),
  headers: fc.option(fc.array(fc.tuple(fc.constantFrom("x-a", "accept", "cookie", "referer", "host"), text), { maxLength: 4 }), { nil: undefined }),
}, { requiredKeys: ["userAgent", "tls"] });

/** Disagreements of `engine` (reading `matched(verdict, i)`) with the reference on every rule and request. */
function disagreements(rules, requests, classify, matched) {
  const wrong = [];
  for (const req of requests) {
    const v = classify(req);
    const values = fieldValuesOf(req, v);
    rules.forEach((expression, i) => {
      const expected = evaluateRule(parseRule(expression), values);
      if (matched(v, i) !== expected) wrong.push(`${expression}\n  on ${JSON.stringify(req)}\n  reference ${expected}, engine ${!expected}`);
    });
  }
  return wrong;
}

test("custom rules: the engine and the reference evaluator agree on random rules and requests", async () => {
  await fc.assert(fc.asyncProperty(scenario((c) => c), async ([rules, requests]) => {
    const engine = await createEngine({ rules: rules.map((expression, i) => ({ id: `r${i}`, expression, action: "log" })) });
    const wrong = disagreements(rules, requests, (r) => engine.classify(r), (v, i) => v.logged.includes(`r${i}`));
    assert.ok(wrong.length === 0, wrong.join("\n"));
  }), { seed: SEED, numRuns: 120, endOnFailure: true });
});

test("heuristics: the same rules compiled into a pack, user-agent literals found by the signature scan, agree too", async () => {
  const base = { name: "base", version: "1", bots: [{ name: "CurlTest", operator: null, category: "http_library", signatures: [{ literal: "curl/" }] }] };
  // Heuristics run before the score is final, so rules reading the score are left to the custom-rule property.
  await fc.assert(fc.asyncProperty(scenario((c) => c.filter((rule) => !rule.includes("score"))), async ([rules, requests]) => {
    const heuristics = rules.map((expression, i) => ({ id: `h${i}`, detectionId: 80000 + i, description: `generated rule ${i}`, score: 50, expression }));
    const engine = await createEngine({ pack: await compilePack([base, { name: "h", version: "1", bots: [], heuristics }]) });
    const wrong = disagreements(rules, requests, (r) => engine.classify(r), (v, i) => v.detections.includes(80000 + i));
    assert.ok(wrong.length === 0, wrong.join("\n"));
  }), { seed: SEED, numRuns: 80, endOnFailure: true });
});

test.run();
