// Rule literals → atoms for the rule set's literal automaton. An atom is "this field contains
// these bytes" (exactly or up to ASCII case, optionally anchored at the start or end). The
// engine scans each field once per request and records which atoms occur; then
//  - a comparison that is exactly an atom (`f contains "x"`, `f eq "x"`, `starts_with(f, "x")`,
//    `lower(f) contains "x"`, a one-piece wildcard) becomes one bit test (exactAtom), and
//  - a rule runs only when an entry of its gate holds (gateOf): atoms (and fields present) at
//    least one of which holds in every request the rule matches. Most rules then cost nothing.

import * as F from "../format.js";
import type { CheckedExpr, Rhs } from "../rules/ast.js";
import { parseWildcard } from "../rules/wildcard.js";
import { DEFAULT_LIMITS } from "../rules/settings.js";
import { parse, requiredLiterals, type RegexLiteral } from "../regex/index.js";
import { buildAutomaton, type AutomatonTables } from "./automaton.js";
import { SectionWriter } from "./encode.js";
import { foldByte } from "./naive.js";
import { ENGINE_FIELDS } from "./fields.js";

export interface Atom {
  field: number;
  bytes: Uint8Array;
  /** false: the bytes occur up to ASCII case (they are stored folded). */
  caseSensitive: boolean;
  anchorStart: boolean;
  anchorEnd: boolean;
}

/** The engine field id of `name` when atoms may be on it (F.SCANNABLE_FIELDS), else undefined. */
function scannedField(name: string): number | undefined {
  const id = ENGINE_FIELDS[name];
  return id !== undefined && F.SCANNABLE_FIELDS.includes(id) ? id : undefined;
}

/**
 * Shorter literals gate little, make an automaton fire on every request, and would turn the
 * signature automaton's trigram prefilter off; the interpreter compares them directly.
 */
export const MIN_ATOM_LENGTH = 3;

const isUpper = (b: number) => b >= 0x41 && b <= 0x5a;
const isLower = (b: number) => b >= 0x61 && b <= 0x7a;

/** The scanned field a subject reads, and whether the subject folds case (lower/upper of it). */
function subjectOf(e: CheckedExpr): { field: number; fold: "none" | "lower" | "upper" } | null {
  if (e.kind === "field") {
    const field = scannedField(e.name);
    return field === undefined ? null : { field, fold: "none" };
  }
  if (e.kind === "call" && (e.name === "lower" || e.name === "upper") && e.args[0]?.kind === "field") {
    const field = scannedField(e.args[0].name);
    return field === undefined ? null : { field, fold: e.name };
  }
  return null;
}

function atom(field: number, bytes: Uint8Array, fold: boolean, anchorStart: boolean, anchorEnd: boolean): Atom {
  return { field, bytes: fold ? bytes.map(foldByte) : bytes, caseSensitive: !fold, anchorStart, anchorEnd };
}

/**
 * `lower(f) op "x"` equals `f op "x"` up to case only when "x" has no upper-case letter (else it
 * can never match); likewise for upper(). Returns whether the subject folds, or null if it cannot.
 */
function foldFor(fold: "none" | "lower" | "upper", bytes: Uint8Array): boolean | null {
  if (fold === "none") return false;
  const impossible = fold === "lower" ? bytes.some(isUpper) : bytes.some(isLower);
  return impossible ? null : true;
}

/** The atom `e` is exactly equivalent to, as a truth value; null when there is none. */
export function exactAtom(e: CheckedExpr): Atom | null {
  if (e.kind === "call" && (e.name === "starts_with" || e.name === "ends_with") && e.args.length === 2 && e.args[1].kind === "string") {
    const subject = subjectOf(e.args[0]);
    const bytes = e.args[1].value;
    if (!subject || bytes.length < MIN_ATOM_LENGTH) return null;
    const fold = foldFor(subject.fold, bytes);
    return fold === null ? null : atom(subject.field, bytes, fold, e.name === "starts_with", e.name === "ends_with");
  }
  if (e.kind !== "compare") return null;
  const subject = subjectOf(e.left);
  if (!subject) return null;
  if ((e.op === "contains" || e.op === "eq") && e.right.kind === "string") {
    const bytes = e.right.value;
    if (bytes.length < MIN_ATOM_LENGTH) return null;
    const fold = foldFor(subject.fold, bytes);
    return fold === null ? null : atom(subject.field, bytes, fold, e.op === "eq", e.op === "eq");
  }
  if ((e.op === "wildcard" || e.op === "strict wildcard") && e.right.kind === "wildcard" && subject.fold === "none") {
    const pieces = parseWildcard(e.right.pattern, e.op === "wildcard", DEFAULT_LIMITS).pieces;
    // One literal piece between optional stars: "x", "x*", "*x", "*x*".
    const inner = pieces.filter((p, i) => !(p.length === 0 && (i === 0 || i === pieces.length - 1)));
    if (pieces.length > 3 || inner.length !== 1 || inner[0].length < MIN_ATOM_LENGTH) return null;
    const bytes = inner[0];
    return atom(subject.field, bytes, e.op === "wildcard", pieces[0].length > 0, pieces[pieces.length - 1].length > 0);
  }
  return null;
}

