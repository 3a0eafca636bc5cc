#!/usr/bin/env node
// Generates packs/ai-bots.json from ai.robots.txt's robots.json plus scripts/ai-bots-overrides.json.
//
//   node scripts/gen-ai-bots.mjs [path/to/robots.json] [--snapshot <commit>] [--date <YYYY-MM-DD>]
//                                [--out <file>] [--report]
//
// Defaults: robots.json at ../shared/data/ai-robots/robots.json (relative to the repository root);
// --snapshot and --date are read from a README.md next to robots.json when it has the line
// "snapshot HEAD <commit>, commit date <YYYY-MM-DD>"; otherwise pass them. --report prints how each
// free-text 'function' was categorised. Output is deterministic (bots sorted by name, 2-space JSON).
//
// Every robots.json key ends up in the pack: as a bot of its own, or merged into the bot of the same
// token when it differs only in case or by a version suffix ("iaskspider/2.0", "Brightbot 1.0"); the
// merged keys are named in that bot's notes. The script fails on anything it cannot place: an unknown
// 'function', an override for a key that does not exist, conflicting robots.txt answers in a merge.

import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// ---------------------------------------------------------------------------------------------
// Arguments.
const argv = process.argv.slice(2);
const opts = { report: false };
const positional = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--report") opts.report = true;
  else if (a === "--snapshot" || a === "--date" || a === "--out") opts[a.slice(2)] = argv[++i];
  else if (a.startsWith("--")) fail(`unknown option ${a}`);
  else positional.push(a);
}
const robotsPath = resolve(positional[0] ?? join(root, "..", "shared", "data", "ai-robots", "robots.json"));
const outPath = resolve(opts.out ?? join(root, "packs", "ai-bots.json"));
const overridesPath = join(root, "scripts", "ai-bots-overrides.json");

function fail(message) {
  console.error(`gen-ai-bots: ${message}`);
  process.exit(1);
}

if (!existsSync(robotsPath)) fail(`no robots.json at ${robotsPath}`);
const robots = JSON.parse(readFileSync(robotsPath, "utf8"));
const overrides = JSON.parse(readFileSync(overridesPath, "utf8"));

let snapshot = opts.snapshot;
let date = opts.date;
const readme = join(dirname(robotsPath), "README.md");
if ((!snapshot || !date) && existsSync(readme)) {
  const m = /snapshot HEAD ([0-9a-f]{40}), commit date (\d{4}-\d{2}-\d{2})/.exec(readFileSync(readme, "utf8"));
  if (m) { snapshot ??= m[1]; date ??= m[2]; }
}
if (!snapshot || !/^[0-9a-f]{7,40}$/.test(snapshot)) fail("pass --snapshot <commit of ai.robots.txt the robots.json comes from>");
if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) fail("pass --date <YYYY-MM-DD commit date of that snapshot>");

// ---------------------------------------------------------------------------------------------
// Cleaning of robots.json's free text.
const PLACEHOLDERS = new Set([
  "unclear at this time.", "unclear at this time", "no information provided.", "no information.",
  "no explicit frequency provided.", "unknown", "unknown.",
]);
const isPlaceholder = (s) => typeof s !== "string" || PLACEHOLDERS.has(s.trim().toLowerCase());
const MD_LINK = /\[([^\]]*)\]\(([^)\s]+)\)/g;
const stripLinks = (s) => s.replace(MD_LINK, "$1");
const firstLink = (s) => { MD_LINK.lastIndex = 0; const m = MD_LINK.exec(s ?? ""); MD_LINK.lastIndex = 0; return m ? m[2] : undefined; };
const NOT_DOCS = /^https?:\/\/(github\.com\/ai-robots-txt|news\.ycombinator\.com|forms\.gle|web\.archive\.org)/;

