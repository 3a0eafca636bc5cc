// The pack compiler: every problem in the sources is reported with its source, bot and field;
// the hand-written checks agree with the published JSON Schema; packs are deterministic.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync } from "node:fs";
import { compilePack, PackSourceError } from "botsift";
import { buildAutomaton } from "../dist/compile/automaton.js";

const good = () => ({
  name: "t", version: "1",
  bots: [{ name: "ExampleBot", operator: "Example", category: "other", signatures: [{ literal: "examplebot" }], examples: ["ExampleBot/1.0"] }],
});

async function problemsOf(sources) {
  try {
    await compilePack(sources);
  } catch (e) {
    assert.instance(e, PackSourceError);
    return e.problems;
  }
  assert.unreachable("expected a PackSourceError");
}

const CASES = [
  ["unknown category", (s) => { s.bots[0].category = "ai_bot"; }, "bots[0].category", /unknown category "ai_bot"/],
  ["short literal", (s) => { s.bots[0].signatures[0].literal = "x"; }, "bots[0].signatures[0].literal", /2 to 128 bytes/],
  ["exclusion without the literal", (s) => { s.bots[0].signatures[0].exclude = ["somethingelse"]; }, "bots[0].signatures[0].exclude[0]", /does not contain the literal/],
  ["example not matched", (s) => { s.bots[0].examples = ["Mozilla/5.0"]; }, "bots[0].examples[0]", /no signature of this bot matches/],
  ["unknown property", (s) => { s.bots[0].signatures[0].regex = "a+"; }, "bots[0].signatures[0].regex", /unknown property "regex"/],
  ["bad version", (s) => { s.version = ""; }, "version", /non-empty/],
  ["non-boolean flag", (s) => { s.bots[0].signatures[0].wordEnd = "yes"; }, "bots[0].signatures[0].wordEnd", /boolean/],
];

for (const [name, mutate, field, message] of CASES) {
  test(`reports ${name} with source, bot and field`, async () => {
    const s = good();
    mutate(s);
    const problems = await problemsOf([{ label: "packs/example.json", source: s }]);
    assert.is(problems.length, 1, JSON.stringify(problems));
    assert.is(problems[0].source, "packs/example.json");
    assert.is(problems[0].field, field);
    if (field.startsWith("bots[")) assert.is(problems[0].bot, "ExampleBot");
    assert.match(problems[0].message, message);
  });
}

test("duplicate bot names across sources are named with both sources", async () => {
  const a = good(), b = good();
  b.name = "u";
  const problems = await problemsOf([{ label: "a.json", source: a }, { label: "b.json", source: b }]);
  assert.is(problems.length, 1);
  assert.match(problems[0].message, /duplicate bot name \(also in a\.json\)/);
});

test("all problems are reported at once, and the message lists them", async () => {
  const s = good();
  s.bots[0].category = "nope";
  s.bots[0].signatures[0].literal = "";
  try {
    await compilePack([s]);
    assert.unreachable();
  } catch (e) {
    assert.is(e.problems.length, 2);
    assert.match(e.message, /2 problems/);
    assert.match(e.message, /t: bot "ExampleBot": bots\[0\]\.category/);
  }
});

test("compilation is deterministic", async () => {
  const a = await compilePack([good()]);
  const b = await compilePack([good()]);
  assert.equal(a, b);
});

test("automaton: a breadth-first trie, every edge forward, one parent per state", () => {
  const enc = new TextEncoder();
  const auto = buildAutomaton(["he", "she", "his", "hers", "ushers"].map((w) => enc.encode(w)));
  const parents = new Array(auto.stateCount).fill(0);
  let lastTarget = 0;
  for (let s = 0; s < auto.stateCount; s++) {
    for (let e = auto.edgeStart[s]; e < auto.edgeStart[s + 1]; e++) {
      const t = auto.edges[e] >>> 8;
      assert.ok(t > s && t > lastTarget, "breadth-first: targets appear in increasing order");
      lastTarget = t;
      parents[t]++;
    }
  }
  assert.equal(parents.slice(1), new Array(auto.stateCount - 1).fill(1));
  assert.is(auto.outputs.length, 5, "each pattern ends at exactly one state");
  assert.is(auto.classOf["H".charCodeAt(0)], auto.classOf["h".charCodeAt(0)]);
  assert.is(auto.classOf["z".charCodeAt(0)], 0);
});

test("every pack source in packs/ is valid against the JSON Schema and compiles", async () => {
  const { default: Ajv2020 } = await import("ajv/dist/2020.js");
  const schema = JSON.parse(readFileSync(new URL("../schema/pack-source.schema.json", import.meta.url)));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const files = readdirSync(new URL("../packs/", import.meta.url)).filter((f) => f.endsWith(".json") && f !== "categories.json");
  const sources = files.map((f) => ({ label: `packs/${f}`, source: JSON.parse(readFileSync(new URL(`../packs/${f}`, import.meta.url))) }));
  for (const { label, source } of sources) assert.ok(validate(source), `${label}: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
  await compilePack(sources);
});

test("the schema's category enum is the taxonomy of packs/categories.json", async () => {
  const schema = JSON.parse(readFileSync(new URL("../schema/pack-source.schema.json", import.meta.url)));
  const taxonomy = JSON.parse(readFileSync(new URL("../packs/categories.json", import.meta.url))).categories.map((c) => c.id);
  const { CATEGORIES } = await import("botsift");
  assert.equal(schema.$defs.category.enum, taxonomy);
  assert.equal([...CATEGORIES], taxonomy);
});

test.run();
