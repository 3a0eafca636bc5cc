// The binary contract between the pack compiler, the host and the Wasm engine: pack layout,
// request records, verdict records and status codes. Plain constants only, so that both
// TypeScript and AssemblyScript compile this one file (assembly/ imports it).

/** "BSFT" read as a little-endian u32. */
export const PACK_MAGIC = 0x54465342;
/** Bumped on any incompatible change of the layout below. */
export const PACK_FORMAT_VERSION = 5;

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
/** Heuristics and custom rules: two sections of the same RULES layout, so custom rules can be swapped alone. */
export const SECTION_HEURISTICS = 10;
export const SECTION_CUSTOM_RULES = 11;
/** Rate limits (assembly/ratelimit.ts): spliced in by createEngine like custom rules. An engine older than a section id refuses packs that carry it. */
export const SECTION_RATE_LIMITS = 12;
/** PREFILTER: maxKeyOffset u32, then one u8 per pattern (padded to 4): where its prefilter key starts. */
export const SECTION_PREFILTER = 13;
export const MAX_KEY_OFFSET = 8;
export const SECTION_LIMIT = 14; // section ids are 1 … SECTION_LIMIT - 1

// AUTOMATON: the trie of the patterns. stateCount u32, classCount u32, edgeCount u32, outputCount u32,
// then classOf[256] u8, childCount[stateCount] u8 and outputCount[stateCount] u8 (each padded
// to 4 bytes), edges[edgeCount] u32 (target << 8 | class, in state order, sorted by class within
// a state), outputs[outputCount] u32 (ids of the patterns that end exactly at each state). States are numbered breadth-first: every edge target > its
// source, every state but the root has one parent. The engine derives the failure links.
export const AUTOMATON_FIXED = 16 + 256;
export const MAX_STATES = 1 << 22;
export const MAX_CLASSES = 256;

// PATTERNS: patternCount u32, then per pattern: length u32, checkStart u32 (index into CHECKS), checkCount u32.
export const PATTERN_SIZE = 12;

// CHECKS: checkCount u32, then per check: flags u32, signature u32, offset u32, literal u32 (STRINGS offset).
// A signature check records an occurrence of its signature; an exclusion check vetoes the
// occurrence of its signature that starts `offset` bytes after the exclusion's start; an atom
// check (CHECK_ATOM) records that a heuristics atom on the user agent occurs.
export const CHECK_SIZE = 16;
export const CHECK_EXCLUSION = 1;
export const CHECK_CASE_SENSITIVE = 2;
export const CHECK_ANCHOR_START = 4;
export const CHECK_ANCHOR_END = 8;
export const CHECK_WORD_START = 16;
export const CHECK_WORD_END = 32;
/** The check's signature word is an atom id of the heuristics (bindings/compile/literals.ts), not a signature. */
export const CHECK_ATOM = 64;

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
export const VERDICT_SIZE = 176;
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
/** The terminating custom rule's action (u8) and index (i32, -1 none); logged rules: count u32 and indexes u16[MAX_LOGGED]. */
export const VERDICT_ACTION = 128;
export const VERDICT_RULE = 132;
export const VERDICT_LOGGED_COUNT = 136;
export const VERDICT_LOGGED = 140;
export const VERDICT_FLAG_RULE_FAULT = 64;
/** Rate limits: the index of the rate limit that blocked (else the first that logged; -1 none), its count (i32, u32) and retry-after in ms (u32). */
export const VERDICT_RATE_LIMIT = 160;
export const VERDICT_RATE_LIMIT_COUNT = 164;
export const VERDICT_RATE_LIMIT_RETRY = 168;
/** A VERDICT_LOGGED entry with this bit set is a rate limit's index, not a custom rule's. */
export const LOGGED_RATE_LIMIT = 0x8000;

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
export const STATUS_BAD_RULES = 15;
export const STATUS_BAD_RATE_LIMITS = 16;

/** Automaton forms the engine can run; chosen at load time by size unless forced. */
export const AUTOMATON_AUTO = 0;
export const AUTOMATON_DENSE = 1;
export const AUTOMATON_COMPACT = 2;
/** Above this many dense-table entries (states × classes) the engine runs the compact form. */
export const DENSE_MAX_ENTRIES = 4 * 1024 * 1024;