/** Atoms of a comparison that are necessary (not exact): `in` sets, longer wildcards, regexes. */
function necessaryAtoms(e: CheckedExpr): Atom[] | null {
  const exact = exactAtom(e);
  if (exact) return [exact];
  if (e.kind !== "compare") return null;
  const subject = subjectOf(e.left);
  if (!subject) return null;
  const right: Rhs = e.right;
  if (e.op === "in" && right.kind === "set") {
    const out: Atom[] = [];
    for (const el of right.elements) {
      if (el.kind !== "string" || el.value.length < MIN_ATOM_LENGTH) return null;
      const fold = foldFor(subject.fold, el.value);
      if (fold !== null) out.push(atom(subject.field, el.value, fold, true, true));
    }
    return out;
  }
  if ((e.op === "wildcard" || e.op === "strict wildcard") && right.kind === "wildcard" && subject.fold === "none") {
    const pieces = parseWildcard(right.pattern, e.op === "wildcard", DEFAULT_LIMITS).pieces;
    // The value starts with the first piece, ends with the last and contains the others.
    let best = 0;
    pieces.forEach((p, i) => { if (p.length > pieces[best].length) best = i; });
    if (pieces[best].length < MIN_ATOM_LENGTH) return null;
    return [atom(subject.field, pieces[best], e.op === "wildcard", best === 0, best === pieces.length - 1)];
  }
  if (e.op === "matches" && right.kind === "regex" && subject.fold === "none") {
    const literals = regexLiterals(right.pattern);
    if (!literals || literals.some((l) => l.bytes.length < MIN_ATOM_LENGTH)) return null;
    return literals.map((l) => atom(subject.field, l.bytes, l.caseInsensitive, false, false));
  }
  return null;
}

const regexCache = new Map<string, RegexLiteral[] | null>();

/** The required literals of a pattern (see bindings/regex/literals.ts), remembered per pattern. */
function regexLiterals(pattern: string): RegexLiteral[] | null {
  let literals = regexCache.get(pattern);
  if (literals === undefined) {
    try { literals = requiredLiterals(parse(pattern)); } catch { literals = null; }
    if (regexCache.size > 1024) regexCache.clear();
    regexCache.set(pattern, literals);
  }
  return literals;
}

/** A gate entry that is no atom: the field (an engine field id) is present in the request. */
export interface Presence { present: number }
export type GateEntry = Atom | Presence;

/**
 * A gate of `e`: entries (atoms that occur, fields that are present) at least one of which holds
 * whenever `e` is true; null when there is none (negations, a disjunct without one, comparisons
 * on other fields). A side of a disjunction without atoms is gated by a field it needs that a
 * bare user agent lacks, so `ua contains "x" or (headers.complete and …)` still skips bare user
 * agents without "x".
 */
export function gateOf(e: CheckedExpr): GateEntry[] | null {
  if (e.kind === "logical" && e.type.kind !== "array") {
    if (e.op === "or") {
      const gates = e.operands.map((o) => gateOf(o) ?? presenceGate(o));
      return gates.every((g) => g !== null) ? gates.flat() as GateEntry[] : null;
    }
    if (e.op === "and") {
      // Any conjunct's gate will do; fewer atoms, then longer shortest literal, gate better.
      let best: Atom[] | null = null;
      for (const o of e.operands) {
        const g = gateOf(o);
        if (g && g.length > 0 && g.every(isAtom) && (!best || rank(g) > rank(best))) best = g;
      }
      return best;
    }
    return null;
  }
  return necessaryAtoms(e);
}

function isAtom(g: GateEntry): g is Atom {
  return !("present" in g);
}

/** A field `e` needs that a bare user agent does not have, as a one-entry gate; else null. */
function presenceGate(e: CheckedExpr): Presence[] | null {
  const beyond = requiredMask(e) & ~BARE_USER_AGENT_FIELDS;
  if (beyond === 0n) return null;
  let id = 0;
  while (((beyond >> BigInt(id)) & 1n) === 0n) id++;
  return [{ present: id }];
}

/**
 * Fields a bare user agent (isBot, a log line) gives the rules: a rule that needs no other runs
 * on every request, so its user-agent atoms are worth finding in the signature scan itself.
 */
