#!/usr/bin/env node
// Checks the pack sources in packs/ (every *.json except categories.json) and measures them
// against isbot's fixtures in test/fixtures/isbot/.
//
//   node scripts/check-packs.mjs [--raw] [--verbose] [--json]
//
//   --raw      ignore test/fixtures/isbot/exceptions.json (show every miss and false positive)
//   --verbose  also list, per crawler fixture, the bots that match it
//   --json     print a machine-readable summary instead of text
//
// Structure: unique names (across all packs, case-insensitive), known keys, categories from
// packs/categories.json, literal and exclusion lengths, each exclusion contains its literal,
// every example matched by its own bot, every bot with signatures has an example, no example of
// one named bot matched by another named (non-generic) bot.
// Fixtures (matching semantics from dist/compile/naive.js, the reference matcher):
//   crawlers.json  user agents NOT matched by any signature (should be bots)
//   browsers.json  user agents matched by any signature (false positives)
// Exceptions in test/fixtures/isbot/exceptions.json must be real (a stale exception is an error).
// isbot coverage: every regex of test/fixtures/isbot/patterns.json needs an entry in
// test/fixtures/isbot/pattern-map.json naming the bots that express it, or why it is not expressed.
//
// Exit status: 0 when there are no errors, 1 otherwise. Needs the TypeScript build
// (npx tsc -p tsconfig.json) for dist/compile/naive.js.

import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, resolve, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const RAW = args.has("--raw");
const VERBOSE = args.has("--verbose");
const JSON_OUT = args.has("--json");

const naivePath = join(root, "dist", "compile", "naive.js");
if (!existsSync(naivePath)) {
  console.error(`missing ${relative(root, naivePath)}; build it first: npx tsc -p tsconfig.json`);
  process.exit(2);
}
const { naiveMatches } = await import(pathToFileURL(naivePath).href);

const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));
const errors = [];
const warnings = [];
const err = (m) => errors.push(m);
const warn = (m) => warnings.push(m);

// ---------------------------------------------------------------------------------------------
// Load packs and taxonomy.
const packsDir = join(root, "packs");
const categories = new Set(readJson(join(packsDir, "categories.json")).categories.map((c) => c.id));
const packFiles = readdirSync(packsDir).filter((f) => f.endsWith(".json") && f !== "categories.json").sort();
const packs = packFiles.map((f) => ({ file: `packs/${f}`, source: readJson(join(packsDir, f)) }));

