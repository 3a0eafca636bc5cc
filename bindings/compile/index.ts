// compilePack: pack sources → one binary pack. Checks the sources, assigns detection ids and
// priorities, extracts every literal into one Aho-Corasick automaton and encodes the tables.

import * as F from "../format.js";
import { PackSourceError } from "../errors.js";
import type { PackSource, SignatureSource, BotSource } from "./source.js";
import { checkSources, type NamedSource } from "./check.js";
import { buildAutomaton } from "./automaton.js";
import { encodeTrie } from "./literals.js";
import { encodePrefilter } from "./prefilter.js";
import { encodePack, fnv1a, SectionWriter } from "./encode.js";
import { foldByte, offsetsWithin } from "./naive.js";
import { encodeIpSections, linkBots } from "./ipranges.js";
import { compileRules, type BotStrings } from "./rules.js";
import { CLOUDFLARE_CATEGORY } from "./check.js";
import type { Category } from "./source.js";

/** Detection id reported when a request claims a bot that publishes its ranges from elsewhere. */
export const SPOOFED_DETECTION_ID = 1000;

export type { PackSource, BotSource, SignatureSource, Category, IpRangeListSource } from "./source.js";
export type { NamedSource } from "./check.js";
export { CATEGORIES } from "./check.js";

export interface CompileOptions {
  /** Score of a request with no evidence of automation (30–99). */
  humanScore?: number;
  /** Score of a request that matched a signature (1–29; Cloudflare uses 1). */
  botScore?: number;
  /** Bytes of a field scanned at most; longer values are scanned up to here and flagged. */
  maxFieldLength?: number;
}

/** Bot metadata carried in the pack for the host; the engine never reads it. */
export interface PackMeta {
  name: string;
  version: string;
  sources: { name: string; version: string }[];
  bots: {
    name: string; operator: string | null; category: string; generic: boolean;
    robotsToken: string | null; respectsRobotsTxt: boolean | null; url: string | null;
    /** The bot publishes address ranges: its requests can be verified (and, if authoritative, caught spoofed). */
    verifiable: boolean;
  }[];
  /** Labels of known header fingerprints. */
  fingerprints: Record<string, string>;
  /** The heuristics, in evaluation order. */
  heuristics: { id: string; detectionId: number; description: string; score: number }[];
  /** The address range lists, in list-id order. */
  ipRanges: { id: string; source: string | null; updated: string | null; authoritative: boolean; prefixes: number }[];
  /** How many signatures the pack has (their literals stay in the sources: the pack carries only tables). */
  signatureCount: number;
}

const utf8 = new TextEncoder();

/** A stable detection id per (bot, signature): the same source text always gets the same id. */
export function detectionId(bot: string, sig: SignatureSource): number {
  const key = [bot, sig.literal, sig.caseSensitive ? "c" : "", sig.anchorStart ? "^" : "", sig.anchorEnd ? "$" : "",
    sig.wordStart ? "<" : "", sig.wordEnd ? ">" : "", ...(sig.exclude ?? [])].join("\u0000");
  // Keep clear of small numbers so ids read as ids; 1e6 … 2^31.
  return 1_000_000 + (fnv1a(utf8.encode(key)) % 2_146_000_000);
}

/** Specific beats generic; longer and more constrained literals beat shorter ones. */
function priority(bot: BotSource, sig: SignatureSource): number {
  const constraints = (sig.anchorStart ? 4 : 0) + (sig.anchorEnd ? 4 : 0) + (sig.wordStart ? 2 : 0) + (sig.wordEnd ? 2 : 0) + (sig.caseSensitive ? 1 : 0);
  return (bot.generic ? 0 : 1 << 20) + utf8.encode(sig.literal).length * 16 + constraints;
}

function labelled(s: PackSource | NamedSource): NamedSource {
  return "label" in s && "source" in s ? s : { label: (s as PackSource).name ?? "(unnamed source)", source: s as PackSource };
}

function foldBytes(b: Uint8Array): string {
  return String.fromCharCode(...b.map(foldByte));
}

/**
 * Compiles pack sources into a binary pack. Throws PackSourceError listing every problem.
 * Sources may be given as plain objects or as `{ label, source }` to name a file in errors.
 */
