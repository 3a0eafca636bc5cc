// len(http.request.headers["x"]) runs on a per-request hash table of header names (assembly/
// headers.ts), with a plain pass for requests with too many headers, and the headers and query
// arguments maps group their keys through a hash table (assembly/fields.ts): all must agree with
// the reference, duplicates and near-miss names included, request after request.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine } from "botsift";
import { parseRule, evaluateRule } from "../dist/rules/index.js";
import { fieldValuesOf } from "./support/fields.js";

const NAMES = ["x-a", "x-b", "accept", "accept-language", "x-aa", "x", "cookie"];
const RULES = NAMES.flatMap((n) => [0, 1, 2, 3].map((k) => `len(http.request.headers["${n}"]) eq ${k}`)).concat(NAMES.map((n) => `len(http.request.headers["${n}"]) gt 0`));

/** A deterministic stream of requests: 0–3 copies of each name among 0–120 filler headers. */
function* requests() {
  let seed = 7;
  const next = (m) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % m; };
  for (let r = 0; r < 160; r++) {
    const headers = [];
    const fillers = r % 4 === 3 ? 70 + next(50) : next(20);
    for (let i = 0; i < fillers; i++) headers.push([`h-${i}`, "v"]);
    for (const n of NAMES) for (let k = next(4); k > 0; k--) headers.splice(next(headers.length + 1), 0, [n, `${n}-value`]);
    yield { userAgent: "Mozilla/5.0", method: "GET", url: "/", headers };
  }
}

test("header counts agree with the reference, with few and with many headers", async () => {
  const wrong = [];
  let many = 0;
  // A verdict lists at most 8 logged rules: 8 rules per engine.
  for (let from = 0; from < RULES.length; from += 8) {
    const batch = RULES.slice(from, from + 8);
    const engine = await createEngine({ rules: batch.map((expression, i) => ({ id: `r${i}`, expression, action: "log" })) });
    for (const req of requests()) {
      if (from === 0 && req.headers.length > 64) many++;
      const v = engine.classify(req);
      const values = fieldValuesOf(req, v);
      batch.forEach((expression, i) => {
        const expected = evaluateRule(parseRule(expression), values);
        if (v.logged.includes(`r${i}`) !== expected) wrong.push(`  ${expression} with ${req.headers.length} headers: engine ${!expected}`);
      });
    }
  }
  assert.ok(many > 20, "some requests exceed the hash table");
  assert.ok(wrong.length === 0, `${wrong.length} disagreements:\n${wrong.slice(0, 20).join("\n")}`);
});

test("header and argument maps group hundreds of keys, duplicates in order, as the reference does", async () => {
  const KEYS = [0, 1, 17, 99, 150, 299];
  const rules = KEYS.flatMap((k) => [`http.request.headers["h${k}"][1] eq "v${k}-1"`, `len(http.request.uri.args["a${k}"]) eq 2`,
    `http.request.uri.args["a${k}"][0] eq "${k}-0"`]);
  const wrong = [];
  for (const [count, dup] of [[40, 3], [300, 2], [300, 7], [120, 1]]) {
    const headers = [], args = [];
    for (let i = 0; i < count; i++) {
      headers.push([`h${i}`, `v${i}-0`]);
      args.push(`a${i}=${i}-0`);
      if (i % dup === 0) { headers.push([`h${i}`, `v${i}-1`]); args.push(`a${i}=${i}-1`); }
    }
    const req = { userAgent: "Mozilla/5.0", method: "GET", url: `/?${args.join("&")}`, headers };
    for (let from = 0; from < rules.length; from += 8) {
      const batch = rules.slice(from, from + 8);
      const engine = await createEngine({ rules: batch.map((expression, i) => ({ id: `r${i}`, expression, action: "log" })) });
      const v = engine.classify(req);
      const values = fieldValuesOf(req, v);
      batch.forEach((expression, i) => {
        const expected = evaluateRule(parseRule(expression), values);
        if (v.logged.includes(`r${i}`) !== expected) wrong.push(`  ${expression} with ${count} keys: engine ${!expected}`);
      });
    }
  }
  assert.ok(wrong.length === 0, `${wrong.length} disagreements:\n${wrong.slice(0, 20).join("\n")}`);
});

test.run();