// RULES: ruleCount u32, codeWords u32, dataBytes u32, botCount u32, atomCount u32, gateWords u32,
// trieBytes u32, then per rule RULE_SIZE bytes (codeStart u32, codeLength u32, kind u32, action
// u32, detectionId u32, score u32, a u64 mask of RF_ fields the rule requires (when one is missing
// the rule cannot match and is skipped), gateStart u32, gateCount u32: the rule runs only when an
// entry of its gate holds, or always when gateCount is 0), then per bot 4 × (offset u32, length
// u32) into the data (name, operator, category, Cloudflare category), then the gates (u32 entries:
// an atom id, which holds when the atom occurs, or GATE_PRESENT | an RF_ field id, which holds
// when the request has that field), then per atom ATOM_SIZE bytes, then the literal automaton (the AUTOMATON layout over the
// atoms' folded bytes, outputs atom ids; trieBytes 0 when there are no atoms), then the code (u32
// words), then the data (bytes, 4-aligned pieces). Every offset is checked at load; the
// interpreter (assembly/vm.ts) checks stack depth and value tags as it runs.
export const RULE_SIZE = 40;
export const GATE_PRESENT = 0x80000000;
export const RULES_HEADER_SIZE = 28;
// An atom: field (RF_ id) u32, flags u32, data offset u32 of its bytes (folded unless case-sensitive), length u32.
export const ATOM_SIZE = 16;
export const ATOM_CASE_SENSITIVE = 1;
export const ATOM_ANCHOR_START = 2;
export const ATOM_ANCHOR_END = 4;
/** A floating user-agent atom of the heuristics that the signature automaton finds too (a CHECK_ATOM check). */
export const ATOM_SHARED = 8;
export const RULE_KIND_HEURISTIC = 0;
export const RULE_KIND_CUSTOM = 1;
export const RULE_KIND_RATE_LIMIT = 2;
// Actions of custom rules (RULE action word).
export const ACTION_NONE = 0;
export const ACTION_BLOCK = 1;
export const ACTION_ALLOW = 2;
export const ACTION_SKIP = 3;
export const ACTION_LOG = 4;
export const MAX_LOGGED = 8;
export const BOT_STRINGS_SIZE = 32;