function cleanOperator(raw) {
  if (isPlaceholder(raw)) return { name: null, url: undefined };
  const url = firstLink(raw);
  let s = stripLinks(raw).trim();
  if (/^https?:\/\/\S+$/.test(s)) return { name: null, url: s };
  // Known Agents' imported entries run on into a description ("Kagi that fetches ...",
  // "Butterfly Effect, a company based in China", "Naget Inc (founded by ...)"): keep the name.
  s = s.split(/\s+that\s+|,\s|\s+\(|\s+to\s+download\b|\s+used\s+for\b|…/)[0].trim().replace(/\.$/, "");
  return { name: s || null, url };
}

/** true / false / null from 'respect' ("Yes", "[No](url)", anything else is unknown). */
function cleanRespect(raw) {
  const s = stripLinks(raw ?? "").trim().replace(/\.$/, "").toLowerCase();
  return s === "yes" ? true : s === "no" ? false : null;
}

function cleanDescription(raw) {
  if (isPlaceholder(raw)) return "";
  let s = raw.replace(/\s*More info can be found at https?:\/\/\S+\s*$/, "");
  s = s.replace(/^Description unavailable from knownagents\.com\.?$/, "");
  // Keep link targets: "see discussions [here](url)" must not lose the url.
  s = s.replace(MD_LINK, (_, text, href) => (text.trim() ? `${text} (${href})` : href));
  // Known Agents' boilerplate asking readers to contact them.
  s = s.replace(/\s*If (you think|you can provide|this is incorrect)[^.]*please contact us\./g, "");
  s = s.replace(/\s+/g, " ").trim();
  // Known Agents truncates long descriptions with an ellipsis: fall back to the last full sentence.
  if (s.endsWith("…")) {
    const cut = s.slice(0, -1).lastIndexOf(". ");
    if (cut > 40) s = s.slice(0, cut + 1);
  }
  return s;
}
const knownAgentsUrl = (raw) => /More info can be found at (https?:\/\/\S+)\s*$/.exec(raw ?? "")?.[1];

// ---------------------------------------------------------------------------------------------
// Categories.
const categories = new Set(JSON.parse(readFileSync(join(root, "packs", "categories.json"), "utf8")).categories.map((c) => c.id));
const KNOWN_AGENTS_TYPES = {
  "AI Data Scrapers": "ai_crawler",
  "AI Data Providers": "ai_crawler",
  "AI Search Crawlers": "ai_search",
  "AI Assistants": "ai_assistant",
  "AI Agents": "ai_agent",
  "AI Coding Agents": "ai_coding_agent",
  "Undocumented AI Agents": "ai_undocumented",
};
// Free-text functions: first matching rule wins. Overrides correct what these get wrong.
const KEYWORDS = [
  [/\bsearch\b/i, "ai_search"],
  [/\b(user[- ]initiated|user prompts?|prompted by|on behalf of|user queries|assistants?|chat|companion)\b/i, "ai_assistant"],
  [/\b(train(s|ed|ing)?|llms?|language models?|machine learning|scrap(e|es|er|ers|ing)|datasets?|data is sold|data collection|collects? data|crawl(s|er|ing)?)\b/i, "ai_crawler"],
];
function keywordCategory(fn) {
  if (Object.hasOwn(KNOWN_AGENTS_TYPES, fn)) return { category: KNOWN_AGENTS_TYPES[fn], how: "Known Agents type" };
  for (const [re, cat] of KEYWORDS) if (re.test(fn)) return { category: cat, how: `keyword ${re.exec(fn)[0].toLowerCase()}` };
  return { category: null, how: "no keyword" };
}

// ---------------------------------------------------------------------------------------------
// Group case and version duplicates.
const keys = Object.keys(robots);
const norm = (k) => k.toLowerCase().replace(/(?:\/| )v?\d+(?:\.\d+)*$/, "");
const groups = new Map();
for (const k of keys) {
  const n = norm(k);
  if (!groups.has(n)) groups.set(n, []);
  groups.get(n).push(k);
}
const canonicalOf = (n, members) => {
  const c = overrides.canonical?.[n];
  if (c !== undefined) {
    if (!members.includes(c)) fail(`canonical["${n}"] = "${c}" is not one of ${members.join(", ")}`);
    return c;
  }
  if (members.length > 1) fail(`keys ${members.join(", ")} merge; name the canonical one in overrides.canonical["${n}"]`);
  return members[0];
};

const botOverrides = overrides.bots ?? {};
const canonicalKeys = new Set();
for (const [n, members] of groups) canonicalKeys.add(canonicalOf(n, members));
for (const k of Object.keys(botOverrides)) if (!canonicalKeys.has(k)) fail(`override for "${k}", which is not a canonical robots.json key`);
for (const n of Object.keys(overrides.canonical ?? {})) if (!groups.has(n)) fail(`canonical["${n}"] matches no robots.json key`);

// ---------------------------------------------------------------------------------------------
// Build the bots.
const SIG_OPTION_ORDER = ["literal", "caseSensitive", "anchorStart", "anchorEnd", "wordStart", "wordEnd", "exclude"];
const orderSig = (s) => Object.fromEntries(SIG_OPTION_ORDER.filter((k) => s[k] !== undefined && s[k] !== false).map((k) => [k, s[k]]));
const FROM = new Set(["isbot", "published", "reported", "constructed"]);
const report = [];
const usedSources = new Set(["ai.robots.txt"]);
const bots = [];

for (const [n, members] of groups) {
  const key = canonicalOf(n, members);
  const o = botOverrides[key] ?? {};
  const entry = robots[key];
  const others = members.filter((k) => k !== key);
  const ordered = [key, ...others];
  const notes = [];

  // Operator and url.
  const cleaned = ordered.map((k) => cleanOperator(robots[k].operator));
  let operator = Object.hasOwn(o, "operator") ? o.operator : (cleaned.find((c) => c.name)?.name ?? null);
  const respectLink = ordered.map((k) => firstLink(robots[k].respect)).find((u) => u && !NOT_DOCS.test(u));
  const url = o.url ?? respectLink ?? cleaned.find((c) => c.url)?.url ?? ordered.map((k) => knownAgentsUrl(robots[k].description)).find(Boolean);

  // robots.txt answer; a merge must not contradict itself.
  const answers = ordered.map((k) => cleanRespect(robots[k].respect)).filter((v) => v !== null);
  if (new Set(answers).size > 1) fail(`${members.join(", ")}: conflicting robots.txt answers`);
  const respectsRobotsTxt = answers.length ? answers[0] : null;

  // Category.
  const fnSource = ordered.find((k) => Object.hasOwn(KNOWN_AGENTS_TYPES, robots[k].function)) ?? key;
  const fn = robots[key].function;
  const auto = keywordCategory(Object.hasOwn(KNOWN_AGENTS_TYPES, fn) ? fn : robots[fnSource].function);
  const category = o.category ?? auto.category;
  if (!category) fail(`"${key}": function "${fn}" maps to no category; add an override`);
  if (!categories.has(category)) fail(`"${key}": category ${category} is not in packs/categories.json`);
  if (!Object.hasOwn(KNOWN_AGENTS_TYPES, fn) || o.category) {
    report.push({ key, function: fn, keyword: auto.category, how: auto.how, final: category, why: o.categoryWhy });
  }

  // Description (+ visit frequency when ai.robots.txt knows it).
  let description = ordered.map((k) => cleanDescription(robots[k].description)).find(Boolean) ?? "";
  if (!description && !Object.hasOwn(KNOWN_AGENTS_TYPES, fn) && !isPlaceholder(fn)) description = stripLinks(fn).trim();
  const frequency = ordered.map((k) => robots[k].frequency).find((f) => !isPlaceholder(f));
  if (frequency) description = `${description}${description ? " " : ""}Visit frequency (ai.robots.txt): ${stripLinks(frequency).trim().replace(/\.?$/, ".")}`;

  // robots.txt token: RFC 9309 product tokens have no spaces; parsers read the token up to one.
  let robotsToken = key;
  if (/\s/.test(key)) {
    robotsToken = key.split(/\s+/)[0];
    notes.push(`ai.robots.txt writes the robots.txt token as "${key}"; robots.txt parsers following RFC 9309 read a product token only up to the space, so the token here is "${robotsToken}".`);
  }
  if (others.length) {
    notes.push(`Merges the ai.robots.txt entries ${ordered.map((k) => `"${k}"`).join(", ")}: the same token in another case or with a version suffix. The signature matches all of them.`);
  }

  // Signatures.
  let signatures;
  if (o.noSignatures) {
    signatures = [];
    notes.push(`No signatures: ${o.noSignatures}`);
  } else if (o.signatures) {
    signatures = o.signatures.map(orderSig);
  } else {
    signatures = [orderSig({ literal: key, wordStart: true, ...(o.signature ?? {}) })];
  }

  // Examples.
  let examples = (o.examples ?? []).map((e) => {
    if (!FROM.has(e.from)) fail(`"${key}": example provenance "${e.from}" is not one of ${[...FROM].join(", ")}`);
    return e;
  });
  if (signatures.length && examples.length === 0) {
    // Common form: Mozilla/5.0 (compatible; Token/1.0; +https://operator-site/).
    const home = ordered.map((k) => firstLink(robots[k].operator)).find(Boolean);
    const site = home ? `${new URL(home).origin}/` : url && !/knownagents\.com|github\.com\/ai-robots-txt/.test(url) ? url.replace(/#.*$/, "") : "";
    const token = signatures[0].literal.replace(/\/$/, "");
    examples = [{ ua: `Mozilla/5.0 (compatible; ${token}${/\s/.test(token) ? "" : "/1.0"}${site ? `; +${site}` : ""})`, from: "constructed" }];
  }
  const froms = new Set(examples.map((e) => e.from));
  if (froms.has("isbot")) usedSources.add("isbot");
  if (examples.length) {
    if (froms.size === 1 && froms.has("constructed")) notes.push("Example constructed; no published user agent.");
    else {
      const parts = [];
      if (froms.has("published")) parts.push("published by the operator");
      if (froms.has("isbot")) parts.push("from isbot's fixtures");
      if (froms.has("reported")) parts.push("as reported by third-party user-agent lists (not checked against the operator's documentation)");
      if (froms.has("constructed")) parts.push("constructed in the common form (no published user agent)");
      notes.push(`Examples ${parts.join("; ")}.`);
    }
  }

  if (o.categoryWhy) notes.push(`Category ${category}: ${o.categoryWhy}.`);
  if (o.operatorWhy) notes.push(`Operator: ${o.operatorWhy}.`);
  if (o.notes) notes.push(o.notes);

  const bot = { name: key, operator: operator ?? null, category, robotsToken, respectsRobotsTxt };
  if (url) bot.url = url;
  if (description) bot.description = description;
  bot.signatures = signatures;
  if (examples.length) bot.examples = examples.map((e) => e.ua);
  if (notes.length) bot.notes = notes.join(" ");
  bots.push(bot);
}

bots.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase(), "en") || a.name.localeCompare(b.name, "en"));

