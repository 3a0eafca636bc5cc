// The binary contract between the pack compiler, the host and the Wasm engine: pack layout,
// request records, verdict records and status codes. Plain constants only, so that both
// TypeScript and AssemblyScript compile this one file (assembly/ imports it).

/** "BSFT" read as a little-endian u32. */
export const PACK_MAGIC = 0x54465342;
/** Bumped on any incompatible change of the layout below. */
export const PACK_FORMAT_VERSION = 1;

// Header: magic u32, version u16, flags u16 (reserved, 0), total length u32, checksum u32,
// section count u32, then section entries. The checksum (FNV-1a) covers every byte from the
// section count to the end; the bytes before it are each checked exactly.
export const HEADER_SIZE = 20;
export const HEADER_MAGIC = 0;
export const HEADER_VERSION = 4;
export const HEADER_TOTAL_LENGTH = 8;
export const HEADER_CHECKSUM = 12;
export const HEADER_SECTION_COUNT = 16;
export const CHECKSUM_FROM = 16;
/** Each section entry: id u32, offset u32, length u32 (offsets from the start of the pack, 4-aligned). */
export const SECTION_ENTRY_SIZE = 12;
export const MAX_SECTIONS = 16;

export const SECTION_AUTOMATON = 1;
export const SECTION_PATTERNS = 2;
export const SECTION_CHECKS = 3;
export const SECTION_SIGNATURES = 4;
export const SECTION_STRINGS = 5;
export const SECTION_META = 6;
export const SECTION_PARAMS = 7;
export const SECTION_IP_RANGES = 8;
export const SECTION_BOT_VERIFY = 9;
export const SECTION_LIMIT = 10; // section ids are 1 … SECTION_LIMIT - 1

// AUTOMATON: stateCount u32, classCount u32, edgeCount u32, outputCount u32, then
// classOf[256] u8, fail[stateCount] u32, edgeStart[stateCount + 1] u32,
// edges[edgeCount] u32 (target << 8 | class), outStart[stateCount + 1] u32, outputs[outputCount] u32 (pattern ids).
// States are numbered in breadth-first order: fail[s] < s and every edge target > s.
export const AUTOMATON_FIXED = 16 + 256;
export const MAX_STATES = 1 << 22;
export const MAX_CLASSES = 256;

// PATTERNS: patternCount u32, then per pattern: length u32, checkStart u32 (index into CHECKS), checkCount u32.
export const PATTERN_SIZE = 12;

// CHECKS: checkCount u32, then per check: flags u32, signature u32, offset u32, literal u32 (STRINGS offset).
// A signature check records an occurrence of its signature; an exclusion check vetoes the
// occurrence of its signature that starts `offset` bytes after the exclusion's start.
export const CHECK_SIZE = 16;
export const CHECK_EXCLUSION = 1;
export const CHECK_CASE_SENSITIVE = 2;
export const CHECK_ANCHOR_START = 4;
export const CHECK_ANCHOR_END = 8;
export const CHECK_WORD_START = 16;
export const CHECK_WORD_END = 32;

// SIGNATURES: signatureCount u32, botCount u32, then per signature: bot u32, detectionId u32, priority u32, flags u32.
export const SIGNATURE_SIZE = 16;
export const SIGNATURE_HAS_EXCLUSIONS = 1;

// PARAMS: per-pack scoring settings, u32 each.
export const PARAM_HUMAN_SCORE = 0;
export const PARAM_BOT_SCORE = 4;
export const PARAM_MAX_FIELD_LENGTH = 8;
export const PARAM_SPOOFED_DETECTION = 12;
export const PARAMS_SIZE = 16;

// IP_RANGES: v4Count u32, v6Count u32, setWords u32, then v4 intervals (first u32, last u32,
// set u32) sorted and disjoint, v6 intervals (first u32×4, last u32×4 big-endian words, set u32)
// sorted and disjoint, then setWords u32 of sets: each set is a count followed by range-list ids.
export const IP_V4_INTERVAL_SIZE = 12;
export const IP_V6_INTERVAL_SIZE = 36;

