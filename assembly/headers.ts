// How many headers of a name the request has (len(http.request.headers["x"])): the names are
// hashed once per request into an open-addressing table, built on the first question, so each
// question, whose name's hash the pack carries, costs a probe instead of a pass over every
// header. A request with more headers than the table takes keeps the pass.

import { fnv1a } from "./pack";

const SLOTS: u32 = 128; // a power of two; at most half of it is filled
// Per slot: generation u32 (the slot is empty unless it equals `generation`), hash u32, name
// address u32, name length u16, count u16.
const SLOT_BYTES: u32 = 16;
const table = memory.data(SLOTS * SLOT_BYTES);
let generation: u32 = 1;
let builtFor: u32 = 0;
let indexed = false;

/** A new request: the table's entries go stale at once, without clearing it. */
export function forgetHeaderIndex(): void {
  generation++;
  if (generation == 0) {
    // After 2^32 requests a stale slot could look current: clear them all once.
    memory.fill(table, 0, SLOTS * SLOT_BYTES);
    generation = 1;
  }
}

/** The slot holding name (`p`, `n`) of hash `h`, or the empty slot where it would go. */
function slotOf(p: usize, n: u32, h: u32): usize {
  let i = h & (SLOTS - 1);
  while (true) {
    const s = table + <usize>i * SLOT_BYTES;
    if (load<u32>(s) != generation) return s;
    if (load<u32>(s + 4) == h && <u32>load<u16>(s + 12) == n && memory.compare(<usize>load<u32>(s + 8), p, n) == 0) return s;
    i = (i + 1) & (SLOTS - 1);
  }
  return 0;
}

/** Hashes the header names of the record's header block (`base`, `total` bytes); false when there are too many. */
function build(base: usize, total: u32): bool {
  builtFor = generation;
  let at: u32 = 0, headers: u32 = 0;
  while (at + 4 <= total) {
    const n = <u32>load<u16>(base + at), v = <u32>load<u16>(base + at + 2);
    if (<u64>at + 4 + n + v > <u64>total) break;
    if (++headers > SLOTS / 2) return false;
    const h = fnv1a(base + at + 4, n);
    const s = slotOf(base + at + 4, n, h);
    if (load<u32>(s) == generation) store<u16>(s + 14, load<u16>(s + 14) + 1);
    else { store<u32>(s, generation); store<u32>(s + 4, h); store<u32>(s + 8, <u32>(base + at + 4)); store<u16>(s + 12, <u16>n); store<u16>(s + 14, 1); }
    at += 4 + n + v;
  }
  return true;
}

/**
 * How many headers of the block (`base`, `total` bytes) are called `name` (exactly, `length`
 * bytes, whose fnv1a is `hash`, computed when the pack was built).
 */
export function countHeaders(base: usize, total: u32, name: usize, length: u32, hash: u32): u32 {
  if (builtFor != generation) indexed = build(base, total);
  if (indexed) {
    const s = slotOf(name, length, hash);
    return load<u32>(s) == generation ? <u32>load<u16>(s + 14) : 0;
  }
  let at: u32 = 0, count: u32 = 0;
  while (at + 4 <= total) {
    const n = <u32>load<u16>(base + at), v = <u32>load<u16>(base + at + 2);
    if (<u64>at + 4 + n + v > <u64>total) break;
    if (n == length && memory.compare(base + at + 4, name, n) == 0) count++;
    at += 4 + n + v;
  }
  return count;
}