// Bytecode: one u32 opcode followed by its operand words (OP_ARITY). Values live on a stack;
// Boolean structure (and, or, not) compiles to branches, each a typed test of a field or of the
// stack's top that jumps when the test comes out as its `sense` (0 | 1) and falls through
// otherwise. Every target is an instruction of the same rule; only OP_ITER_NEXT jumps back.
export const OP_FIELD = 1; // field id
export const OP_BYTES = 2; // data offset, length
export const OP_INT = 3; // low, high (i64)
export const OP_BOOL = 4; // 0 | 1
export const OP_IP = 5; // family (4 | 6), data offset of 16 bytes (IPv4 in the last 4)
export const OP_NOT = 6;
export const OP_JUMP = 7; // target
export const OP_ACCEPT = 8; // the rule matches (unless it faulted)
export const OP_REJECT = 9; // the rule does not match (or faulted)
export const OP_XOR = 10;
export const OP_CMP = 11; // comparison (CMP_*)
export const OP_CONTAINS = 12;
export const OP_WILDCARD = 13; // data offset of the pattern (segments), strict 0 | 1
export const OP_MATCHES = 14; // data offset of the regex tables
export const OP_IN_SET = 15; // data offset of the set
export const OP_INDEX_INT = 16;
export const OP_INDEX_KEY = 17;
export const OP_CALL = 18; // function (FN_*), argument count (1 … MAX_CALL_ARGS)
export const OP_ITER_BEGIN = 19; // target (after OP_ITER_NEXT): pops an array; missing → pushes missing and jumps
export const OP_ITER_ELEM = 20; // pushes the current element
export const OP_ITER_NEXT = 21; // target (the loop body): stores the top as the next result; loops or pushes the results
export const OP_BR_TRUE = 22; // subject, sense, target: the subject is Boolean true
export const OP_ARRAY_LOGIC = 23; // 0 and, 1 or, 2 xor: element by element over two Array<Boolean> (missing if either is)
export const OP_LITERAL = 24; // atom id: pushes whether the atom occurs in its field (scanning the field on first use)
export const OP_HEADER_COUNT = 25; // data offset, length, FNV-1a of a name (as the pack checksum; checked at load): len(http.request.headers[name]) without building the map
export const OP_CMP_INT = 26; // comparison (CMP_*), low, high: compares the top with an integer constant (OP_INT + OP_CMP in one)
export const OP_BR_LITERAL = 27; // atom id, sense, target: the atom occurs
export const OP_BR_CMP_INT = 28; // subject, comparison, low, high, sense, target: an integer compared with a constant
export const OP_BR_CMP_BYTES = 29; // subject, comparison, data offset, length, sense, target: bytes compared with a constant
export const OP_BR_CONTAINS = 30; // subject, data offset, length, sense, target: bytes contain a constant
export const OP_BR_IN_SET = 31; // subject, data offset of the set, sense, target
export const OP_BR_MATCHES = 32; // subject, data offset of the regex tables, sense, target
export const OP_LIMIT = 33;
/** Operand words of each opcode, indexed by opcode. */
export const OP_ARITY: number[] = [0, 1, 2, 2, 1, 2, 0, 1, 0, 0, 0, 1, 0, 2, 1, 1, 0, 0, 2, 1, 0, 1, 3, 1, 1, 3, 3, 3, 6, 6, 5, 4, 4];
/** A branch's subject that is not a field: the value on top of the stack, popped. */
export const SUBJECT_STACK = 0xffff;
/** A branch's subject `SUBJECT_LENGTH | field`: len() of the field (missing when the field is). */
export const SUBJECT_LENGTH = 0x8000;
/** Jump targets that end the rule at once: matched, or not (instead of landing on OP_ACCEPT / OP_REJECT). */
export const TARGET_ACCEPT = 0xffffffff;
export const TARGET_REJECT = 0xfffffffe;
/** Opcodes whose last operand is a jump target (OP_ITER_BEGIN and OP_ITER_NEXT have theirs first). */
export const BRANCH_OPS: number[] = [OP_BR_TRUE, OP_BR_LITERAL, OP_BR_CMP_INT, OP_BR_CMP_BYTES, OP_BR_CONTAINS, OP_BR_IN_SET, OP_BR_MATCHES];

export const CMP_EQ = 0;
export const CMP_NE = 1;
export const CMP_LT = 2;
export const CMP_LE = 3;
export const CMP_GT = 4;
export const CMP_GE = 5;

export const FN_LOWER = 1;
export const FN_UPPER = 2;
export const FN_LEN = 3;
export const FN_STARTS_WITH = 4;
export const FN_ENDS_WITH = 5;
export const FN_CONCAT = 6;
export const FN_SUBSTRING = 7;
export const FN_TO_STRING = 8;
export const FN_URL_DECODE = 9;
export const FN_ANY = 10;
export const FN_ALL = 11;
export const FN_CIDR = 12;
export const FN_CIDR6 = 13;
export const FN_JOIN = 14;
export const FN_REMOVE_BYTES = 15;
export const FN_DECODE_BASE64 = 16;
export const FN_LOOKUP_JSON_STRING = 17;
export const FN_LOOKUP_JSON_INTEGER = 18;
export const FN_LIMIT = 19;
/** Arguments of one call the engine takes (the checker's maxFunctionArgs default). */
export const MAX_CALL_ARGS = 32;

// Set kinds (OP_IN_SET data: kind u32, count u32, entries).
export const SET_BYTES = 1; // entries: length u32, bytes (4-aligned)
export const SET_INT = 2; // entries: from i64, to i64
export const SET_IP = 3; // entries: family u32, first 16 bytes, last 16 bytes

