// From pattern ends to signature hits: applies each check (case, anchors, word boundaries),
// resolves exclusions, and keeps the set of signatures hit by the current request.
// All buffers are sized once at load; nothing is allocated per request.

import { tables } from "./pack";
import { heuristics } from "./rules";
import { markAtom } from "./literals";
import { sameBytes, setBit, testBit } from "./bytes";
import {
  CHECK_SIZE, PATTERN_SIZE, SIGNATURE_SIZE, SIGNATURE_HAS_EXCLUSIONS,
  CHECK_EXCLUSION, CHECK_CASE_SENSITIVE, CHECK_ANCHOR_START, CHECK_ANCHOR_END, CHECK_WORD_START, CHECK_WORD_END, CHECK_ATOM,
} from "../bindings/format";

/** Occurrences and vetoes of signatures that have exclusions, resolved after the scan. */
const PENDING_CAPACITY: u32 = 256;
let occurrenceSig: usize = 0;
let occurrenceStart: usize = 0;
let occurrenceCount: u32 = 0;
let vetoSig: usize = 0;
let vetoStart: usize = 0;
let vetoCount: u32 = 0;
/** Set when a buffer overflowed; unresolved occurrences then count as hits. */
export let pendingOverflow = false;

let hitBits: usize = 0;
export let hitList: usize = 0;
export let hitCount: u32 = 0;

export function allocateMatchBuffers(): bool {
  const sigs = <usize>tables.signatureCount;
  hitBits = heap.alloc((((sigs + 31) >> 5) << 2) + 4);
  hitList = heap.alloc(sigs * 4 + 4);
  occurrenceSig = heap.alloc(PENDING_CAPACITY * 4);
  occurrenceStart = heap.alloc(PENDING_CAPACITY * 4);
  vetoSig = heap.alloc(PENDING_CAPACITY * 4);
  vetoStart = heap.alloc(PENDING_CAPACITY * 4);
  memory.fill(hitBits, 0, (((sigs + 31) >> 5) << 2) + 4);
  return true;
}

@inline function isWordByte(b: u32): bool {
  return (b - 0x30 < 10) || ((b | 0x20) - 0x61 < 26) || b == 0x5f;
}

export function markHit(sig: u32): void {
  if (testBit(hitBits, sig)) return;
  setBit(hitBits, sig);
  store<u32>(hitList + (<usize>hitCount << 2), sig);
  hitCount++;
}

/** Called by the scanner for every pattern that ends at byte offset `end` of the field. */
export function onPatternEnd(pattern: u32, hay: usize, len: u32, end: u32): void {
  const p = tables.patterns + <usize>pattern * PATTERN_SIZE;
  const plen = load<u32>(p);
  if (plen > end) return; // only a malformed pack could say so; never read before the field
  const start = end - plen;
  const c0 = load<u32>(p + 4);
  const c1 = c0 + load<u32>(p + 8);
  for (let ci = c0; ci < c1; ci++) {
    const c = tables.checks + <usize>ci * CHECK_SIZE;
    const flags = load<u32>(c);
    const sig = load<u32>(c + 4);
    if ((flags & CHECK_CASE_SENSITIVE) && !sameBytes(hay + start, tables.strings + load<u32>(c + 12), plen)) continue;
    if (flags & CHECK_EXCLUSION) {
      if (vetoCount < PENDING_CAPACITY) {
        store<u32>(vetoSig + (<usize>vetoCount << 2), sig);
        store<u32>(vetoStart + (<usize>vetoCount << 2), start + load<u32>(c + 8));
        vetoCount++;
      } else pendingOverflow = true;
      continue;
    }
    if ((flags & CHECK_ANCHOR_START) && start != 0) continue;
    if ((flags & CHECK_ANCHOR_END) && end != len) continue;
    if ((flags & CHECK_WORD_START) && start > 0 && isWordByte(<u32>load<u8>(hay + start - 1))) continue;
    if ((flags & CHECK_WORD_END) && end < len && isWordByte(<u32>load<u8>(hay + end))) continue;
    if (flags & CHECK_ATOM) { markAtom(heuristics, sig); continue; }
    const hasExclusions = (load<u32>(tables.signatures + <usize>sig * SIGNATURE_SIZE + 12) & SIGNATURE_HAS_EXCLUSIONS) != 0;
    if (!hasExclusions) { markHit(sig); continue; }
    if (occurrenceCount < PENDING_CAPACITY) {
      store<u32>(occurrenceSig + (<usize>occurrenceCount << 2), sig);
      store<u32>(occurrenceStart + (<usize>occurrenceCount << 2), start);
      occurrenceCount++;
    } else {
      pendingOverflow = true;
      markHit(sig);
    }
  }
}

/** After a field's scan: every occurrence no exclusion covers becomes a hit. */
export function resolvePending(): void {
  for (let i: u32 = 0; i < occurrenceCount; i++) {
    const sig = load<u32>(occurrenceSig + (<usize>i << 2));
    const start = load<u32>(occurrenceStart + (<usize>i << 2));
    let vetoed = false;
    for (let v: u32 = 0; v < vetoCount; v++) {
      if (load<u32>(vetoSig + (<usize>v << 2)) == sig && load<u32>(vetoStart + (<usize>v << 2)) == start) { vetoed = true; break; }
    }
    if (!vetoed) markHit(sig);
  }
  occurrenceCount = 0;
  vetoCount = 0;
}

/** Forgets the current request's hits, touching only the bits that were set. */
export function clearHits(): void {
  for (let i: u32 = 0; i < hitCount; i++) {
    const sig = load<u32>(hitList + (<usize>i << 2));
    store<u32>(hitBits + (<usize>(sig >> 5) << 2), 0);
  }
  hitCount = 0;
  pendingOverflow = false;
}
