// The rules interpreter's values: 16-byte slots on a value stack, and a per-request arena for
// what rules compute (lower-cased strings, concatenations, arrays, parsed maps). The arena is
// reset before every request; when it is full the value becomes missing, never a trap.

export const SLOT = 16;
export const T_MISSING: u32 = 0;
export const T_BOOL: u32 = 1;
export const T_INT: u32 = 2;
export const T_BYTES: u32 = 3;
export const T_IP: u32 = 4;
export const T_ARRAY: u32 = 5;
/** A map: `count` entries of two slots each (key bytes, value array). */
export const T_MAP: u32 = 6;

// Slot layout: tag u32 at 0, aux u32 at 4 (bytes length, array count, IP family), payload at 8
// (bool i32, int i64, pointer u32).

const STACK_SLOTS: u32 = 512;
const ARENA_BYTES: u32 = 256 * 1024;
let stackBase: usize = 0;
let sp: u32 = 0;
let arenaBase: usize = 0;
let arenaTop: u32 = 0;
/** Set when a push overflowed the stack or the arena ran out: the rule's result is missing. */
export let faulted = false;

export function allocateValues(): void {
  stackBase = heap.alloc(<usize>STACK_SLOTS * SLOT);
  arenaBase = heap.alloc(<usize>ARENA_BYTES);
}

/** Before each rule: an empty stack, no fault. */
export function resetStack(): void {
  sp = 0;
  faulted = false;
}

/** Before each request: the arena is emptied too (fields cached in it live for one request). */
export function resetArena(): void {
  arenaTop = 0;
}

export function depth(): u32 {
  return sp;
}

/** Bytes from the arena, 8-aligned; 0 when it is full (the caller pushes missing). */
export function arenaAlloc(bytes: u32): usize {
  const size = (bytes + 7) & ~7;
  if (<u64>arenaTop + <u64>size > <u64>ARENA_BYTES) { faulted = true; return 0; }
  const p = arenaBase + arenaTop;
  arenaTop += size;
  return p;
}

/** Address of the slot `k` below the top (0 = top); 0 and faulted when the stack is shorter. */
export function peek(k: u32): usize {
  if (k >= sp) { faulted = true; return stackBase; }
  return stackBase + <usize>(sp - 1 - k) * SLOT;
}

export function pop(): usize {
  if (sp == 0) { faulted = true; return stackBase; }
  sp--;
  return stackBase + <usize>sp * SLOT;
}

/** Address of a fresh slot on top. */
export function pushSlot(): usize {
  if (sp >= STACK_SLOTS) { faulted = true; return stackBase + <usize>(STACK_SLOTS - 1) * SLOT; }
  const p = stackBase + <usize>sp * SLOT;
  sp++;
  return p;
}

@inline export function tagOf(slot: usize): u32 { return load<u32>(slot); }
@inline export function auxOf(slot: usize): u32 { return load<u32>(slot + 4); }
@inline export function ptrOf(slot: usize): usize { return <usize>load<u32>(slot + 8); }
@inline export function intOf(slot: usize): i64 { return load<i64>(slot + 8); }

@inline export function setMissing(slot: usize): void { store<u32>(slot, T_MISSING); store<u32>(slot + 4, 0); store<u64>(slot + 8, 0); }
@inline export function setBool(slot: usize, v: bool): void { store<u32>(slot, T_BOOL); store<u32>(slot + 4, 0); store<i64>(slot + 8, v ? 1 : 0); }
@inline export function setInt(slot: usize, v: i64): void { store<u32>(slot, T_INT); store<u32>(slot + 4, 0); store<i64>(slot + 8, v); }
@inline export function setBytes(slot: usize, p: usize, len: u32): void { store<u32>(slot, T_BYTES); store<u32>(slot + 4, len); store<u64>(slot + 8, <u64>p); }
@inline export function setIp(slot: usize, family: u32, p: usize): void { store<u32>(slot, T_IP); store<u32>(slot + 4, family); store<u64>(slot + 8, <u64>p); }
@inline export function setArray(slot: usize, count: u32, p: usize): void { store<u32>(slot, T_ARRAY); store<u32>(slot + 4, count); store<u64>(slot + 8, <u64>p); }
@inline export function setMap(slot: usize, count: u32, p: usize): void { store<u32>(slot, T_MAP); store<u32>(slot + 4, count); store<u64>(slot + 8, <u64>p); }

export function pushMissing(): void { setMissing(pushSlot()); }
export function pushBool(v: bool): void { setBool(pushSlot(), v); }
export function pushInt(v: i64): void { setInt(pushSlot(), v); }
export function pushBytes(p: usize, len: u32): void { setBytes(pushSlot(), p, len); }

export function copySlot(to: usize, from: usize): void {
  store<u64>(to, load<u64>(from));
  store<u64>(to + 8, load<u64>(from + 8));
}

/** True only for a boolean true; missing and everything else are not. */
export function isTrue(slot: usize): bool {
  return tagOf(slot) == T_BOOL && intOf(slot) != 0;
}