// BOT_VERIFY: botCount u32, listTotal u32, then per bot: flags u32, listStart u32, listCount u32,
// then listTotal u32 range-list ids, then the number of range lists u32. A bot with lists is verified from an address in one of
// them; with BOT_VERIFY_AUTHORITATIVE it is spoofed from any other address.
export const BOT_VERIFY_SIZE = 12;
export const BOT_VERIFY_AUTHORITATIVE = 1;

// Request records. A record starts with FIELD_COUNT (offset u32, length u32) pairs, offsets
// relative to the record's start (a length of 0 means the field is absent), then RECORD_ASN and
// RECORD_FLAGS (u32 each), then the field bytes.
export const FIELD_USER_AGENT = 0;
export const FIELD_METHOD = 1;
export const FIELD_URL = 2;
export const FIELD_HOST = 3;
export const FIELD_HTTP_VERSION = 4;
export const FIELD_IP = 5;
/** Headers as repeated (name length u16, value length u16, lower-cased name, value). */
export const FIELD_HEADERS = 6;
export const FIELD_COUNTRY = 7;
export const FIELD_JA3 = 8;
export const FIELD_JA4 = 9;
export const FIELD_COUNT = 10;
export const RECORD_ASN = FIELD_COUNT * 8;
export const RECORD_FLAGS = RECORD_ASN + 4;
export const RECORD_HEADER_SIZE = RECORD_FLAGS + 4;
/** The caller supplied headers: they are the complete set, so a missing header is evidence. */
export const RECORD_FLAG_HEADERS_COMPLETE = 1;
/** The headers are in wire order (not re-sorted, as Fetch Headers objects are). */
export const RECORD_FLAG_HEADERS_ORDERED = 2;
export const RECORD_FLAG_ASN_KNOWN = 4;
export const RECORD_FLAG_TLS = 8;
export const RECORD_FLAG_TRUNCATED = 16;

// Verdict records.
export const VERDICT_SIZE = 128;
export const VERDICT_SCORE = 0; // u8
export const VERDICT_CLASS = 1; // u8
export const VERDICT_FLAGS = 2; // u16
export const VERDICT_BOT = 4; // i32, -1 for none
export const VERDICT_DETECTION_COUNT = 8; // u32, may exceed MAX_DETECTIONS (then flagged)
export const VERDICT_DETECTIONS = 12; // u32[MAX_DETECTIONS]
export const MAX_DETECTIONS = 20;

export const VERDICT_FLAG_TRUNCATED = 1;
export const VERDICT_FLAG_DETECTIONS_OVERFLOW = 2;
export const VERDICT_FLAG_OCCURRENCES_OVERFLOW = 4;
export const VERDICT_FLAG_VERIFIED = 8;
export const VERDICT_FLAG_SPOOFED = 16;
export const VERDICT_FLAG_IP_INVALID = 32;
/** Header fingerprint, ASCII, NUL-padded (see assembly/fingerprint.ts for the format). */
export const VERDICT_FINGERPRINT = 96;
export const FINGERPRINT_SIZE = 32;

export const CLASS_HUMAN = 0;
export const CLASS_LIKELY_BOT = 1;
export const CLASS_BOT = 2;
export const CLASS_VERIFIED_BOT = 3;

// Status codes returned by the engine's exports.
export const STATUS_OK = 0;
export const STATUS_NO_PACK = 1;
export const STATUS_BAD_MAGIC = 2;
export const STATUS_BAD_VERSION = 3;
export const STATUS_BAD_LENGTH = 4;
export const STATUS_BAD_CHECKSUM = 5;
export const STATUS_BAD_SECTION = 6;
export const STATUS_BAD_AUTOMATON = 7;
export const STATUS_BAD_PATTERNS = 8;
export const STATUS_BAD_CHECKS = 9;
export const STATUS_BAD_SIGNATURES = 10;
export const STATUS_BAD_PARAMS = 11;
export const STATUS_BAD_RECORD = 12;
export const STATUS_OUT_OF_MEMORY = 13;
export const STATUS_BAD_IP_RANGES = 14;

/** Automaton forms the engine can run; chosen at load time by size unless forced. */
export const AUTOMATON_AUTO = 0;
export const AUTOMATON_DENSE = 1;
export const AUTOMATON_COMPACT = 2;
/** Above this many dense-table entries (states × classes) the engine runs the compact form. */
export const DENSE_MAX_ENTRIES = 4 * 1024 * 1024;
