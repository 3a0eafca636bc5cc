#!/usr/bin/env node
// Converts isbot's fixture files (fixtures/crawlers.yml, fixtures/browsers.yml; Unlicense) into
// test/fixtures/isbot/{crawlers,browsers}.json: { "Name": ["ua", ...] }, keys and strings in file order.
//
// usage: node scripts/isbot-fixtures.mjs [path/to/isbot-data-dir]
//   default dir: ../shared/data/isbot relative to the repository root.
//
// The fixtures use a small YAML subset (a mapping of names to sequences of scalars, plain or quoted);
// this reader accepts exactly that subset and fails loudly on anything else.

import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = resolve(process.argv[2] ?? join(root, "..", "shared", "data", "isbot"));
const out = join(root, "test", "fixtures", "isbot");

function scalar(text, where) {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error(`${where}: unterminated double-quoted scalar`);
    // YAML double-quoted escapes used by the fixtures are a subset of JSON's.
    return JSON.parse(t);
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`${where}: unterminated single-quoted scalar`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  // Plain scalar: a " #" starts a comment; none of the fixtures relies on one, so refuse it.
  if (/\s#/.test(t)) throw new Error(`${where}: plain scalar with a comment marker; quote it`);
  return t;
}

function convert(file) {
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const result = {};
  let current = null;
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (line.trim() === "" || line.startsWith("#")) return;
    const item = /^\s+-\s(.*)$/.exec(line);
    if (item) {
      if (current === null) throw new Error(`${where}: sequence item before any key`);
      result[current].push(scalar(item[1], where));
      return;
    }
    const key = /^(\S.*):\s*$/.exec(line);
    if (key) {
      current = scalar(key[1], where);
      if (Object.hasOwn(result, current)) throw new Error(`${where}: duplicate key ${current}`);
      result[current] = [];
      return;
    }
    throw new Error(`${where}: unsupported YAML: ${line}`);
  });
  return result;
}

mkdirSync(out, { recursive: true });
for (const name of ["crawlers", "browsers"]) {
  const data = convert(join(src, `${name}.yml`));
  writeFileSync(join(out, `${name}.json`), JSON.stringify(data, null, 2) + "\n");
  const n = Object.values(data).reduce((a, v) => a + v.length, 0);
  console.log(`${name}.json: ${Object.keys(data).length} names, ${n} user agents`);
}
copyFileSync(join(src, "LICENSE"), join(out, "LICENSE"));
