// Reading and validating a pack. Nothing in a pack is trusted until this file has checked
// every count, offset and length against the bytes actually present; the scanner then reads
// the tables without further bounds checks.

import { readRules, heuristics, customRules } from "./rules";
import { Trie, readTrie } from "./trie";
import { shareAtoms } from "./literals";
import {
  PACK_MAGIC, PACK_FORMAT_VERSION, HEADER_SIZE, HEADER_MAGIC, HEADER_VERSION, HEADER_TOTAL_LENGTH,
  HEADER_CHECKSUM, HEADER_SECTION_COUNT, CHECKSUM_FROM, SECTION_ENTRY_SIZE, MAX_SECTIONS,
  SECTION_AUTOMATON, SECTION_PATTERNS, SECTION_LIMIT, SECTION_IP_RANGES, SECTION_BOT_VERIFY,
  IP_V4_INTERVAL_SIZE, IP_V6_INTERVAL_SIZE, BOT_VERIFY_SIZE, PARAM_SPOOFED_DETECTION, STATUS_BAD_IP_RANGES,
  SECTION_HEURISTICS, SECTION_CUSTOM_RULES, SECTION_PREFILTER, RULE_KIND_HEURISTIC, RULE_KIND_CUSTOM, STATUS_BAD_RULES, SECTION_CHECKS, SECTION_SIGNATURES, SECTION_STRINGS, SECTION_PARAMS,
  PATTERN_SIZE, CHECK_SIZE, SIGNATURE_SIZE, PARAMS_SIZE,
  PARAM_HUMAN_SCORE, PARAM_BOT_SCORE, PARAM_MAX_FIELD_LENGTH,
  CHECK_EXCLUSION, CHECK_CASE_SENSITIVE, CHECK_ANCHOR_START, CHECK_ANCHOR_END, CHECK_WORD_START, CHECK_WORD_END, CHECK_ATOM,
  SIGNATURE_HAS_EXCLUSIONS,
  STATUS_OK, STATUS_BAD_MAGIC, STATUS_BAD_VERSION, STATUS_BAD_LENGTH, STATUS_BAD_CHECKSUM, STATUS_BAD_SECTION,
  STATUS_BAD_AUTOMATON, STATUS_BAD_PATTERNS, STATUS_BAD_CHECKS, STATUS_BAD_SIGNATURES, STATUS_BAD_PARAMS,
} from "../bindings/format";

/** The validated tables of the loaded pack, as absolute addresses in linear memory. */
export class Tables {
  /** The signatures' automaton. */
  trie: Trie = new Trie();
  /** Per-pattern prefilter key offsets (u8), or 0 when the pack has none (keys at offset 0). */
  keyOffsets: usize = 0;
  maxKeyOffset: u32 = 0;
  patternCount: u32 = 0;
  patterns: usize = 0;
  checkCount: u32 = 0;
  checks: usize = 0;
  signatureCount: u32 = 0;
  botCount: u32 = 0;
  signatures: usize = 0;
  strings: usize = 0;
  stringsLength: u32 = 0;
  v4Count: u32 = 0;
  v4: usize = 0;
  v6Count: u32 = 0;
  v6: usize = 0;
  sets: usize = 0;
  setWords: u32 = 0;
  /** 0 when the pack has no verification data. */
  botVerify: usize = 0;
  verifyLists: usize = 0;
  spoofedDetection: u32 = 0;
  humanScore: u32 = 99;
  botScore: u32 = 1;
  maxFieldLength: u32 = 8192;
}

export const tables = new Tables();

const CHECK_KNOWN_FLAGS: u32 = CHECK_EXCLUSION | CHECK_CASE_SENSITIVE | CHECK_ANCHOR_START | CHECK_ANCHOR_END | CHECK_WORD_START | CHECK_WORD_END | CHECK_ATOM;
const MAX_PATTERN_LENGTH: u32 = 4096;

/** FNV-1a over `len` bytes; the compiler computes the same over the same bytes. */
export function fnv1a(ptr: usize, len: usize): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i: usize = 0; i < len; i++) {
    h ^= <u32>load<u8>(ptr + i);
    h *= 0x01000193;
  }
  return h;
}

// Section lookups fill these; 0 length means absent.
let sectionOffset = new StaticArray<u32>(SECTION_LIMIT);
let sectionLength = new StaticArray<u32>(SECTION_LIMIT);

