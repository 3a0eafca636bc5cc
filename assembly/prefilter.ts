// A trigram prefilter that lets the dense scan skip the bytes of a field where no pattern can
// start. At load time every pattern's first three bytes and its bytes 1–3 are hashed into one
// bitmap; at scan time the field is sampled every second byte, and the automaton only runs
// from a sample whose trigram is in the bitmap (a hit stands for an occurrence starting at the
// sample or one byte before it). The filter is a superset test: it may send the automaton on a
// fruitless run, it never skips a match.
//
// Case folding uses b | 0x20, which is coarser than ASCII folding (it also merges a few
// punctuation pairs), so a trigram that folds equal under ASCII rules folds equal here too.

import { tables } from "./pack";
import { PATTERN_SIZE } from "../bindings/format";

export const BITMAP_BITS_LOG2: u32 = 17;
const HASH_MULTIPLIER: u32 = 0x9e3779b1;

export let bitmap: usize = 0;
/** 2 when the filter is on; 0 when it is off (no patterns, or the bitmap too full to help). */
export let stride: u32 = 0;
/**
 * Two-byte patterns have no third byte to put in a stride-2 sample's key for the occurrence that
 * starts one byte before the sample. For them: `secondBytes` (256 bits) says which bytes end one,
 * and `bigrams` (64 Kbit) which (folded) byte pairs are one; 0 when the pack has none.
 */
export let secondBytes: usize = 0;
export let bigrams: usize = 0;

@inline export function trigramHash(key: u32): u32 {
  return ((key & 0xffffff) * HASH_MULTIPLIER) >> (32 - BITMAP_BITS_LOG2);
}

@inline function insert(key: u32): void {
  const h = trigramHash(key);
  const word = bitmap + (<usize>(h >> 5) << 2);
  store<u32>(word, load<u32>(word) | (1 << (h & 31)));
}

@inline function setBit(map: usize, bit: u32): void {
  const word = map + (<usize>(bit >> 5) << 2);
  store<u32>(word, load<u32>(word) | (1 << (bit & 31)));
}

/** Inserts key(a, b, x) for every byte x: a pattern may end before the trigram does. */
function insertWildcardThird(a: u32, b: u32): void {
  for (let x: u32 = 0; x < 256; x++) insert(a | (b << 8) | ((x | 0x20) << 16));
}

function hasPatternOfLength(s: u32, length: u32): bool {
  const o1 = load<u32>(tables.outStart + (<usize>(s + 1) << 2));
  for (let o = load<u32>(tables.outStart + (<usize>s << 2)); o < o1; o++) {
    const p = load<u32>(tables.outputs + (<usize>o << 2));
    if (load<u32>(tables.patterns + <usize>p * PATTERN_SIZE) == length) return true;
  }
  return false;
}

/** Builds the bitmap from the automaton's first four levels; returns false to run unfiltered. */
export function buildPrefilter(): bool {
  const states = tables.stateCount;
  // Representative folded byte of each class: the class's bytes all agree under b | 0x20.
  const rep = heap.alloc(256);
  for (let b: i32 = 255; b >= 0; b--) store<u8>(rep + <usize>load<u8>(tables.classOf + b), <u8>(b | 0x20));
  const depth = heap.alloc(<usize>states);
  const path = heap.alloc(<usize>states << 2);
  store<u8>(depth, 0);
  store<u32>(path, 0);
  let minPatternLength: u32 = 0xffffffff;
  for (let p: u32 = 0; p < tables.patternCount; p++) {
    const len = load<u32>(tables.patterns + <usize>p * PATTERN_SIZE);
    if (len < minPatternLength) minPatternLength = len;
  }
  if (minPatternLength < 2 || tables.patternCount == 0) return false;
  const bytes = <usize>1 << (BITMAP_BITS_LOG2 - 3);
  bitmap = heap.alloc(bytes);
  memory.fill(bitmap, 0, bytes);
  if (minPatternLength == 2) {
    secondBytes = heap.alloc(32);
    memory.fill(secondBytes, 0, 32);
    bigrams = heap.alloc(8192);
    memory.fill(bigrams, 0, 8192);
  }
  for (let s: u32 = 0; s < states; s++) {
    const d = <u32>load<u8>(depth + s);
    const e0 = load<u32>(tables.edgeStart + (<usize>s << 2));
    const e1 = load<u32>(tables.edgeStart + (<usize>(s + 1) << 2));
    for (let e = e0; e < e1; e++) {
      const edge = load<u32>(tables.edges + (<usize>e << 2));
      const t = edge >> 8;
      const byte = <u32>load<u8>(rep + (edge & 0xff));
      const td = d < 4 ? d + 1 : 5;
      store<u8>(depth + t, <u8>td);
      const tp = td <= 4 ? load<u32>(path + (<usize>s << 2)) | (byte << (8 * d)) : 0;
      store<u32>(path + (<usize>t << 2), tp);
      if (td == 3) insert(tp);
      if (td == 4) insert(tp >> 8);
      if (td == 2 && hasPatternOfLength(t, 2)) {
        insertWildcardThird(tp & 0xff, (tp >> 8) & 0xff);
        setBit(secondBytes, (tp >> 8) & 0xff);
        setBit(bigrams, tp & 0xffff);
      }
      if (td == 3 && hasPatternOfLength(t, 3)) insertWildcardThird((tp >> 8) & 0xff, (tp >> 16) & 0xff);
    }
  }
  // A filter that passes most trigrams costs more than it saves.
  let set: u32 = 0;
  for (let w: usize = 0; w < bytes; w += 4) set += <u32>popcnt(load<u32>(bitmap + w));
  if (set > (<u32>1 << BITMAP_BITS_LOG2) / 4) return false;
  stride = 2;
  return true;
}