// Allowed keys come from the published schema, so that this script follows it as it grows.
const schema = readJson(join(root, "schema", "pack-source.schema.json"));
const SOURCE_KEYS = new Set(Object.keys(schema.properties));
const SOURCE_ITEM_KEYS = new Set(Object.keys(schema.properties.sources.items.properties));
const BOT_KEYS = new Set(Object.keys(schema.$defs.bot.properties));
const SIG_KEYS = new Set(Object.keys(schema.$defs.signature.properties));
const BOOL_SIG_KEYS = ["caseSensitive", "anchorStart", "anchorEnd", "wordStart", "wordEnd"];
const utf8 = new TextEncoder();
const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** All bots of all packs, each { pack, bot, sigs } (sigs with a cheap prefilter key). */
const bots = [];
const names = new Map();
for (const { file, source } of packs) {
  if (typeof source !== "object" || source === null) { err(`${file}: not a JSON object`); continue; }
  for (const k of Object.keys(source)) if (!SOURCE_KEYS.has(k)) err(`${file}: unknown property "${k}"`);
  if (typeof source.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(source.name)) err(`${file}: name must be a lower-case id`);
  if (typeof source.version !== "string" || !source.version) err(`${file}: version must be a non-empty string`);
  for (const s of source.sources ?? []) {
    for (const k of Object.keys(s)) if (!SOURCE_ITEM_KEYS.has(k)) err(`${file}: sources: unknown property "${k}"`);
    if (typeof s.name !== "string") err(`${file}: sources: every source needs a name`);
  }
  if (!Array.isArray(source.bots)) { err(`${file}: bots must be an array`); continue; }
  for (const bot of source.bots) {
    const where = `${file}: bot "${bot?.name}"`;
    for (const k of Object.keys(bot)) if (!BOT_KEYS.has(k)) err(`${where}: unknown property "${k}"`);
    if (typeof bot.name !== "string" || bot.name.length < 1 || bot.name.length > 100) err(`${where}: name must be 1 to 100 characters`);
    else if (names.has(bot.name.toLowerCase())) err(`${where}: duplicate name (also in ${names.get(bot.name.toLowerCase())})`);
    else names.set(bot.name.toLowerCase(), file);
    if (bot.operator !== null && typeof bot.operator !== "string") err(`${where}: operator must be a string or null`);
    if (!categories.has(bot.category)) err(`${where}: category "${bot.category}" is not in packs/categories.json`);
    if (bot.generic !== undefined && typeof bot.generic !== "boolean") err(`${where}: generic must be a boolean`);
    if (bot.respectsRobotsTxt !== undefined && bot.respectsRobotsTxt !== null && typeof bot.respectsRobotsTxt !== "boolean") err(`${where}: respectsRobotsTxt must be true, false or null`);
    if (bot.robotsToken !== undefined && bot.robotsToken !== null && (typeof bot.robotsToken !== "string" || /[\s:]/.test(bot.robotsToken) || !bot.robotsToken)) err(`${where}: robotsToken must be a token without spaces or colons, or null`);
    for (const k of ["url", "description", "notes"]) if (bot[k] !== undefined && typeof bot[k] !== "string") err(`${where}: ${k} must be a string`);
    if (!Array.isArray(bot.signatures)) { err(`${where}: signatures must be an array`); continue; }
    const seen = new Set();
    for (const sig of bot.signatures) {
      const sw = `${where}: signature ${JSON.stringify(sig?.literal)}`;
      for (const k of Object.keys(sig)) if (!SIG_KEYS.has(k)) err(`${sw}: unknown property "${k}"`);
      for (const k of BOOL_SIG_KEYS) if (sig[k] !== undefined && typeof sig[k] !== "boolean") err(`${sw}: ${k} must be a boolean`);
      if (typeof sig.literal !== "string") { err(`${sw}: literal must be a string`); continue; }
      const len = utf8.encode(sig.literal).length;
      if (len < 2 || len > 128) err(`${sw}: literal must be 2 to 128 bytes`);
      const cs = sig.caseSensitive === true;
      const fold = (s) => (cs ? s : asciiLower(s));
      for (const ex of sig.exclude ?? []) {
        const elen = utf8.encode(ex).length;
        if (elen <= len || elen > 128) err(`${sw}: exclusion "${ex}" must be longer than the literal and at most 128 bytes`);
        else if (!fold(ex).includes(fold(sig.literal))) err(`${sw}: exclusion "${ex}" does not contain the literal`);
      }
      const key = JSON.stringify([fold(sig.literal), ...BOOL_SIG_KEYS.map((k) => sig[k] === true), [...(sig.exclude ?? [])].map(fold).sort()]);
      if (seen.has(key)) err(`${sw}: duplicate signature in the same bot`);
      seen.add(key);
    }
    if (bot.examples !== undefined && (!Array.isArray(bot.examples) || bot.examples.some((e) => typeof e !== "string"))) err(`${where}: examples must be an array of strings`);
    if (bot.signatures.length > 0 && !(bot.examples?.length > 0)) err(`${where}: has signatures but no example`);
    if (bot.signatures.length === 0 && !bot.notes) err(`${where}: has no signatures; its notes must say why`);
    bots.push({ pack: file, bot, sigs: bot.signatures.filter((s) => typeof s.literal === "string").map((s) => ({ sig: s, key: asciiLower(s.literal) })) });
  }
}

