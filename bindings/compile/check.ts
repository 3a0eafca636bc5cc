// Checks pack sources before compilation and reports every problem with its source, bot and
// field. Mirrors schema/pack-source.schema.json (a test keeps the two in step) but is plain
// code, so compilePack runs where schema validators that generate code cannot (Workers).

import type { BotSource, PackSource, SignatureSource } from "./source.js";
import type { SourceProblem } from "../errors.js";
import { offsetsWithin } from "./naive.js";
import { naiveMatches } from "./naive.js";
import { parseCidr } from "./ipranges.js";

import { CATEGORIES } from "../categories.js";
export { CATEGORIES };

/** Each category's Cloudflare verified-bot category (cf.verified_bot_category), as in packs/categories.json. */
export const CLOUDFLARE_CATEGORY: Readonly<Record<(typeof CATEGORIES)[number], string>> = {
  ai_crawler: "AI Crawler", ai_search: "AI Search", ai_assistant: "AI Assistant", ai_agent: "AI Assistant",
  ai_coding_agent: "AI Assistant", ai_undocumented: "AI Crawler", search_engine: "Search Engine Crawler",
  seo: "Search Engine Optimization", monitoring: "Monitoring & Analytics", advertising: "Advertising & Marketing",
  social_preview: "Page Preview", feed_fetcher: "Feed Fetcher", aggregator: "Aggregator", archiver: "Archiver",
  academic: "Academic Research", security: "Security", accessibility: "Accessibility", webhook: "Webhooks",
  http_library: "Other", headless_browser: "Other", other: "Other",
};

const BOT_KEYS = new Set(["name", "operator", "category", "generic", "robotsToken", "respectsRobotsTxt", "url", "description", "signatures", "examples", "notes"]);
const SIGNATURE_KEYS = new Set(["literal", "caseSensitive", "anchorStart", "anchorEnd", "wordStart", "wordEnd", "exclude"]);
const SOURCE_KEYS = new Set(["$schema", "name", "version", "description", "sources", "bots", "ipRanges", "heuristics", "fingerprints"]);
/** botsift's header fingerprint format: method, version, key headers, count, order and hash. */
export const FINGERPRINT_FORMAT = /^[a-z]{2}(00|10|11|20|30)-[0-9a-f]{2}-[0-9]{2}-[os][0-9a-f]{11}$/;
const HEURISTIC_KEYS = new Set(["id", "detectionId", "description", "evidence", "expression", "score"]);
const RANGE_KEYS = new Set(["id", "userAgents", "authoritative", "source", "updated", "ipv4", "ipv6"]);
const utf8 = new TextEncoder();

export interface NamedSource {
  /** File path or other label used in error messages. */
  label: string;
  source: PackSource;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns every problem found in `sources`; an empty list means they compile. */
export function checkSources(sources: NamedSource[]): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const botNames = new Map<string, string>();
  for (const { label, source } of sources) {
    const at = (field: string, message: string, bot?: string) => problems.push({ source: label, bot, field, message });
    if (!isObject(source)) { at("$", "a pack source must be a JSON object"); continue; }
    for (const k of Object.keys(source)) if (!SOURCE_KEYS.has(k)) at(k, `unknown property "${k}"`);
    if (typeof source.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(source.name)) at("name", "must be a lower-case id such as \"ai-bots\"");
    if (typeof source.version !== "string" || source.version === "") at("version", "must be a non-empty string");
    checkRanges(source, at);
    checkHeuristics(source, at);
    if (source.fingerprints !== undefined) {
      if (!Array.isArray(source.fingerprints)) at("fingerprints", "must be an array of { fingerprint, label }");
      else source.fingerprints.forEach((f, i) => {
        if (!isObject(f) || typeof f.fingerprint !== "string" || !FINGERPRINT_FORMAT.test(f.fingerprint)) at(`fingerprints[${i}].fingerprint`, "must be a botsift header fingerprint such as \"ge11-01-03-o3a5c0e19b7d2\"");
        else if (typeof f.label !== "string" || f.label === "") at(`fingerprints[${i}].label`, "must name what sends it");
      });
    }
    if (!Array.isArray(source.bots)) { at("bots", "must be an array of bots"); continue; }
    source.bots.forEach((bot: BotSource, i: number) => {
      const path = `bots[${i}]`;
      if (!isObject(bot)) { at(path, "must be an object"); return; }
      const name = typeof bot.name === "string" ? bot.name : undefined;
      const botAt = (field: string, message: string) => at(`${path}.${field}`, message, name);
      for (const k of Object.keys(bot)) if (!BOT_KEYS.has(k)) botAt(k, `unknown property "${k}"`);
      if (name === undefined || name.length === 0 || name.length > 100) botAt("name", "must be a string of 1 to 100 characters");
      else if (botNames.has(name.toLowerCase())) botAt("name", `duplicate bot name (also in ${botNames.get(name.toLowerCase())})`);
      else botNames.set(name.toLowerCase(), label);
      if (bot.operator !== null && typeof bot.operator !== "string") botAt("operator", "must be a string or null");
      if (!(CATEGORIES as readonly string[]).includes(bot.category)) botAt("category", `unknown category "${String(bot.category)}"; one of ${CATEGORIES.join(", ")}`);
      for (const k of ["generic"] as const) if (bot[k] !== undefined && typeof bot[k] !== "boolean") botAt(k, "must be a boolean");
      if (bot.respectsRobotsTxt !== undefined && bot.respectsRobotsTxt !== null && typeof bot.respectsRobotsTxt !== "boolean") botAt("respectsRobotsTxt", "must be true, false or null");
      if (bot.robotsToken !== undefined && bot.robotsToken !== null && (typeof bot.robotsToken !== "string" || /[\s:]/.test(bot.robotsToken))) botAt("robotsToken", "must be a token without spaces or colons, or null");
      for (const k of ["url", "description", "notes"] as const) if (bot[k] !== undefined && typeof bot[k] !== "string") botAt(k, "must be a string");
      if (!Array.isArray(bot.signatures)) { botAt("signatures", "must be an array (empty for a robots.txt-only token)"); return; }
      bot.signatures.forEach((sig: SignatureSource, j: number) => checkSignature(sig, (f, m) => botAt(`signatures[${j}]${f}`, m)));
      if (bot.examples !== undefined) {
        if (!Array.isArray(bot.examples) || bot.examples.some((e) => typeof e !== "string")) { botAt("examples", "must be an array of strings"); return; }
        const sigsOk = bot.signatures.every((s) => isObject(s) && typeof s.literal === "string");
        if (sigsOk) bot.examples.forEach((ex, k) => {
          if (!bot.signatures.some((s) => naiveMatches(s, ex))) botAt(`examples[${k}]`, `no signature of this bot matches "${ex}"`);
        });
      }
    });
  }
  return problems;
}