/** Validates the pack at `base` (`len` bytes) and fills `tables`. Returns a status code. */
export function validatePack(base: usize, len: u32): i32 {
  if (len < <u32>HEADER_SIZE) return STATUS_BAD_LENGTH;
  if (load<u32>(base + HEADER_MAGIC) != <u32>PACK_MAGIC) return STATUS_BAD_MAGIC;
  if (<i32>load<u16>(base + HEADER_VERSION) != PACK_FORMAT_VERSION) return STATUS_BAD_VERSION;
  if (load<u16>(base + HEADER_VERSION + 2) != 0) return STATUS_BAD_VERSION;
  if (load<u32>(base + HEADER_TOTAL_LENGTH) != len) return STATUS_BAD_LENGTH;
  if (fnv1a(base + CHECKSUM_FROM, len - CHECKSUM_FROM) != load<u32>(base + HEADER_CHECKSUM)) return STATUS_BAD_CHECKSUM;
  const count = load<u32>(base + HEADER_SECTION_COUNT);
  if (count > <u32>MAX_SECTIONS) return STATUS_BAD_SECTION;
  if (<u64>HEADER_SIZE + <u64>count * SECTION_ENTRY_SIZE > <u64>len) return STATUS_BAD_SECTION;
  for (let i = 0; i < SECTION_LIMIT; i++) { sectionOffset[i] = 0; sectionLength[i] = 0; }
  for (let i: u32 = 0; i < count; i++) {
    const entry = base + HEADER_SIZE + i * SECTION_ENTRY_SIZE;
    const id = load<u32>(entry);
    const offset = load<u32>(entry + 4);
    const length = load<u32>(entry + 8);
    if (id == 0 || id >= <u32>SECTION_LIMIT) return STATUS_BAD_SECTION;
    if ((offset & 3) != 0) return STATUS_BAD_SECTION;
    if (<u64>offset + <u64>length > <u64>len) return STATUS_BAD_SECTION;
    if (offset < <u32>HEADER_SIZE + count * SECTION_ENTRY_SIZE) return STATUS_BAD_SECTION;
    if (sectionLength[id] != 0 || sectionOffset[id] != 0) return STATUS_BAD_SECTION;
    sectionOffset[id] = offset;
    sectionLength[id] = length;
  }
  let status = readParams(base);
  if (status != STATUS_OK) return status;
  status = readStrings(base);
  if (status != STATUS_OK) return status;
  status = readSignatures(base);
  if (status != STATUS_OK) return status;
  status = readChecks(base);
  if (status != STATUS_OK) return status;
  status = readPatterns(base);
  if (status != STATUS_OK) return status;
  status = readIpRanges(base);
  if (status != STATUS_OK) return status;
  status = readAutomaton(base);
  if (status != STATUS_OK) return status;
  if (!readPrefilter(base)) return STATUS_BAD_AUTOMATON;
  if (!readRules(heuristics, RULE_KIND_HEURISTIC, base + sectionOffset[SECTION_HEURISTICS], sectionLength[SECTION_HEURISTICS], tables.botCount)) return STATUS_BAD_RULES;
  if (!shareAtoms()) return STATUS_BAD_CHECKS;
  if (!readRules(customRules, RULE_KIND_CUSTOM, base + sectionOffset[SECTION_CUSTOM_RULES], sectionLength[SECTION_CUSTOM_RULES], tables.botCount)) return STATUS_BAD_RULES;
  return STATUS_OK;
}

function readParams(base: usize): i32 {
  if (sectionLength[SECTION_PARAMS] != <u32>PARAMS_SIZE) return STATUS_BAD_PARAMS;
  const p = base + sectionOffset[SECTION_PARAMS];
  const human = load<u32>(p + PARAM_HUMAN_SCORE);
  const bot = load<u32>(p + PARAM_BOT_SCORE);
  const maxField = load<u32>(p + PARAM_MAX_FIELD_LENGTH);
  if (human < 30 || human > 99 || bot < 1 || bot > 29) return STATUS_BAD_PARAMS;
  if (maxField < 64 || maxField > 1 << 20) return STATUS_BAD_PARAMS;
  tables.spoofedDetection = load<u32>(p + PARAM_SPOOFED_DETECTION);
  tables.humanScore = human;
  tables.botScore = bot;
  tables.maxFieldLength = maxField;
  return STATUS_OK;
}

function readStrings(base: usize): i32 {
  tables.strings = base + sectionOffset[SECTION_STRINGS];
  tables.stringsLength = sectionLength[SECTION_STRINGS];
  return STATUS_OK;
}

