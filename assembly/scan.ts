// Automaton search over one field, in one of two interchangeable forms: a dense DFA over byte
// classes (built at load time from the pack's compact form) or the compact form itself
// (goto edges plus failure links). Both report the same pattern ends; `matches.ts` turns
// them into signature hits.

import { tables } from "./pack";
import { onPatternEnd } from "./matches";

/** dense[state * classCount + class] = (next * classCount) << 1 | (next has outputs). */
let dense: usize = 0;
let denseReady = false;

/** Builds the dense table; `fail[s] < s` (checked at load) makes one pass in state order enough. */
export function buildDense(): bool {
  const C = <usize>tables.classCount;
  const states = <usize>tables.stateCount;
  const bytes = states * C * 4;
  dense = heap.alloc(bytes);
  if (dense == 0) return false;
  for (let s: usize = 0; s < states; s++) {
    const row = dense + s * C * 4;
    if (s == 0) {
      for (let c: usize = 0; c < C; c++) store<u32>(row + (c << 2), 0);
    } else {
      memory.copy(row, dense + <usize>load<u32>(tables.fail + (s << 2)) * C * 4, C * 4);
    }
    const e0 = load<u32>(tables.edgeStart + (s << 2));
    const e1 = load<u32>(tables.edgeStart + ((s + 1) << 2));
    for (let e = e0; e < e1; e++) {
      const edge = load<u32>(tables.edges + (<usize>e << 2));
      const target = <usize>(edge >> 8);
      store<u32>(row + (<usize>(edge & 0xff) << 2), <u32>((target * C) << 1) | (hasOutputs(<u32>target) ? 1 : 0));
    }
  }
  denseReady = true;
  return true;
}

export function isDense(): bool {
  return denseReady;
}

@inline function hasOutputs(s: u32): bool {
  return load<u32>(tables.outStart + (<usize>(s + 1) << 2)) != load<u32>(tables.outStart + (<usize>s << 2));
}

@inline function reportOutputs(s: u32, hay: usize, len: u32, end: u32): void {
  const o1 = load<u32>(tables.outStart + (<usize>(s + 1) << 2));
  for (let o = load<u32>(tables.outStart + (<usize>s << 2)); o < o1; o++) {
    onPatternEnd(load<u32>(tables.outputs + (<usize>o << 2)), hay, len, end);
  }
}

/** Scans `len` bytes at `hay` with the dense DFA. */
export function scanDense(hay: usize, len: u32): void {
  const C = tables.classCount;
  const classOf = tables.classOf;
  const table = dense;
  let at: u32 = 0; // state * C
  for (let i: u32 = 0; i < len; i++) {
    const cls = <u32>load<u8>(classOf + <usize>load<u8>(hay + i));
    const entry = load<u32>(table + (<usize>(at + cls) << 2));
    at = entry >> 1;
    if (entry & 1) reportOutputs(at / C, hay, len, i + 1);
  }
}

/** The goto function of the compact form: the target of `s` on `cls`, or -1. Edges are sorted by class. */
@inline function gotoEdge(s: u32, cls: u32): i32 {
  let lo = load<u32>(tables.edgeStart + (<usize>s << 2));
  let hi = load<u32>(tables.edgeStart + (<usize>(s + 1) << 2));
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const edge = load<u32>(tables.edges + (<usize>mid << 2));
    const c = edge & 0xff;
    if (c == cls) return <i32>(edge >> 8);
    if (c < cls) lo = mid + 1; else hi = mid;
  }
  return -1;
}

/** Scans `len` bytes at `hay` with the compact form, following failure links. */
export function scanCompact(hay: usize, len: u32): void {
  const classOf = tables.classOf;
  let s: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const cls = <u32>load<u8>(classOf + <usize>load<u8>(hay + i));
    while (true) {
      const next = gotoEdge(s, cls);
      if (next >= 0) { s = <u32>next; break; }
      if (s == 0) break;
      s = load<u32>(tables.fail + (<usize>s << 2));
    }
    if (hasOutputs(s)) reportOutputs(s, hay, len, i + 1);
  }
}

export function scanField(hay: usize, len: u32): void {
  if (denseReady) scanDense(hay, len); else scanCompact(hay, len);
}
