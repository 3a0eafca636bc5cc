// The engine's only export surface: flat functions over offsets and lengths, returning status
// codes. One instance serves one pack for its whole life; the host swaps packs by loading the
// new pack into a fresh instance, so a bad pack never disturbs the instance that is serving.

import { validatePack, tables } from "./pack";
import { buildDense, isDense, scanField } from "./scan";
import { buildPrefilter, stride } from "./prefilter";
import { allocateMatchBuffers, resolvePending, clearHits } from "./matches";
import { writeVerdict } from "./score";
import {
  STATUS_OK, STATUS_NO_PACK, STATUS_BAD_RECORD, STATUS_OUT_OF_MEMORY, FIELD_USER_AGENT, RECORD_HEADER_SIZE,
  VERDICT_SIZE, VERDICT_FLAG_TRUNCATED, AUTOMATON_AUTO, AUTOMATON_DENSE, AUTOMATON_COMPACT, DENSE_MAX_ENTRIES,
} from "../bindings/format";

let packBase: usize = 0;
let packLength: u32 = 0;
let loaded = false;

let input: usize = 0;
let inputCap: u32 = 0;
let verdicts: usize = 0;
let verdictCap: u32 = 0;

/** Reserves `len` bytes for the pack the host is about to write; 0 if one is already loaded. */
export function allocPack(len: u32): usize {
  if (loaded || packBase != 0) return 0;
  packBase = heap.alloc(<usize>len + 8);
  packLength = len;
  return packBase;
}

/**
 * Validates the pack written at allocPack's address and prepares the automaton in the
 * requested form (AUTOMATON_AUTO picks dense when it fits DENSE_MAX_ENTRIES).
 */
export function loadPack(form: i32): i32 {
  if (packBase == 0 || loaded) return STATUS_NO_PACK;
  const status = validatePack(packBase, packLength);
  if (status != STATUS_OK) return status;
  if (!allocateMatchBuffers()) return STATUS_OUT_OF_MEMORY;
  const entries = <u64>tables.stateCount * <u64>tables.classCount;
  const wantDense = form == AUTOMATON_DENSE || (form == AUTOMATON_AUTO && entries <= <u64>DENSE_MAX_ENTRIES);
  if (wantDense && form != AUTOMATON_COMPACT) {
    if (!buildDense()) return STATUS_OUT_OF_MEMORY;
    buildPrefilter();
  }
  loaded = true;
  return STATUS_OK;
}

/** Which automaton form serves: AUTOMATON_DENSE or AUTOMATON_COMPACT. */
export function automatonForm(): i32 {
  return isDense() ? AUTOMATON_DENSE : AUTOMATON_COMPACT;
}

/** The prefilter's sampling stride (1 or 2), or 0 when the scan runs unfiltered. */
export function prefilterStride(): u32 {
  return stride;
}

/** The input region, grown to at least `len` bytes; its address may change, so ask after every call. */
export function reserveInput(len: u32): usize {
  if (len > inputCap) {
    const cap = len < 4096 ? 4096 : len;
    // Slack: the prefilter reads up to 3 bytes past a field that ends the region.
    input = heap.alloc(<usize>cap + 8);
    inputCap = cap;
  }
  return input;
}

/** The verdict region, with room for at least `count` verdict records. */
export function reserveVerdicts(count: u32): usize {
  if (count > verdictCap) {
    const cap = count < 64 ? 64 : count;
    verdicts = heap.alloc(<usize>cap * VERDICT_SIZE);
    verdictCap = cap;
  }
  return verdicts;
}

function classifyUserAgentAt(ua: usize, len: u32, out: usize): u32 {
  let flags: u32 = 0;
  if (len > tables.maxFieldLength) { len = tables.maxFieldLength; flags |= VERDICT_FLAG_TRUNCATED; }
  scanField(ua, len);
  resolvePending();
  const packed = writeVerdict(out, flags);
  clearHits();
  return packed;
}

/**
 * Classifies a user agent of `len` bytes at the start of the input region and writes verdict
 * record 0. Returns score | class << 8 | (bot index + 1) << 16, or 0 when no pack is loaded.
 * `truncated` (0/1) tells the engine that the host already cut the value short.
 */
export function classifyUserAgent(len: u32, truncated: u32): u32 {
  if (!loaded || len > inputCap || verdictCap == 0) return 0;
  const packed = classifyUserAgentAt(input, len, verdicts);
  if (truncated) store<u16>(verdicts + 2, load<u16>(verdicts + 2) | <u16>VERDICT_FLAG_TRUNCATED);
  return packed;
}

/**
 * Classifies `count` request records. The input region holds `count` u32 record offsets
 * (relative to the region), each record a field table followed by its bytes; verdict i goes
 * to verdict record i.
 */
export function classifyRecords(count: u32): i32 {
  if (!loaded) return STATUS_NO_PACK;
  if (count > verdictCap || <u64>count * 4 > <u64>inputCap) return STATUS_BAD_RECORD;
  for (let i: u32 = 0; i < count; i++) {
    const rel = load<u32>(input + (<usize>i << 2));
    if (<u64>rel + <u64>RECORD_HEADER_SIZE > <u64>inputCap) return STATUS_BAD_RECORD;
    const record = input + rel;
    const uaOffset = load<u32>(record + FIELD_USER_AGENT * 8);
    const uaLength = load<u32>(record + FIELD_USER_AGENT * 8 + 4);
    if (<u64>rel + <u64>uaOffset + <u64>uaLength > <u64>inputCap) return STATUS_BAD_RECORD;
    classifyUserAgentAt(record + uaOffset, uaLength, verdicts + <usize>i * VERDICT_SIZE);
  }
  return STATUS_OK;
}