export async function compilePack(sources: (PackSource | NamedSource)[], options: CompileOptions = {}): Promise<Uint8Array> {
  return compilePackSync(sources, options);
}

export function compilePackSync(sources: (PackSource | NamedSource)[], options: CompileOptions = {}): Uint8Array {
  const named = sources.map(labelled);
  const problems = checkSources(named);
  const humanScore = options.humanScore ?? 99;
  const botScore = options.botScore ?? 1;
  const maxFieldLength = options.maxFieldLength ?? 8192;
  if (!Number.isInteger(humanScore) || humanScore < 30 || humanScore > 99) problems.push({ source: "options", field: "humanScore", message: "must be an integer from 30 to 99" });
  if (!Number.isInteger(botScore) || botScore < 1 || botScore > 29) problems.push({ source: "options", field: "botScore", message: "must be an integer from 1 to 29" });
  if (!Number.isInteger(maxFieldLength) || maxFieldLength < 64 || maxFieldLength > 1 << 20) problems.push({ source: "options", field: "maxFieldLength", message: "must be an integer from 64 to 1048576" });
  if (problems.length) throw new PackSourceError(problems);

  const meta: PackMeta = {
    name: named.map((n) => n.source.name).join("+"),
    version: named.map((n) => n.source.version).join("+"),
    sources: named.map((n) => ({ name: n.source.name, version: n.source.version })),
    bots: [],
    signatureCount: 0,
    ipRanges: [],
    heuristics: [],
    fingerprints: {},
  };
  for (const { source } of named) for (const f of source.fingerprints ?? []) meta.fingerprints[f.fingerprint] = f.label;
  const allBots = named.flatMap((n) => n.source.bots);
  const rangeLists = named.flatMap((n) => n.source.ipRanges ?? []);
  const links = linkBots(allBots, rangeLists);
  meta.ipRanges = rangeLists.map((l) => ({ id: l.id, source: l.source ?? null, updated: l.updated ?? null, authoritative: l.authoritative, prefixes: l.ipv4.length + (l.ipv6?.length ?? 0) }));
  // Patterns are distinct folded literals; each carries the checks that consult it.
  const patternIndex = new Map<string, number>();
  const patternBytes: Uint8Array[] = [];
  const checksOf: number[][][] = []; // per pattern: [flags, signature, offset, stringsOffset]
  const strings = new SectionWriter();
  let stringsLength = 0;
  const signatures: number[] = [];
  const ids = new Map<number, string>();

  const addCheck = (bytes: Uint8Array, check: [number, number, number], caseSensitive: boolean) => {
    const key = foldBytes(bytes);
    let p = patternIndex.get(key);
    if (p === undefined) { p = patternBytes.length; patternIndex.set(key, p); patternBytes.push(bytes.map(foldByte)); checksOf.push([]); }
    let literalAt = 0;
    if (caseSensitive) { literalAt = stringsLength; strings.bytes(bytes); stringsLength += bytes.length; }
    checksOf[p].push([check[0] | (caseSensitive ? F.CHECK_CASE_SENSITIVE : 0), check[1], check[2], literalAt]);
  };

  for (const { source } of named) {
    for (const bot of source.bots) {
      const botIndex = meta.bots.length;
      meta.bots.push({
        name: bot.name, operator: bot.operator ?? null, category: bot.category, generic: bot.generic === true,
        robotsToken: bot.robotsToken ?? null, respectsRobotsTxt: bot.respectsRobotsTxt ?? null, url: bot.url ?? null,
        verifiable: links[botIndex].lists.length > 0,
      });
      for (const sig of bot.signatures) {
        const sigIndex = meta.signatureCount++;
        const id = detectionId(bot.name, sig);
        const clash = ids.get(id);
        if (clash !== undefined) throw new PackSourceError([{ source: source.name, bot: bot.name, field: "signatures", message: `detection id ${id} collides with ${clash}; change the signature slightly` }]);
        ids.set(id, `${bot.name}: ${sig.literal}`);
        const lit = utf8.encode(sig.literal);
        const cs = sig.caseSensitive === true;
        const flags = (sig.anchorStart ? F.CHECK_ANCHOR_START : 0) | (sig.anchorEnd ? F.CHECK_ANCHOR_END : 0)
          | (sig.wordStart ? F.CHECK_WORD_START : 0) | (sig.wordEnd ? F.CHECK_WORD_END : 0);
        addCheck(lit, [flags, sigIndex, 0], cs);
        const exclusions = sig.exclude ?? [];
        for (const ex of exclusions) {
          const exBytes = utf8.encode(ex);
          for (const k of offsetsWithin(exBytes, lit, cs)) addCheck(exBytes, [F.CHECK_EXCLUSION, sigIndex, k], cs);
        }
        signatures.push(botIndex, id, priority(bot, sig), exclusions.length ? F.SIGNATURE_HAS_EXCLUSIONS : 0);
      }
    }
  }

  const heuristics = named.flatMap((n) => (n.source.heuristics ?? []).map((h, i) => ({ label: n.label, i, h })));
  meta.heuristics = heuristics.map(({ h }) => ({ id: h.id, detectionId: h.detectionId, description: h.description, score: h.score }));
  const seen = new Map<string, string>();
  for (const { label, i, h } of heuristics) {
    for (const key of [`id ${h.id}`, `detection id ${h.detectionId}`]) {
      if (seen.has(key)) throw new PackSourceError([{ source: label, field: `heuristics[${i}]`, message: `duplicate ${key} (also in ${seen.get(key)})` }]);
      seen.set(key, label);
    }
  }
  const ruleSections: [number, Uint8Array][] = [];
  if (heuristics.length > 0) {
    try {
      const compiled = compileRules(heuristics.map(({ h }) => h), F.RULE_KIND_HEURISTIC, botStrings(meta.bots), {}, true);
      ruleSections.push([F.SECTION_HEURISTICS, compiled.section]);
      // User-agent literals of the heuristics that run on a bare user agent join the signature automaton: one scan finds both.
      for (const id of compiled.shared) addCheck(compiled.atoms[id].bytes, [F.CHECK_ATOM, id, 0], compiled.atoms[id].caseSensitive);
    } catch (e) {
      const which = heuristics.find(({ h }) => (e as Error).message.includes(`"${h.id}"`));
      throw new PackSourceError([{ source: which?.label ?? "heuristics", field: which ? `heuristics[${which.i}].expression` : "heuristics", message: (e as Error).message }]);
    }
  }
  const auto = buildAutomaton(patternBytes);
  const automaton = encodeTrie(auto);
  const patterns = new SectionWriter().u32(patternBytes.length);
  const checks = new SectionWriter();
  let checkCount = 0;
  patternBytes.forEach((bytes, p) => {
    patterns.u32(bytes.length, checkCount, checksOf[p].length);
    for (const c of checksOf[p]) checks.u32(...c);
    checkCount += checksOf[p].length;
  });
  const checksSection = new SectionWriter().u32(checkCount).bytes(checks.finish());
  const sigSection = new SectionWriter().u32(signatures.length / 4, meta.bots.length).u32s(signatures);
  const params = new SectionWriter().u32(humanScore, botScore, maxFieldLength, SPOOFED_DETECTION_ID);
  const ipSections: [number, Uint8Array][] = [...ruleSections];
  if (rangeLists.length > 0) {
    const [ranges, verify] = encodeIpSections(allBots, rangeLists);
    ipSections.push([F.SECTION_IP_RANGES, ranges], [F.SECTION_BOT_VERIFY, verify]);
  }
  return encodePack([
    ...ipSections,
    [F.SECTION_PARAMS, params.finish()],
    [F.SECTION_SIGNATURES, sigSection.finish()],
    [F.SECTION_CHECKS, checksSection.finish()],
    [F.SECTION_PATTERNS, patterns.finish()],
    [F.SECTION_AUTOMATON, automaton],
    [F.SECTION_PREFILTER, encodePrefilter(patternBytes)],
    [F.SECTION_STRINGS, strings.finish()],
    [F.SECTION_META, utf8.encode(JSON.stringify(meta))],
  ]);
}

/** What rules read about each bot: its name, operator, category and Cloudflare category. */
export function botStrings(bots: readonly { name: string; operator: string | null; category: string }[]): BotStrings[] {
  return bots.map((b) => ({ name: b.name, operator: b.operator, category: b.category, cloudflareCategory: CLOUDFLARE_CATEGORY[b.category as Category] ?? "Other" }));
}