function readSignatures(base: usize): i32 {
  const length = sectionLength[SECTION_SIGNATURES];
  if (length < 8) return STATUS_BAD_SIGNATURES;
  const p = base + sectionOffset[SECTION_SIGNATURES];
  const sigCount = load<u32>(p);
  const botCount = load<u32>(p + 4);
  if (<u64>8 + <u64>sigCount * SIGNATURE_SIZE != <u64>length) return STATUS_BAD_SIGNATURES;
  if (botCount > 1 << 20) return STATUS_BAD_SIGNATURES;
  for (let i: u32 = 0; i < sigCount; i++) {
    const s = p + 8 + i * SIGNATURE_SIZE;
    if (load<u32>(s) >= botCount) return STATUS_BAD_SIGNATURES;
    if ((load<u32>(s + 12) & ~SIGNATURE_HAS_EXCLUSIONS) != 0) return STATUS_BAD_SIGNATURES;
  }
  tables.signatureCount = sigCount;
  tables.botCount = botCount;
  tables.signatures = p + 8;
  return STATUS_OK;
}

function readChecks(base: usize): i32 {
  const length = sectionLength[SECTION_CHECKS];
  if (length < 4) return STATUS_BAD_CHECKS;
  const p = base + sectionOffset[SECTION_CHECKS];
  const n = load<u32>(p);
  if (<u64>4 + <u64>n * CHECK_SIZE != <u64>length) return STATUS_BAD_CHECKS;
  for (let i: u32 = 0; i < n; i++) {
    const c = p + 4 + i * CHECK_SIZE;
    const flags = load<u32>(c);
    if ((flags & ~CHECK_KNOWN_FLAGS) != 0) return STATUS_BAD_CHECKS;
    const sig = load<u32>(c + 4);
    // Atom checks name heuristics atoms, checked once the heuristics are read (shareAtoms).
    if ((flags & CHECK_ATOM) != 0) { if ((flags & CHECK_EXCLUSION) != 0) return STATUS_BAD_CHECKS; continue; }
    if (sig >= tables.signatureCount) return STATUS_BAD_CHECKS;
    // An exclusion on a signature not flagged as having exclusions would never be consulted.
    if ((flags & CHECK_EXCLUSION) != 0 && (load<u32>(tables.signatures + sig * SIGNATURE_SIZE + 12) & SIGNATURE_HAS_EXCLUSIONS) == 0) return STATUS_BAD_CHECKS;
  }
  tables.checkCount = n;
  tables.checks = p + 4;
  return STATUS_OK;
}

function readPatterns(base: usize): i32 {
  const length = sectionLength[SECTION_PATTERNS];
  if (length < 4) return STATUS_BAD_PATTERNS;
  const p = base + sectionOffset[SECTION_PATTERNS];
  const n = load<u32>(p);
  if (<u64>4 + <u64>n * PATTERN_SIZE != <u64>length) return STATUS_BAD_PATTERNS;
  for (let i: u32 = 0; i < n; i++) {
    const e = p + 4 + i * PATTERN_SIZE;
    const plen = load<u32>(e);
    const start = load<u32>(e + 4);
    const cnt = load<u32>(e + 8);
    if (plen == 0 || plen > MAX_PATTERN_LENGTH) return STATUS_BAD_PATTERNS;
    if (<u64>start + <u64>cnt > <u64>tables.checkCount) return STATUS_BAD_PATTERNS;
    // Case-sensitive checks compare against the original bytes, which must lie inside STRINGS.
    for (let k: u32 = 0; k < cnt; k++) {
      const c = tables.checks + (start + k) * CHECK_SIZE;
      if ((load<u32>(c) & CHECK_CASE_SENSITIVE) != 0 && <u64>load<u32>(c + 12) + <u64>plen > <u64>tables.stringsLength) return STATUS_BAD_PATTERNS;
    }
  }
  tables.patternCount = n;
  tables.patterns = p + 4;
  return STATUS_OK;
}

function readAutomaton(base: usize): i32 {
  const ok = readTrie(tables.trie, base + sectionOffset[SECTION_AUTOMATON], sectionLength[SECTION_AUTOMATON], tables.patternCount);
  return ok ? STATUS_OK : STATUS_BAD_AUTOMATON;
}

/** Checks a set offset: inside the set words, with its ids inside too. */
function validSet(set: u32, setWords: u32, lists: u32): bool {
  if (set >= setWords) return false;
  const count = load<u32>(tables.sets + (<usize>set << 2));
  if (<u64>set + 1 + <u64>count > <u64>setWords) return false;
  for (let k: u32 = 0; k < count; k++) if (load<u32>(tables.sets + (<usize>(set + 1 + k) << 2)) >= lists) return false;
  return true;
}

