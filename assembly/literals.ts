// Which of a rule set's atoms (field contains bytes, up to case, anchored or not; see
// bindings/compile/literals.ts) occur in the current request. A field is scanned once, through
// the set's literal automaton, the first time a rule asks about one of its atoms; gates then let
// a rule run only when one of its necessary atoms occurs.

import { RuleSet, heuristics } from "./rules";
import { tables } from "./pack";
import { Trie } from "./trie";
import { fieldSlot } from "./fields";
import { SLOT, T_BYTES, tagOf, ptrOf, auxOf } from "./values";
import { bytesEqual, u32At, setBit, testBit } from "./bytes";
import {
  ATOM_SIZE, ATOM_CASE_SENSITIVE, ATOM_ANCHOR_START, ATOM_ANCHOR_END, ATOM_SHARED, RULE_SIZE, CHECK_SIZE, CHECK_ATOM,
  RF_USER_AGENT, SCANNABLE_FIELDS, GATE_PRESENT,
} from "../bindings/format";

@inline function bit(f: u32): u64 { return <u64>1 << <u64>f; }

/** Whether atoms may be on field `f` (SCANNABLE_FIELDS; checked at load, not per request). */
export function scannable(f: u32): bool {
  for (let i = 0; i < SCANNABLE_FIELDS.length; i++) if (<u32>SCANNABLE_FIELDS[i] == f) return true;
  return false;
}

/**
 * Indexes the set's gates (validated: entries are atom ids or GATE_PRESENT | field) so that a
 * gate costs a bit test: each atom's scan opens its rules as it marks it (markAtom), a rule's
 * unscanned fields are scanned first, and anchored atoms, compared in place, are listed apart.
 */
export function indexGates(set: RuleSet): void {
  const n = set.count, atoms = set.atomCount;
  set.gatePresence = heap.alloc(<usize>n << 3);
  set.gateScan = heap.alloc(<usize>n << 3);
  set.gateShared = heap.alloc(<usize>n << 3);
  set.anchoredAt = heap.alloc((<usize>n + 1) << 2);
  set.atomRuleAt = heap.alloc((<usize>atoms + 2) << 2);
  memory.fill(set.atomRuleAt, 0, (<usize>atoms + 2) << 2);
  let anchored: u32 = 0, floating: u32 = 0;
  for (let r: u32 = 0; r < n; r++) {
    const e = set.rules + <usize>r * RULE_SIZE;
    let presence: u64 = 0, scan: u64 = 0, shared: u64 = 0;
    store<u32>(set.anchoredAt + (<usize>r << 2), anchored);
    for (let k: u32 = 0; k < load<u32>(e + 36); k++) {
      const entry = u32At(set.gates, load<u32>(e + 32) + k);
      if ((entry & <u32>GATE_PRESENT) != 0) { presence |= bit(entry & ~(<u32>GATE_PRESENT)); continue; }
      const a = set.atoms + <usize>entry * ATOM_SIZE;
      const flags = load<u32>(a + 4);
      if ((flags & (ATOM_ANCHOR_START | ATOM_ANCHOR_END)) != 0) { anchored++; continue; }
      if ((flags & ATOM_SHARED) != 0) shared |= bit(load<u32>(a)); else scan |= bit(load<u32>(a));
      store<u32>(set.atomRuleAt + (<usize>(entry + 2) << 2), u32At(set.atomRuleAt, entry + 2) + 1);
      floating++;
    }
    store<u64>(set.gatePresence + (<usize>r << 3), presence);
    store<u64>(set.gateScan + (<usize>r << 3), scan);
    store<u64>(set.gateShared + (<usize>r << 3), shared);
  }
  store<u32>(set.anchoredAt + (<usize>n << 2), anchored);
  set.anchoredList = heap.alloc(<usize>anchored << 2);
  set.atomRuleList = heap.alloc(<usize>floating << 2);
  // Counts (at atom + 2) become starts (at atom + 1), which the fill below advances to ends (at atom).
  for (let i: u32 = 0; i < atoms; i++) store<u32>(set.atomRuleAt + (<usize>(i + 2) << 2), u32At(set.atomRuleAt, i + 2) + u32At(set.atomRuleAt, i + 1));
  anchored = 0;
  for (let r: u32 = 0; r < n; r++) {
    const e = set.rules + <usize>r * RULE_SIZE;
    for (let k: u32 = 0; k < load<u32>(e + 36); k++) {
      const entry = u32At(set.gates, load<u32>(e + 32) + k);
      if ((entry & <u32>GATE_PRESENT) != 0) continue;
      if ((load<u32>(set.atoms + <usize>entry * ATOM_SIZE + 4) & (ATOM_ANCHOR_START | ATOM_ANCHOR_END)) != 0) {
        store<u32>(set.anchoredList + (<usize>anchored << 2), entry);
        anchored++;
        continue;
      }
      const at = u32At(set.atomRuleAt, entry + 1);
      store<u32>(set.atomRuleList + (<usize>at << 2), r);
      store<u32>(set.atomRuleAt + (<usize>(entry + 1) << 2), at + 1);
    }
  }
  const words = (<usize>(n + 31) >> 5) << 2;
  set.opened = heap.alloc(words);
  memory.fill(set.opened, 0, words);
}