export const BARE_USER_AGENT_FIELDS = [F.RF_USER_AGENT, F.RF_UA_FAMILY, F.RF_UA_MAJOR, F.RF_SCORE, F.RF_BOTSIFT_SCORE, F.RF_CLASS,
  F.RF_DETECTION_IDS, F.RF_VERIFIED_BOT_CATEGORY, F.RF_BOT_NAME, F.RF_BOT_OPERATOR, F.RF_BOT_CATEGORY, F.RF_VERIFIED_BOT,
  F.RF_CLIENT_BOT, F.RF_BOT_VERIFIED, F.RF_BOT_SPOOFED].reduce((m, f) => m | (1n << BigInt(f)), 0n);

/** The field a conjunct tests first: missing it, the conjunct (and so an AND chain) is false. */
function requiredField(e: CheckedExpr): string | null {
  let node: CheckedExpr = e;
  if (node.kind === "field") return node.type.kind === "bool" ? node.name : null;
  if (node.kind === "compare") node = node.left;
  else if (node.kind === "call" && node.name !== "concat") node = node.args[0];
  else return null;
  for (;;) {
    if (node.kind === "field") return node.name;
    if (node.kind === "index") node = node.target;
    else if (node.kind === "call" && node.name !== "concat" && node.args.length > 0) node = node.args[0];
    else return null;
  }
}

/**
 * Fields every match of `e` needs, as a mask of engine field ids: those its conjuncts test first,
 * and of a disjunction those every side needs.
 */
export function requiredMask(e: CheckedExpr): bigint {
  if (e.kind === "logical" && e.type.kind !== "array" && e.op !== "xor") {
    const masks = e.operands.map(requiredMask);
    return e.op === "and" ? masks.reduce((a, b) => a | b, 0n) : masks.reduce((a, b) => a & b);
  }
  const name = requiredField(e);
  const id = name === null ? undefined : ENGINE_FIELDS[name];
  return id === undefined ? 0n : 1n << BigInt(id);
}

function rank(atoms: Atom[]): number {
  return -atoms.length * 1000 + Math.min(...atoms.map((a) => a.bytes.length));
}

/** An atom found by scanning (not anchored at either end). */
export function isFloating(a: Atom): boolean {
  return !a.anchorStart && !a.anchorEnd;
}

function key(a: Atom): string {
  return [a.field, a.caseSensitive ? 1 : 0, a.anchorStart ? 1 : 0, a.anchorEnd ? 1 : 0, String.fromCharCode(...a.bytes)].join("\u0000");
}

/** The atoms of one rule set, deduplicated; ids are indexes. */
export class AtomTable {
  readonly atoms: Atom[] = [];
  private ids = new Map<string, number>();

  add(a: Atom): number {
    const k = key(a);
    let id = this.ids.get(k);
    if (id === undefined) { id = this.atoms.length; this.atoms.push(a); this.ids.set(k, id); }
    return id;
  }

  /**
   * The atoms as ATOM records (bytes stored by `store`, which returns their data offset) and
   * the literal automaton over the folded bytes of the floating ones, its outputs atom ids. An
   * anchored atom needs no scan: the engine compares the field's start or end directly.
   */
  encode(store: (bytes: Uint8Array) => number, shared: ReadonlySet<number>): { records: number[]; trie: Uint8Array | null } {
    const records: number[] = [];
    for (const [id, a] of this.atoms.entries()) {
      const flags = (a.caseSensitive ? F.ATOM_CASE_SENSITIVE : 0) | (a.anchorStart ? F.ATOM_ANCHOR_START : 0) | (a.anchorEnd ? F.ATOM_ANCHOR_END : 0)
        | (shared.has(id) ? F.ATOM_SHARED : 0);
      records.push(a.field, flags, store(a.bytes), a.bytes.length);
    }
    const floating = this.atoms.flatMap((a, id) => (isFloating(a) ? [id] : []));
    if (floating.length === 0) return { records, trie: null };
    const trie = buildAutomaton(floating.map((id) => this.atoms[id].bytes.map(foldByte)));
    trie.outputs = trie.outputs.map((k) => floating[k]);
    return { records, trie: encodeTrie(trie) };
  }
}

/** The AUTOMATON layout (bindings/format.ts): counts, class map, per-state counts, edges, outputs. */
export function encodeTrie(auto: AutomatonTables): Uint8Array {
  return new SectionWriter()
    .u32(auto.stateCount, auto.classCount, auto.edges.length, auto.outputs.length)
    .bytes(auto.classOf).bytes(counts(auto.edgeStart)).bytes(counts(auto.outStart)).u32s(auto.edges).u32s(auto.outputs)
    .finish();
}

/** Start offsets → per-state counts as bytes, padded to 4 (a state has at most 255 children and 255 outputs). */
function counts(starts: Uint32Array): Uint8Array {
  const n = starts.length - 1;
  const out = new Uint8Array((n + 3) & ~3);
  for (let s = 0; s < n; s++) {
    const c = starts[s + 1] - starts[s];
    if (c > 255) throw new Error(`state ${s} has ${c} entries; the pack format allows 255`);
    out[s] = c;
  }
  return out;
}
