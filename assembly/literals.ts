// Which of a rule set's atoms (field contains bytes, up to case, anchored or not; see
// bindings/compile/literals.ts) occur in the current request. A field is scanned once, through
// the set's literal automaton, the first time a rule asks about one of its atoms; gates then let
// a rule run only when one of its necessary atoms occurs.

import { RuleSet, heuristics } from "./rules";
import { tables } from "./pack";
import { Trie } from "./trie";
import { loadField } from "./fields";
import { SLOT, T_BYTES, tagOf, ptrOf, auxOf } from "./values";
import { bytesEqual } from "./functions";
import {
  ATOM_SIZE, ATOM_CASE_SENSITIVE, ATOM_ANCHOR_START, ATOM_ANCHOR_END, ATOM_SHARED, RULE_SIZE, CHECK_SIZE, CHECK_ATOM,
  RF_USER_AGENT, SCANNABLE_FIELDS,
} from "../bindings/format";

@inline function bit(f: u32): u64 { return <u64>1 << <u64>f; }

/** Whether atoms may be on field `f` (SCANNABLE_FIELDS; checked at load, not per request). */
export function scannable(f: u32): bool {
  for (let i = 0; i < SCANNABLE_FIELDS.length; i++) if (<u32>SCANNABLE_FIELDS[i] == f) return true;
  return false;
}

let scratch: usize = 0;

/** Forgets the previous request's hits, touching only the bits that were set. */
export function resetLiterals(set: RuleSet): void {
  for (let i: u32 = 0; i < set.hitCount; i++) {
    const atom = load<u32>(set.hitList + (<usize>i << 2));
    store<u32>(set.hitBits + (<usize>(atom >> 5) << 2), 0);
  }
  set.hitCount = 0;
  set.scanned = 0;
  set.sharedFound = false;
}

export function markAtom(set: RuleSet, atom: u32): void {
  const word = set.hitBits + (<usize>(atom >> 5) << 2);
  const b: u32 = 1 << (atom & 31);
  const w = load<u32>(word);
  if (w & b) return;
  store<u32>(word, w | b);
  store<u32>(set.hitList + (<usize>set.hitCount << 2), atom);
  set.hitCount++;
}

/** The atoms whose folded bytes end at byte `end` of the field, in state `state`: checks field, anchors and case. */
function reportAtoms(set: RuleSet, field: u32, state: u32, hay: usize, len: u32, end: u32): void {
  const t = set.trie;
  let s = state;
  while (true) {
    const o1 = load<u32>(t.outStart + (<usize>(s + 1) << 2));
    for (let o = load<u32>(t.outStart + (<usize>s << 2)); o < o1; o++) {
      const atom = load<u32>(t.outputs + (<usize>o << 2));
      const a = set.atoms + <usize>atom * ATOM_SIZE;
      if (load<u32>(a) != field) continue;
      const flags = load<u32>(a + 4), n = load<u32>(a + 12);
      if (n > end) continue;
      const start = end - n;
      if ((flags & ATOM_ANCHOR_START) != 0 && start != 0) continue;
      if ((flags & ATOM_ANCHOR_END) != 0 && end != len) continue;
      if ((flags & ATOM_CASE_SENSITIVE) != 0 && !bytesEqual(hay + start, n, set.data + <usize>load<u32>(a + 8), n)) continue;
      markAtom(set, atom);
    }
    s = load<u32>(t.outLink + (<usize>s << 2));
    if (s == 0) return;
  }
}

/** Field `field` of the current request into the scratch slot; false when it is missing (it then contains nothing). */
function fieldBytes(field: u32): bool {
  if (scratch == 0) scratch = heap.alloc(SLOT);
  loadField(scratch, field);
  return tagOf(scratch) == T_BYTES;
}

/** Runs the set's dense automaton (over its floating atoms) over field `field` of the current request. */
function scanField(set: RuleSet, field: u32): void {
  set.scanned |= bit(field);
  if (set.trie.dense == 0 || !fieldBytes(field)) return;
  const hay = ptrOf(scratch), len = auxOf(scratch);
  const t: Trie = set.trie;
  const table = t.dense, offsets = t.classOffset, rowBytes = t.rowBytes;
  let at: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const entry = load<u32>(table + <usize>at + <usize>load<u32>(offsets + (<usize>load<u8>(hay + i) << 2)));
    at = entry & ~3;
    if (entry & 1) reportAtoms(set, field, at / rowBytes, hay, len, i + 1);
  }
}