function checkSignature(sig: SignatureSource, at: (field: string, message: string) => void): void {
  if (!isObject(sig)) { at("", "must be an object"); return; }
  for (const k of Object.keys(sig)) if (!SIGNATURE_KEYS.has(k)) at(`.${k}`, `unknown property "${k}"`);
  for (const k of ["caseSensitive", "anchorStart", "anchorEnd", "wordStart", "wordEnd"] as const) {
    if (sig[k] !== undefined && typeof sig[k] !== "boolean") at(`.${k}`, "must be a boolean");
  }
  if (typeof sig.literal !== "string") { at(".literal", "must be a string"); return; }
  const lit = utf8.encode(sig.literal);
  if (lit.length < 2 || lit.length > 128) { at(".literal", `must be 2 to 128 bytes long, is ${lit.length}`); return; }
  if (sig.exclude === undefined) return;
  if (!Array.isArray(sig.exclude)) { at(".exclude", "must be an array of strings"); return; }
  sig.exclude.forEach((ex, k) => {
    if (typeof ex !== "string") { at(`.exclude[${k}]`, "must be a string"); return; }
    const bytes = utf8.encode(ex);
    if (bytes.length <= lit.length || bytes.length > 128) at(`.exclude[${k}]`, `must be longer than the literal and at most 128 bytes`);
    else if (offsetsWithin(bytes, lit, sig.caseSensitive === true).length === 0) at(`.exclude[${k}]`, `"${ex}" does not contain the literal "${sig.literal}"`);
  });
}

function checkRanges(source: PackSource, at: (field: string, message: string) => void): void {
  if (source.ipRanges === undefined) return;
  if (!Array.isArray(source.ipRanges)) { at("ipRanges", "must be an array of range lists"); return; }
  source.ipRanges.forEach((list, i) => {
    const path = `ipRanges[${i}]`;
    if (!isObject(list)) { at(path, "must be an object"); return; }
    for (const k of Object.keys(list)) if (!RANGE_KEYS.has(k)) at(`${path}.${k}`, `unknown property "${k}"`);
    if (typeof list.id !== "string" || list.id === "") at(`${path}.id`, "must be a non-empty string");
    if (typeof list.authoritative !== "boolean") at(`${path}.authoritative`, "must be a boolean");
    if (!Array.isArray(list.userAgents) || list.userAgents.length === 0 || list.userAgents.some((g) => typeof g !== "string" || g === "")) {
      at(`${path}.userAgents`, "must be a non-empty array of user-agent globs such as \"*GPTBot*\"");
    }
    for (const family of ["ipv4", "ipv6"] as const) {
      const prefixes = list[family];
      if (prefixes === undefined && family === "ipv6") continue;
      if (!Array.isArray(prefixes)) { at(`${path}.${family}`, "must be an array of CIDRs"); continue; }
      prefixes.forEach((c, k) => {
        const parsed = typeof c === "string" ? parseCidr(c) : null;
        if (parsed === null || parsed.v6 !== (family === "ipv6")) at(`${path}.${family}[${k}]`, `"${String(c)}" is not an ${family === "ipv6" ? "IPv6" : "IPv4"} CIDR`);
      });
    }
  });
}

function checkHeuristics(source: PackSource, at: (field: string, message: string) => void): void {
  if (source.heuristics === undefined) return;
  if (!Array.isArray(source.heuristics)) { at("heuristics", "must be an array"); return; }
  source.heuristics.forEach((h, i) => {
    const path = `heuristics[${i}]`;
    if (!isObject(h)) { at(path, "must be an object"); return; }
    for (const k of Object.keys(h)) if (!HEURISTIC_KEYS.has(k)) at(`${path}.${k}`, `unknown property "${k}"`);
    if (typeof h.id !== "string" || !/^[a-z0-9][a-z0-9_-]*$/.test(h.id)) at(`${path}.id`, "must be a lower-case id such as \"ua-empty\"");
    if (!Number.isInteger(h.detectionId) || h.detectionId < 1001 || h.detectionId > 99999) at(`${path}.detectionId`, "must be an integer from 1001 to 99999 (signature ids are hashes ≥ 1,000,000; 1000 is the spoofed-crawler id)");
    if (!Number.isInteger(h.score) || h.score < 1 || h.score > 99) at(`${path}.score`, "must be an integer from 1 to 99: the score this evidence alone implies");
    if (typeof h.description !== "string" || h.description.length < 10) at(`${path}.description`, "must say what the heuristic catches");
    if (typeof h.expression !== "string") at(`${path}.expression`, "must be a rules-language expression");
  });
}