// Field ids of the rules language's scheme as the engine knows them.
export const RF_METHOD = 0;
export const RF_URI = 1;
export const RF_URI_PATH = 2;
export const RF_URI_QUERY = 3;
export const RF_HOST = 4;
export const RF_USER_AGENT = 5;
export const RF_REFERER = 6;
export const RF_COOKIE = 7;
export const RF_VERSION = 8;
export const RF_SSL = 9;
export const RF_IP_SRC = 10;
export const RF_ASNUM = 11;
export const RF_COUNTRY = 12;
export const RF_SCORE = 13;
export const RF_VERIFIED_BOT = 14;
export const RF_JA3 = 15;
export const RF_JA4 = 16;
export const RF_DETECTION_IDS = 17;
export const RF_STATIC_RESOURCE = 18;
export const RF_VERIFIED_BOT_CATEGORY = 19;
export const RF_CLIENT_BOT = 20;
export const RF_BOT_NAME = 21;
export const RF_BOT_OPERATOR = 22;
export const RF_BOT_CATEGORY = 23;
export const RF_BOT_SPOOFED = 24;
export const RF_BOT_VERIFIED = 25;
export const RF_FINGERPRINT = 26;
export const RF_BOTSIFT_SCORE = 27;
export const RF_CLASS = 28;
export const RF_HEADERS = 29;
export const RF_HEADER_NAMES = 30;
export const RF_HEADER_VALUES = 31;
export const RF_ARGS = 32;
export const RF_ARG_NAMES = 33;
export const RF_ARG_VALUES = 34;
export const RF_FULL_URI = 35;
export const RF_HEADERS_COMPLETE = 36;
export const RF_HEADERS_ORDERED = 37;
export const RF_HEADER_ORDER = 38;
export const RF_UA_FAMILY = 39;
export const RF_UA_MAJOR = 40;
export const RF_LIMIT = 41;
/** Fields atoms may be on: plain bytes that stay the same while the rules run (not the verdict's). */
export const SCANNABLE_FIELDS: number[] = [RF_METHOD, RF_URI, RF_URI_PATH, RF_URI_QUERY, RF_HOST, RF_USER_AGENT, RF_REFERER,
  RF_COOKIE, RF_VERSION, RF_COUNTRY, RF_JA3, RF_JA4, RF_FULL_URI, RF_HEADER_ORDER];

// ---- Rate limits (hook for assembly/ratelimit.ts and bindings/ratelimit/) ----
// RATE_LIMITS: limitCount u32, characteristicCount u32, nameBytes u32, rulesBytes u32, then per
// limit RATE_LIMIT_SIZE bytes (matchRule u32, countRule u32 (RATE_LIMIT_SAME: the expression),
// period u32 s, requests u32, timeout u32 s (0 = throttle), action u32 (block | log),
// characteristicStart u32, characteristicCount u32), then per characteristic (kind u32 (CH_*),
// nameOffset u32, nameLength u32) into the names (nameBytes, padded to 4), then a RULES section
// (rulesBytes) of kind RULE_KIND_RATE_LIMIT holding the expressions. Every field is checked at load.
export const RATE_LIMIT_HEADER = 16;
export const RATE_LIMIT_SIZE = 32;
export const RATE_LIMIT_CHARACTERISTIC_SIZE = 12;
export const RATE_LIMIT_SAME = 0xffffffff;
export const MAX_RATE_LIMITS = 1024;
export const MAX_CHARACTERISTICS = 8;
export const MAX_PERIOD = 86400;
export const MAX_MITIGATION_TIMEOUT = 86400;
export const MAX_REQUESTS_PER_PERIOD = 1000000;
export const CH_IP_SRC = 1;
export const CH_ASNUM = 2;
export const CH_COUNTRY = 3;
export const CH_HOST = 4;
export const CH_PATH = 5;
export const CH_JA3 = 6;
export const CH_JA4 = 7;
export const CH_HEADER = 8;
export const CH_COOKIE = 9;
export const CH_QUERY_ARG = 10;
export const CH_LIMIT = 11;
// The in-engine counter table: a header (tick u32, used u32, evictions u32, buckets u32), then
// buckets × RATE_LIMIT_WAYS entries of RATE_LIMIT_ENTRY_SIZE bytes: key u64 (0 = empty),
// window u32 (s), current u32, previous u32, blockedFor u32 (ms after the window's start),
// expires u32 (s), touched u32 (tick).
export const RATE_LIMIT_TABLE_HEADER = 16;
export const RATE_LIMIT_ENTRY_SIZE = 32;
export const RATE_LIMIT_WAYS = 8;
export const DEFAULT_RATE_LIMIT_ENTRIES = 65536;
export const MAX_RATE_LIMIT_ENTRIES = 1 << 22;
// With an external store the engine lists the matching rate limits of the last request: count
// u32, then per match (limit index u32, counts u32 (0 | 1), key hash low u32, high u32).
export const RATE_LIMIT_MATCH_SIZE = 16;
