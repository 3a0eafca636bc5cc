// A trigram prefilter that lets the dense scan skip the bytes of a field where no pattern can
// be. At load time each pattern's key trigram (at the offset the compiler chose, rare in
// browser traffic) and the trigram after it are hashed into one bitmap; at scan time the field
// is sampled every second byte, and the automaton only runs around a sample whose trigram is in
// the bitmap. The filter is a superset test: it may send the automaton on a fruitless run, it
// never skips a match.
//
// Case folding uses b | 0x20, which is coarser than ASCII folding (it also merges a few
// punctuation pairs), so a trigram that folds equal under ASCII rules folds equal here too.

import { tables } from "./pack";
import { PATTERN_SIZE } from "../bindings/format";
import { setBit } from "./bytes";

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
/** How far before a key a pattern may start: the scan starts its automaton that far back. */
export let maxKeyOffset: u32 = 0;

@inline export function trigramHash(key: u32): u32 {
  return ((key & 0xffffff) * HASH_MULTIPLIER) >> (32 - BITMAP_BITS_LOG2);
}

@inline function insert(key: u32): void {
  setBit(bitmap, trigramHash(key));
}

/** Inserts key(a, b, x) for every byte x: a pattern may end before the trigram does. */
function insertWildcardThird(a: u32, b: u32): void {
  for (let x: u32 = 0; x < 256; x++) insert(a | (b << 8) | ((x | 0x20) << 16));
}


/**
 * Builds the bitmap: for each pattern, the trigram at its key offset (chosen by the compiler to
 * be rare in browser traffic) and the one after it, each pattern's bytes read back from the trie
 * through parent links. Returns false to run unfiltered.
 */
export function buildPrefilter(): bool {
  const trie = tables.trie;
  const states = trie.stateCount;
  if (tables.patternCount == 0) return false;
  // Representative folded byte of each class: the class's bytes all agree under b | 0x20.
  const rep = heap.alloc(256);
  for (let b: i32 = 255; b >= 0; b--) store<u8>(rep + <usize>load<u8>(trie.classOf + b), <u8>(b | 0x20));
  const parent = heap.alloc(<usize>states << 2);
  const parentClass = heap.alloc(<usize>states);
  for (let s: u32 = 0; s < states; s++) {
    const e1 = load<u32>(trie.edgeStart + (<usize>(s + 1) << 2));
    for (let e = load<u32>(trie.edgeStart + (<usize>s << 2)); e < e1; e++) {
      const edge = load<u32>(trie.edges + (<usize>e << 2));
      store<u32>(parent + (<usize>(edge >> 8) << 2), s);
      store<u8>(parentClass + <usize>(edge >> 8), <u8>(edge & 0xff));
    }
  }
  const bytes = <usize>1 << (BITMAP_BITS_LOG2 - 3);
  bitmap = heap.alloc(bytes);
  memory.fill(bitmap, 0, bytes);
  const scratch = heap.alloc(4096);
  for (let t: u32 = 1; t < states; t++) {
    const o1 = load<u32>(trie.outStart + (<usize>(t + 1) << 2));
    for (let o = load<u32>(trie.outStart + (<usize>t << 2)); o < o1; o++) {
      const p = load<u32>(trie.outputs + (<usize>o << 2));
      const len = load<u32>(tables.patterns + <usize>p * PATTERN_SIZE);
      // Read the pattern back: `len` steps up from its state must end at the root.
      let cur = t;
      for (let i = <i32>len - 1; i >= 0; i--) {
        if (cur == 0) return false;
        store<u8>(scratch + <usize>i, load<u8>(rep + <usize>load<u8>(parentClass + cur)));
        cur = load<u32>(parent + (<usize>cur << 2));
      }
      if (cur != 0) return false;
      if (len == 2) {
        const b0 = <u32>load<u8>(scratch), b1 = <u32>load<u8>(scratch + 1);
        if (secondBytes == 0) {
          secondBytes = heap.alloc(32);
          memory.fill(secondBytes, 0, 32);
          bigrams = heap.alloc(8192);
          memory.fill(bigrams, 0, 8192);
        }
        insertWildcardThird(b0, b1);
        setBit(secondBytes, b1);
        setBit(bigrams, b0 | (b1 << 8));
        continue;
      }
      const k: u32 = tables.keyOffsets != 0 ? <u32>load<u8>(tables.keyOffsets + p) : 0;
      const at = scratch + <usize>k;
      insert(<u32>load<u8>(at) | (<u32>load<u8>(at + 1) << 8) | (<u32>load<u8>(at + 2) << 16));
      if (k + 4 <= len) insert(<u32>load<u8>(at + 1) | (<u32>load<u8>(at + 2) << 8) | (<u32>load<u8>(at + 3) << 16));
      else insertWildcardThird(<u32>load<u8>(at + 1), <u32>load<u8>(at + 2));
    }
  }
  // A filter that passes most trigrams costs more than it saves.
  let set: u32 = 0;
  for (let w: usize = 0; w < bytes; w += 4) set += <u32>popcnt(load<u32>(bitmap + w));
  if (set > (<u32>1 << BITMAP_BITS_LOG2) / 4) return false;
  maxKeyOffset = tables.keyOffsets != 0 ? tables.maxKeyOffset : 0;
  stride = 2;
  return true;
}