// Optional: the compiler's own source checker, when the build has it.
const checkPath = join(root, "dist", "compile", "check.js");
if (existsSync(checkPath)) {
  try {
    const mod = await import(pathToFileURL(checkPath).href);
    if (typeof mod.checkSources === "function") {
      for (const p of mod.checkSources(packs.map(({ file, source }) => ({ label: file, source })))) {
        err(`compiler check: ${p.source}${p.bot ? ` bot "${p.bot}"` : ""} ${p.field}: ${p.message}`);
      }
    }
  } catch (e) {
    warn(`could not run dist/compile/check.js: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Matching helpers.
function matchingSigs(entry, ua, uaLower) {
  const out = [];
  for (const { sig, key } of entry.sigs) {
    if (!uaLower.includes(key)) continue; // necessary condition for an ASCII case-insensitive match
    if (naiveMatches(sig, ua)) out.push(sig);
  }
  return out;
}
function matches(ua) {
  const uaLower = asciiLower(ua);
  const out = [];
  for (const entry of bots) {
    const sigs = matchingSigs(entry, ua, uaLower);
    if (sigs.length) out.push({ entry, sigs });
  }
  return out;
}
const describeSig = (s) => {
  const opts = BOOL_SIG_KEYS.filter((k) => s[k]).join(",");
  return `${JSON.stringify(s.literal)}${opts ? ` [${opts}]` : ""}${s.exclude?.length ? ` exclude ${JSON.stringify(s.exclude)}` : ""}`;
};
const describeHits = (hits) => hits.map(({ entry, sigs }) => `${entry.bot.name}${entry.bot.generic ? " (generic)" : ""}: ${sigs.map(describeSig).join("; ")}`);

// Examples: matched by their own bot, and by no other named bot.
for (const entry of bots) {
  for (const ex of entry.bot.examples ?? []) {
    const hits = matches(ex);
    if (!hits.some((h) => h.entry === entry)) err(`${entry.pack}: bot "${entry.bot.name}": example not matched by its own signatures: ${JSON.stringify(ex)}`);
    if (entry.bot.generic) continue;
    const others = hits.filter((h) => h.entry !== entry && !h.entry.bot.generic);
    if (others.length) warn(`overlap: example of "${entry.bot.name}" also matched by named bot(s): ${describeHits(others).join(" | ")}\n    ${JSON.stringify(ex)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures.
const fx = join(root, "test", "fixtures", "isbot");
const crawlers = readJson(join(fx, "crawlers.json"));
const browsers = readJson(join(fx, "browsers.json"));
const exceptionsFile = join(fx, "exceptions.json");
const exceptions = existsSync(exceptionsFile) ? readJson(exceptionsFile) : { crawlers: {}, browsers: {} };
const exc = RAW ? { crawlers: {}, browsers: {} } : exceptions;

const crawlerUAs = [...new Set(Object.values(crawlers).flat())];
const browserUAs = [...new Set(Object.values(browsers).flat())];
const groupOf = (fixtures) => { const m = new Map(); for (const [k, v] of Object.entries(fixtures)) for (const ua of v) if (!m.has(ua)) m.set(ua, k); return m; };
const crawlerGroup = groupOf(crawlers);
const browserGroup = groupOf(browsers);

const misses = [], missesExcepted = [], matchedBy = new Map();
let namedHits = 0;
for (const ua of crawlerUAs) {
  const hits = matches(ua);
  matchedBy.set(ua, hits);
  if (hits.some((h) => !h.entry.bot.generic)) namedHits++;
  if (hits.length === 0) (Object.hasOwn(exc.crawlers ?? {}, ua) ? missesExcepted : misses).push(ua);
  else if (!RAW && Object.hasOwn(exceptions.crawlers ?? {}, ua)) err(`stale exception: crawler fixture now matched (${describeHits(hits).join(" | ")}): ${JSON.stringify(ua)}`);
}
const falsePositives = [], fpExcepted = [];
for (const ua of browserUAs) {
  const hits = matches(ua);
  if (hits.length > 0) (Object.hasOwn(exc.browsers ?? {}, ua) ? fpExcepted : falsePositives).push({ ua, hits });
  else if (!RAW && Object.hasOwn(exceptions.browsers ?? {}, ua)) err(`stale exception: browser fixture no longer matched: ${JSON.stringify(ua)}`);
}
for (const [kind, list] of [["crawlers", crawlerUAs], ["browsers", browserUAs]]) {
  for (const [ua, reason] of Object.entries(exceptions[kind] ?? {})) {
    if (!list.includes(ua)) err(`exception for a user agent that is not in ${kind}.json: ${JSON.stringify(ua)}`);
    if (typeof reason !== "string" || reason.length < 20) err(`exception needs a specific reason: ${JSON.stringify(ua)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// isbot pattern coverage.
const patternsFile = join(fx, "patterns.json");
const mapFile = join(fx, "pattern-map.json");
let coverage = null;
let map = {};
if (existsSync(patternsFile)) {
  const patterns = readJson(patternsFile);
  map = existsSync(mapFile) ? readJson(mapFile) : {};
  coverage = { total: patterns.length, expressed: 0, partial: 0, narrowed: 0, inexpressible: 0, omitted: 0 };
  for (const p of patterns) {
    const m = map[p];
    if (!m) { err(`pattern-map.json: no entry for isbot pattern ${JSON.stringify(p)}`); continue; }
    if (!Object.hasOwn(coverage, m.status) || m.status === "total") { err(`pattern-map.json: ${JSON.stringify(p)}: unknown status "${m.status}"`); continue; }
    coverage[m.status]++;
    for (const b of m.bots ?? []) if (!names.has(b.toLowerCase())) err(`pattern-map.json: ${JSON.stringify(p)}: unknown bot "${b}"`);
    if (["expressed", "partial", "narrowed"].includes(m.status) && !(m.bots?.length > 0)) err(`pattern-map.json: ${JSON.stringify(p)}: status ${m.status} needs bots`);
    if (m.status !== "expressed" && !(typeof m.why === "string" && m.why.length > 10)) err(`pattern-map.json: ${JSON.stringify(p)}: status ${m.status} needs a reason in "why"`);
  }
  for (const p of Object.keys(map)) if (p !== "$comment" && !patterns.includes(p)) err(`pattern-map.json: entry for a pattern that isbot does not have: ${JSON.stringify(p)}`);

  // Check the claims against every user agent at hand (fixtures and all examples): where the regex
  // matches, an "expressed" pattern's bots must match too; narrowed and partial ones are counted.
  const corpus = [...new Set([...crawlerUAs, ...browserUAs, ...bots.flatMap((e) => e.bot.examples ?? [])])];
  const byName = new Map(bots.map((e) => [e.bot.name.toLowerCase(), e]));
  coverage.uncovered = {};
  for (const p of patterns) {
    const m = map[p];
    if (!m || !["expressed", "narrowed", "partial"].includes(m.status)) continue;
    const re = new RegExp(p, "i");
    const entries = (m.bots ?? []).map((b) => byName.get(b.toLowerCase())).filter(Boolean);
    const missed = corpus.filter((ua) => re.test(ua) && !entries.some((e) => matchingSigs(e, ua, asciiLower(ua)).length));
    if (missed.length === 0) continue;
    if (m.status === "expressed") for (const ua of missed) err(`pattern-map.json: ${JSON.stringify(p)} is marked expressed, but its bots do not match ${JSON.stringify(ua)}`);
    else coverage.uncovered[p] = missed.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Report.
for (const ua of misses) err(`crawler fixture not matched [${crawlerGroup.get(ua)}]: ${JSON.stringify(ua)}`);
for (const { ua, hits } of falsePositives) err(`browser fixture matched [${browserGroup.get(ua)}]: ${JSON.stringify(ua)}\n    by ${describeHits(hits).join("\n    by ")}`);

const perPack = packs.map(({ file, source }) => ({
  file,
  bots: source.bots?.length ?? 0,
  generic: source.bots?.filter((b) => b.generic).length ?? 0,
  withoutSignatures: source.bots?.filter((b) => b.signatures?.length === 0).length ?? 0,
  signatures: source.bots?.reduce((a, b) => a + (b.signatures?.length ?? 0), 0) ?? 0,
  examples: source.bots?.reduce((a, b) => a + (b.examples?.length ?? 0), 0) ?? 0,
}));
const summary = {
  packs: perPack,
  crawlers: { userAgents: crawlerUAs.length, matched: crawlerUAs.length - misses.length - missesExcepted.length, matchedByNamedBot: namedHits, misses: misses.length, excepted: missesExcepted.length },
  browsers: { userAgents: browserUAs.length, falsePositives: falsePositives.length, excepted: fpExcepted.length },
  isbotPatterns: coverage,
  errors: errors.length,
  warnings: warnings.length,
};

if (JSON_OUT) {
  console.log(JSON.stringify({ summary, errors, warnings }, null, 2));
} else {
  if (VERBOSE) {
    for (const ua of crawlerUAs) console.log(`${JSON.stringify(ua)}\n    ${describeHits(matchedBy.get(ua)).join("\n    ") || "(no match)"}`);
  }
  for (const w of warnings) console.log(`warning: ${w}`);
  for (const e of errors) console.log(`error: ${e}`);
  for (const p of perPack) console.log(`${p.file}: ${p.bots} bots (${p.generic} generic, ${p.withoutSignatures} without signatures), ${p.signatures} signatures, ${p.examples} examples`);
  const s = summary;
  console.log(`crawlers.json: ${s.crawlers.userAgents} distinct user agents, ${s.crawlers.matched} matched (${s.crawlers.matchedByNamedBot} by a named bot), ${s.crawlers.misses} missed, ${s.crawlers.excepted} excepted`);
  console.log(`browsers.json: ${s.browsers.userAgents} distinct user agents, ${s.browsers.falsePositives} false positives, ${s.browsers.excepted} excepted`);
  if (coverage) {
    console.log(`isbot patterns: ${coverage.total} (${coverage.expressed} expressed, ${coverage.narrowed} narrowed, ${coverage.partial} partial, ${coverage.inexpressible} inexpressible, ${coverage.omitted} omitted)`);
    for (const [p, n] of Object.entries(coverage.uncovered ?? {})) console.log(`  ${JSON.stringify(p)} (${map[p].status}): ${n} user agent(s) the regex matches that its bots do not`);
  }
  console.log(`${errors.length} errors, ${warnings.length} warnings`);
}
process.exit(errors.length ? 1 : 0);