/** Forgets the previous request's hits and the rules they opened, touching only what was set. */
export function resetLiterals(set: RuleSet): void {
  for (let i: u32 = 0; i < set.hitCount; i++) {
    const atom = u32At(set.hitList, i);
    store<u32>(set.hitBits + (<usize>(atom >> 5) << 2), 0);
    const end = u32At(set.atomRuleAt, atom + 1);
    for (let k = u32At(set.atomRuleAt, atom); k < end; k++) {
      const r = u32At(set.atomRuleList, k);
      store<u32>(set.opened + (<usize>(r >> 5) << 2), 0);
    }
  }
  set.hitCount = 0;
  set.scanned = 0;
  set.sharedFound = false;
}

/** Records that `atom` occurs, and opens the rules it gates. */
export function markAtom(set: RuleSet, atom: u32): void {
  if (testBit(set.hitBits, atom)) return;
  setBit(set.hitBits, atom);
  store<u32>(set.hitList + (<usize>set.hitCount << 2), atom);
  set.hitCount++;
  const end = u32At(set.atomRuleAt, atom + 1);
  for (let k = u32At(set.atomRuleAt, atom); k < end; k++) setBit(set.opened, u32At(set.atomRuleList, k));
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

const scratch = memory.data(SLOT);

/** Field `field` of the current request as a bytes slot, or 0 when it is missing (it then contains nothing). */
function fieldBytes(field: u32): usize {
  const slot = fieldSlot(field, scratch);
  return tagOf(slot) == T_BYTES ? slot : 0;
}

/** Runs the set's dense automaton (over its floating atoms) over field `field` of the current request. */
function scanField(set: RuleSet, field: u32): void {
  set.scanned |= bit(field);
  const value = set.trie.dense == 0 ? 0 : fieldBytes(field);
  if (value == 0) return;
  const hay = ptrOf(value), len = auxOf(value);
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
  const value = fieldBytes(load<u32>(a));
  if (value == 0) return false;
  const flags = load<u32>(a + 4), n = load<u32>(a + 12), len = auxOf(value);
  if (n > len || ((flags & ATOM_ANCHOR_START) != 0 && (flags & ATOM_ANCHOR_END) != 0 && n != len)) return false;
  const at = ptrOf(value) + ((flags & ATOM_ANCHOR_START) != 0 ? 0 : <usize>(len - n));
  const bytes = set.data + <usize>load<u32>(a + 8);
  if ((flags & ATOM_CASE_SENSITIVE) != 0) return bytesEqual(at, n, bytes, n);
  for (let k: u32 = 0; k < n; k++) if (foldByte(<u32>load<u8>(at + k)) != <u32>load<u8>(bytes + k)) return false;
  return true;
}

@inline function marked(set: RuleSet, atom: u32): bool {
  return testBit(set.hitBits, atom);
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
 * Whether rule `r` of `set` may match: it has no gate, or an entry of its gate holds. Atoms on
 * fields outside `known` (the request has no such value) cannot occur.
 */
export function gateOpen(set: RuleSet, r: u32, known: u64): bool {
  if ((load<u64>(set.gatePresence + (<usize>r << 3)) & known) != 0) return true;
  // Floating atoms open the rule as a scan marks them: scan the fields not scanned yet.
  let fields = load<u64>(set.gateScan + (<usize>r << 3));
  if (!set.sharedFound) fields |= load<u64>(set.gateShared + (<usize>r << 3));
  fields &= known & ~set.scanned;
  while (fields != 0) {
    scanField(set, <u32>ctz(fields));
    fields &= fields - 1;
  }
  if (testBit(set.opened, r)) return true;
  const end = u32At(set.anchoredAt, r + 1);
  for (let k = u32At(set.anchoredAt, r); k < end; k++) {
    const a = set.atoms + <usize>u32At(set.anchoredList, k) * ATOM_SIZE;
    if ((known & bit(load<u32>(a))) != 0 && anchoredOccurs(set, a)) return true;
  }
  return false;
}