/**
 * The signature automaton's atom checks (CHECK_ATOM) find the heuristics' shared atoms
 * (ATOM_SHARED: floating, on the user agent) in the signature scan. Checks and flags must
 * correspond exactly: a shared atom without a check would never be found. Call once the checks
 * and the heuristics are read.
 */
export function shareAtoms(): bool {
  const n = heuristics.atomCount;
  const covered = heap.alloc(<usize>n + 1);
  memory.fill(covered, 0, <usize>n + 1);
  for (let i: u32 = 0; i < tables.checkCount; i++) {
    const c = tables.checks + <usize>i * CHECK_SIZE;
    if ((load<u32>(c) & CHECK_ATOM) == 0) continue;
    const atom = load<u32>(c + 4);
    if (atom >= n) return false;
    store<u8>(covered + atom, 1);
  }
  for (let atom: u32 = 0; atom < n; atom++) {
    const a = heuristics.atoms + <usize>atom * ATOM_SIZE;
    const shared = (load<u32>(a + 4) & ATOM_SHARED) != 0;
    if (shared != (load<u8>(covered + atom) != 0)) return false;
    if (shared && (load<u32>(a) != RF_USER_AGENT || (load<u32>(a + 4) & (ATOM_ANCHOR_START | ATOM_ANCHOR_END)) != 0)) return false;
  }
  return true;
}

/**
 * After the signature scan of the user agent (`complete`: not cut short): the shared atoms it
 * marked stand, and the unmarked ones do not occur. A cut-short scan proves nothing, so its marks
 * are dropped and the heuristics scan the whole user agent themselves if they need to.
 */
export function afterSignatureScan(complete: bool): void {
  if (complete) heuristics.sharedFound = true;
  else resetLiterals(heuristics);
}

@inline function foldByte(b: u32): u32 {
  return b - 0x41 < 26 ? b | 0x20 : b;
}

/** An anchored atom, by comparing the field's start or end (both: the whole field) with its bytes. */
function anchoredOccurs(set: RuleSet, a: usize): bool {
  if (!fieldBytes(load<u32>(a))) return false;
  const flags = load<u32>(a + 4), n = load<u32>(a + 12), len = auxOf(scratch);
  if (n > len || ((flags & ATOM_ANCHOR_START) != 0 && (flags & ATOM_ANCHOR_END) != 0 && n != len)) return false;
  const at = ptrOf(scratch) + ((flags & ATOM_ANCHOR_START) != 0 ? 0 : <usize>(len - n));
  const bytes = set.data + <usize>load<u32>(a + 8);
  if ((flags & ATOM_CASE_SENSITIVE) != 0) return bytesEqual(at, n, bytes, n);
  for (let k: u32 = 0; k < n; k++) if (foldByte(<u32>load<u8>(at + k)) != <u32>load<u8>(bytes + k)) return false;
  return true;
}

@inline function marked(set: RuleSet, atom: u32): bool {
  return (load<u32>(set.hitBits + (<usize>(atom >> 5) << 2)) & (1 << (atom & 31))) != 0;
}

/** Whether atom `atom` of `set` occurs in the current request. */
export function atomOccurs(set: RuleSet, atom: u32): bool {
  const a = set.atoms + <usize>atom * ATOM_SIZE;
  const flags = load<u32>(a + 4);
  // The common case first: found (or not) by the signature scan.
  if ((flags & ATOM_SHARED) != 0 && set.sharedFound) return marked(set, atom);
  if ((flags & (ATOM_ANCHOR_START | ATOM_ANCHOR_END)) != 0) return anchoredOccurs(set, a);
  const field = load<u32>(a);
  if ((set.scanned & bit(field)) == 0) scanField(set, field);
  return marked(set, atom);
}

/**
 * Whether rule `r` of `set` may match: it has no gate, or one of its gate's atoms occurs. Atoms
 * on fields outside `known` (the request has no such value) cannot, and are passed over.
 */
export function gateOpen(set: RuleSet, r: u32, known: u64): bool {
  const e = set.rules + <usize>r * RULE_SIZE;
  const count = load<u32>(e + 36);
  if (count == 0) return true;
  const first = set.gates + (<usize>load<u32>(e + 32) << 2);
  for (let k: u32 = 0; k < count; k++) {
    const atom = load<u32>(first + (<usize>k << 2));
    if ((known & bit(load<u32>(set.atoms + <usize>atom * ATOM_SIZE))) != 0 && atomOccurs(set, atom)) return true;
  }
  return false;
}