const [y, m, d] = date.split("-");
const sources = [
  { name: "ai.robots.txt", url: "https://github.com/ai-robots-txt/ai.robots.txt", snapshot: `${snapshot} (${date})`, license: "MIT" },
];
if (usedSources.has("isbot")) {
  sources.push({ name: "isbot fixtures (example user agents)", url: "https://github.com/omrilotan/isbot", snapshot: "344052da664bde49579e21f1e62349280791efb3 (2026-07-20)", license: "Unlicense" });
}
const pack = {
  $schema: "../schema/pack-source.schema.json",
  name: "ai-bots",
  version: `${y}.${m}.${d}`,
  description:
    `AI crawlers, AI search crawlers, AI assistants and agents listed by ai.robots.txt (${keys.length} robots.json entries, ` +
    `${bots.length} bots after merging case and version duplicates). Generated by scripts/gen-ai-bots.mjs from robots.json and ` +
    "scripts/ai-bots-overrides.json; do not edit by hand. Signature literals are the robots.txt tokens; bots without signatures " +
    "are robots.txt-only tokens or agents without a user-agent token, and their notes say why.",
  sources,
  bots,
};

writeFileSync(outPath, JSON.stringify(pack, null, 2) + "\n");
const merged = [...groups.values()].filter((g) => g.length > 1);
console.log(`${relative(root, outPath)}: ${bots.length} bots from ${keys.length} robots.json entries (${merged.length} merges: ${merged.map((g) => g.join(" + ")).join("; ")}), ` +
  `${bots.reduce((a, b) => a + b.signatures.length, 0)} signatures, ${bots.filter((b) => b.signatures.length === 0).length} without signatures`);
if (opts.report) {
  console.log("\nfree-text functions and overridden categories:");
  for (const r of report) console.log(`  ${r.key}: "${r.function}" -> ${r.keyword ?? "-"} (${r.how})${r.final !== r.keyword ? ` => override ${r.final}` : ""}${r.why ? ` [${r.why}]` : ""}`);
}
