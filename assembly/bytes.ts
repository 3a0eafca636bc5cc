// Byte-string and bit-set primitives shared by the whole engine: equality, order and substring
// search, the u32 at an index, and bits in a bit set of u32 words. Each reads only inside its
// arguments; the search finds candidates 16 bytes at a time.

/** Whether the `n` bytes at `a` and `b` are equal, compared 8 at a time. */
export function sameBytes(a: usize, b: usize, n: u32): bool {
  let k: u32 = 0;
  for (; k + 8 <= n; k += 8) if (load<u64>(a + k) != load<u64>(b + k)) return false;
  for (; k < n; k++) if (load<u8>(a + k) != load<u8>(b + k)) return false;
  return true;
}

/** Byte equality, lengths first: most unequal values (header names, set members) differ in length. */
export function bytesEqual(a: usize, an: u32, b: usize, bn: u32): bool {
  return an == bn && sameBytes(a, b, an);
}

/** -1, 0 or 1 as `a` sorts before, with or after `b`, byte by byte (a prefix sorts first). */
export function bytesCompare(a: usize, an: u32, b: usize, bn: u32): i32 {
  const n = an < bn ? an : bn;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(a + i), y = load<u8>(b + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return an == bn ? 0 : an < bn ? -1 : 1;
}

/** First index of `needle` in `hay`, or -1: candidates are the bytes equal to the needle's first. */
export function indexOf(hay: usize, n: u32, needle: usize, m: u32): i32 {
  if (m == 0) return 0;
  if (m > n) return -1;
  const head = load<u8>(needle);
  const last = n - m;
  const splat = i8x16.splat(head);
  let i: u32 = 0;
  for (; i + 16 <= n; i += 16) {
    let found = <u32>i8x16.bitmask(i8x16.eq(v128.load(hay + i), splat));
    while (found != 0) {
      const at = i + <u32>ctz(found);
      if (at > last) return -1;
      if (sameBytes(hay + at + 1, needle + 1, m - 1)) return <i32>at;
      found &= found - 1;
    }
  }
  for (; i <= last; i++) if (load<u8>(hay + i) == head && sameBytes(hay + i + 1, needle + 1, m - 1)) return <i32>i;
  return -1;
}

/** The u32 at index `i` of the array at `base`. */
@inline export function u32At(base: usize, i: u32): u32 { return load<u32>(base + (<usize>i << 2)); }

/** Sets bit `i` of the bit set at `bits` (u32 words, bit i in word i / 32). */
@inline export function setBit(bits: usize, i: u32): void {
  const w = bits + (<usize>(i >> 5) << 2);
  store<u32>(w, load<u32>(w) | (1 << (i & 31)));
}

/** Whether bit `i` of the bit set at `bits` is set. */
@inline export function testBit(bits: usize, i: u32): bool {
  return (load<u32>(bits + (<usize>(i >> 5) << 2)) & (1 << (i & 31))) != 0;
}
