// The engine's only export surface: flat functions over offsets and lengths, returning status
// codes. One instance serves one pack for its whole life; the host swaps packs by loading the
// new pack into a fresh instance, so a bad pack never disturbs the instance that is serving.

import { validatePack, tables } from "./pack";
import { buildSignatureDense, isDense, scanField } from "./scan";
import { buildPrefilter, stride } from "./prefilter";
import { allocateMatchBuffers, resolvePending, clearHits } from "./matches";
import { judge } from "./judge";
import { request, setRecordFields } from "./fields";
import { allocateValues } from "./values";
import { parseIp, IP_NONE } from "./ip";
import { fingerprint } from "./fingerprint";
import { readRateLimits } from "./ratelimit"; // [rate limits]
export { configureRateLimits, setRateLimitClock, rateLimitMatches, rateLimitTable, rateLimitTableBytes } from "./ratelimit"; // [rate limits]
import {
  STATUS_OK, STATUS_NO_PACK, STATUS_BAD_RECORD, STATUS_BAD_RATE_LIMITS, STATUS_OUT_OF_MEMORY, FIELD_USER_AGENT, RECORD_HEADER_SIZE,
  FIELD_COUNT, FIELD_IP, FIELD_HEADERS, FIELD_METHOD, FIELD_HTTP_VERSION, RECORD_FLAGS, RECORD_FLAG_HEADERS_ORDERED,
  RECORD_FLAG_TRUNCATED, VERDICT_FINGERPRINT, FINGERPRINT_SIZE, VERDICT_FLAG_IP_INVALID, RECORD_ASN,
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
  if (!readRateLimits(packBase)) return STATUS_BAD_RATE_LIMITS; // [rate limits]
  if (!allocateMatchBuffers()) return STATUS_OUT_OF_MEMORY;
  allocateValues();
  const entries = <u64>tables.trie.stateCount * <u64>tables.trie.classCount;
  const wantDense = form == AUTOMATON_DENSE || (form == AUTOMATON_AUTO && entries <= <u64>DENSE_MAX_ENTRIES);
  if (wantDense && form != AUTOMATON_COMPACT) {
    if (!buildSignatureDense()) return STATUS_OUT_OF_MEMORY;
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

/**
 * Classifies a user agent of `len` bytes at the start of the input region and writes verdict
 * record 0. Returns score | class << 8 | (bot index + 1) << 16, or 0 when no pack is loaded.
 * `truncated` (0/1) tells the engine that the host already cut the value short. `classOnly`
 * (0/1): the caller reads only the class (isBot), so once the signatures make the request
 * automated the heuristics and rules are skipped (they can only lower the score, never make it
 * human) and the verdict record holds the signatures' verdict alone.
 */
export function classifyUserAgent(len: u32, truncated: u32, classOnly: u32): u32 {
  if (!loaded || len > inputCap || verdictCap == 0) return 0;
  memory.fill(verdicts + VERDICT_FINGERPRINT, 0, FINGERPRINT_SIZE);
  for (let f = 0; f < FIELD_COUNT; f++) { request.fieldPtr[f] = <u32>input; request.fieldLen[f] = 0; }
  request.fieldLen[FIELD_USER_AGENT] = len;
  request.flags = 0;
  request.asn = 0;
  return judge(verdicts, truncated ? VERDICT_FLAG_TRUNCATED : 0, IP_NONE, false, classOnly != 0);
}

/**
 * Classifies `count` request records. The input region holds `count` u32 record offsets
 * (relative to the region), each record a field table followed by its bytes (bindings/format.ts);
 * verdict i goes to verdict record i. Every offset and length is checked against the region.
 */
export function classifyRecords(count: u32): i32 {
  if (!loaded) return STATUS_NO_PACK;
  if (count > verdictCap || <u64>count * 4 > <u64>inputCap) return STATUS_BAD_RECORD;
  for (let i: u32 = 0; i < count; i++) {
    const rel = load<u32>(input + (<usize>i << 2));
    if (<u64>rel + <u64>RECORD_HEADER_SIZE > <u64>inputCap) return STATUS_BAD_RECORD;
    const record = input + rel;
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (<u64>rel + <u64>load<u32>(record + f * 8) + <u64>load<u32>(record + f * 8 + 4) > <u64>inputCap) return STATUS_BAD_RECORD;
    }
    const out = verdicts + <usize>i * VERDICT_SIZE;
    const recordFlags = load<u32>(record + RECORD_FLAGS);
    let flags: u32 = (recordFlags & RECORD_FLAG_TRUNCATED) != 0 ? VERDICT_FLAG_TRUNCATED : 0;
    const ipLength = field(record, FIELD_IP, 1);
    const ipKind = parseIp(field(record, FIELD_IP, 0), ipLength);
    if (ipLength > 0 && ipKind == IP_NONE) flags |= VERDICT_FLAG_IP_INVALID;
    memory.fill(out + VERDICT_FINGERPRINT, 0, FINGERPRINT_SIZE);
    const headersLength = field(record, FIELD_HEADERS, 1);
    if (headersLength > 0) {
      fingerprint(field(record, FIELD_HEADERS, 0), headersLength, field(record, FIELD_METHOD, 0), field(record, FIELD_METHOD, 1),
        field(record, FIELD_HTTP_VERSION, 0), field(record, FIELD_HTTP_VERSION, 1), (recordFlags & RECORD_FLAG_HEADERS_ORDERED) != 0, out + VERDICT_FINGERPRINT);
    }
    setRecordFields(record);
    request.flags = recordFlags;
    request.asn = load<u32>(record + RECORD_ASN);
    judge(out, flags, ipKind, true); // [rate limits]: full requests only
  }
  return STATUS_OK;
}

/** Address (part 0) or length (part 1) of a record's field; the address of an absent field is the record. */
@inline function field(record: usize, id: i32, part: i32): usize {
  return part == 0 ? record + <usize>load<u32>(record + id * 8) : <usize>load<u32>(record + id * 8 + 4);
}