/** 128-bit compare of two big-endian 4-word values: -1, 0, 1. */
export function compare128(a: usize, b: usize): i32 {
  for (let w: usize = 0; w < 16; w += 4) {
    const x = load<u32>(a + w), y = load<u32>(b + w);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** IP_RANGES and BOT_VERIFY are optional together: a pack without them verifies nothing. */
function readIpRanges(base: usize): i32 {
  const rangesLength = sectionLength[SECTION_IP_RANGES];
  const verifyLength = sectionLength[SECTION_BOT_VERIFY];
  if (rangesLength == 0 && verifyLength == 0) { tables.botVerify = 0; return STATUS_OK; }
  if (rangesLength < 12 || verifyLength < 8) return STATUS_BAD_IP_RANGES;
  const p = base + sectionOffset[SECTION_IP_RANGES];
  const v4Count = load<u32>(p), v6Count = load<u32>(p + 4), setWords = load<u32>(p + 8);
  const size: u64 = 12 + <u64>v4Count * IP_V4_INTERVAL_SIZE + <u64>v6Count * IP_V6_INTERVAL_SIZE + <u64>setWords * 4;
  if (size != <u64>rangesLength) return STATUS_BAD_IP_RANGES;
  tables.v4Count = v4Count;
  tables.v4 = p + 12;
  tables.v6Count = v6Count;
  tables.v6 = tables.v4 + <usize>v4Count * IP_V4_INTERVAL_SIZE;
  tables.sets = tables.v6 + <usize>v6Count * IP_V6_INTERVAL_SIZE;
  tables.setWords = setWords;
  // BOT_VERIFY first: it says how many range lists exist.
  const q = base + sectionOffset[SECTION_BOT_VERIFY];
  const bots = load<u32>(q);
  if (bots != tables.botCount) return STATUS_BAD_IP_RANGES;
  const listTotal = load<u32>(q + 4);
  if (<u64>8 + <u64>bots * BOT_VERIFY_SIZE + <u64>listTotal * 4 + 4 != <u64>verifyLength) return STATUS_BAD_IP_RANGES;
  const lists = load<u32>(q + 8 + <usize>bots * BOT_VERIFY_SIZE + <usize>listTotal * 4);
  tables.botVerify = q + 8;
  tables.verifyLists = q + 8 + <usize>bots * BOT_VERIFY_SIZE;
  for (let b: u32 = 0; b < bots; b++) {
    const e = tables.botVerify + <usize>b * BOT_VERIFY_SIZE;
    if (<u64>load<u32>(e + 4) + <u64>load<u32>(e + 8) > <u64>listTotal) return STATUS_BAD_IP_RANGES;
  }
  for (let k: u32 = 0; k < listTotal; k++) if (load<u32>(tables.verifyLists + (<usize>k << 2)) >= lists) return STATUS_BAD_IP_RANGES;
  let lastV4: u64 = 0;
  for (let i: u32 = 0; i < v4Count; i++) {
    const e = tables.v4 + <usize>i * IP_V4_INTERVAL_SIZE;
    const first = load<u32>(e), last = load<u32>(e + 4);
    if (first > last || (i > 0 && <u64>first <= lastV4)) return STATUS_BAD_IP_RANGES;
    if (!validSet(load<u32>(e + 8), setWords, lists)) return STATUS_BAD_IP_RANGES;
    lastV4 = last;
  }
  for (let i: u32 = 0; i < v6Count; i++) {
    const e = tables.v6 + <usize>i * IP_V6_INTERVAL_SIZE;
    if (compare128(e, e + 16) > 0) return STATUS_BAD_IP_RANGES;
    if (i > 0 && compare128(e - IP_V6_INTERVAL_SIZE + 16, e) >= 0) return STATUS_BAD_IP_RANGES;
    if (!validSet(load<u32>(e + 32), setWords, lists)) return STATUS_BAD_IP_RANGES;
  }
  return STATUS_OK;
}

/** PREFILTER is optional; when present each key must lie inside its pattern. */
function readPrefilter(base: usize): bool {
  tables.keyOffsets = 0;
  tables.maxKeyOffset = 0;
  const length = sectionLength[SECTION_PREFILTER];
  if (length == 0) return true;
  const n = tables.patternCount;
  if (<u64>length != 4 + ((<u64>n + 3) & ~3)) return false;
  const p = base + sectionOffset[SECTION_PREFILTER];
  const maxK = load<u32>(p);
  if (maxK > 64) return false;
  for (let i: u32 = 0; i < n; i++) {
    const k = <u32>load<u8>(p + 4 + i);
    const len = load<u32>(tables.patterns + <usize>i * PATTERN_SIZE);
    if (k > maxK || (k > 0 && k + 3 > len)) return false;
  }
  tables.keyOffsets = p + 4;
  tables.maxKeyOffset = maxK;
  return true;
}
