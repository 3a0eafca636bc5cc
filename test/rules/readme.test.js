// The rules language's documentation stays in step with the code: the fields, functions and
// limits tables in README.md (the rules language section) are exactly what scheme.ts, functions.ts and
// settings.ts define, and every example in the README's rule blocks is a valid rule.
// Run with --print to print the generated tables.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { FIELDS, FUNCTIONS, DEFAULT_LIMITS, UNSUPPORTED_FUNCTIONS, typeName, checkRule } from "../../dist/rules/index.js";

const README = new URL("../../README.md", import.meta.url);
const text = existsSync(README) ? readFileSync(README, "utf8") : "";

const cell = (s) => s.replace(/\|/g, "\\|");
const PRESENCE = { always: "always", request: "from the request", platform: "platform or caller", identified: "when identified" };
const LIMIT_DOCS = {
  maxExpressionLength: "characters in one expression (Cloudflare's limit is also 4,096)",
  maxNestingDepth: "nesting of parentheses, not, calls and sets; of groups in a regex",
  maxSetSize: "elements of one inline set {…}",
  maxRegexLength: "bytes of one regex pattern",
  maxRegexRepetition: "the largest n or m in a regex repetition {n,m}",
  maxRegexStates: "DFA states of one regex, counted while it is built (before minimisation)",
  maxRegexNfaStates: "NFA states of one regex, counted repetitions unrolled",
  maxWildcardStars: "* in one wildcard pattern",
  maxFunctionArgs: "arguments of one call",
};

export const TABLES = {
  fields: [
    "| Field | Type | Has a value | Description |",
    "| --- | --- | --- | --- |",
    ...FIELDS.map((f) => `| \`${f.name}\` | ${typeName(f.type).replace(/</g, "&lt;").replace(/>/g, "&gt;")} | ${PRESENCE[f.presence]} | ${cell(f.description)} |`),
  ].join("\n"),
  functions: [
    "| Function | Description |",
    "| --- | --- |",
    ...FUNCTIONS.map((f) => `| \`${cell(f.signature)}\` | ${cell(f.description)} |`),
  ].join("\n"),
  limits: [
    "| Setting | Default | What it bounds |",
    "| --- | --- | --- |",
    ...Object.entries(DEFAULT_LIMITS).map(([k, v]) => `| \`${k}\` | ${v} | ${cell(LIMIT_DOCS[k] ?? "")} |`),
  ].join("\n"),
};

if (process.argv.includes("--print")) {
  for (const [name, table] of Object.entries(TABLES)) console.log(`<!-- ${name}:start -->\n${table}\n<!-- ${name}:end -->\n`);
}

function section(name) {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text);
  return m ? m[1] : null;
}

for (const name of Object.keys(TABLES)) {
  test(`the ${name} table in README.md matches the code (print it with: node test/rules/readme.test.js --print)`, () => {
    assert.is(section(name), TABLES[name]);
  });
}

test("every scheme field, function and limit appears in the README", () => {
  for (const f of FIELDS) assert.ok(text.includes(`\`${f.name}\``), f.name);
  for (const f of FUNCTIONS) assert.ok(text.includes(`\`${f.name}(`), f.name);
  for (const k of Object.keys(DEFAULT_LIMITS)) assert.ok(text.includes(`\`${k}\``), k);
  for (const name of Object.keys(UNSUPPORTED_FUNCTIONS)) assert.ok(text.includes(`\`${name}\``), `unsupported ${name} explained`);
});

test("every line of the README's ```rules blocks is a valid rule", () => {
  const blocks = [...text.matchAll(/```rules\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 3);
  for (const block of blocks) {
    for (const line of block.split("\n")) {
      if (line.trim() === "" || line.startsWith("#")) continue;
      const outcome = checkRule(line);
      assert.ok(outcome.ok, outcome.ok ? "" : `${line}\n${outcome.error.format()}`);
    }
  }
});

test.run();
