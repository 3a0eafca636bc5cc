// Rules in the pack: heuristics (scored detections, run before the score is final) and custom
// rules (run after, first terminating action wins). Validation decodes every rule's bytecode
// once at load, so the interpreter only meets well-formed instructions, in-range data and
// forward jumps (backward only to a loop body); a step budget bounds every run.

import { Trie, readTrie, buildDense } from "./trie";
import { scannable, indexGates } from "./literals";
import { fnv1a } from "./pack";
import {
  RULE_SIZE, RULES_HEADER_SIZE, ATOM_SIZE, ATOM_CASE_SENSITIVE, ATOM_ANCHOR_START, ATOM_ANCHOR_END, ATOM_SHARED, DENSE_MAX_ENTRIES, OP_LITERAL, OP_HEADER_COUNT, OP_CMP_INT, MAX_CALL_ARGS, BOT_STRINGS_SIZE, RULE_KIND_HEURISTIC, RF_LIMIT, FN_LIMIT, GATE_PRESENT, SET_BYTES, SET_INT, SET_IP,
  OP_FIELD, OP_BYTES, OP_INT, OP_BOOL, OP_IP, OP_NOT, OP_JUMP, OP_ACCEPT, OP_REJECT, OP_XOR, OP_CMP, OP_CONTAINS,
  OP_WILDCARD, OP_MATCHES, OP_IN_SET, OP_INDEX_INT, OP_INDEX_KEY, OP_CALL, OP_ITER_BEGIN, OP_ITER_ELEM, OP_ITER_NEXT,
  OP_ARRAY_LOGIC, OP_BR_TRUE, OP_BR_LITERAL, OP_BR_CMP_INT, OP_BR_CMP_BYTES, OP_BR_CONTAINS, OP_BR_IN_SET, OP_BR_MATCHES, SUBJECT_STACK, SUBJECT_LENGTH, TARGET_ACCEPT, TARGET_REJECT,
} from "../bindings/format";

/** One validated RULES section. */
export class RuleSet {
  count: u32 = 0;
  rules: usize = 0;
  code: usize = 0;
  data: usize = 0;
  botStrings: usize = 0;
  /** Atoms (ATOM records), the gates' atom ids, and the literal automaton over the atoms. */
  atomCount: u32 = 0;
  atoms: usize = 0;
  gates: usize = 0;
  trie: Trie = new Trie();
  /** Per request: which atoms occur (bits, and the list of set bits) and which fields were scanned. */
  hitBits: usize = 0;
  hitList: usize = 0;
  hitCount: u32 = 0;
  scanned: u64 = 0;
  /** This request's signature scan found the shared atoms (ATOM_SHARED; heuristics only). */
  sharedFound: bool = false;
  /**
   * The gates, indexed at load (literals.ts, indexGates): per rule the fields whose presence
   * opens it (u64), the fields of its floating atoms found by the set's own scan and by the
   * signature scan (u64 each), and its anchored atoms (CSR: anchoredAt, anchoredList); per atom
   * the rules it opens (CSR: atomRuleAt, atomRuleList); and per request the opened rules (bits).
   */
  gatePresence: usize = 0;
  gateScan: usize = 0;
  gateShared: usize = 0;
  anchoredAt: usize = 0;
  anchoredList: usize = 0;
  atomRuleAt: usize = 0;
  atomRuleList: usize = 0;
  opened: usize = 0;
  /** The rules whose required fields are all in `runnableKnown`, in order (see runnableRules). */
  runnable: usize = 0;
  runnableCount: u32 = 0;
  runnableKnown: u64 = 0;
  /** Per request: each runnable rule's result (i8), written by vm.ts runRules. */
  results: usize = 0;
}

/**
 * The rules of `set` that can match when the fields in `known` are present: a list kept until
 * `known` changes, which it rarely does (user agents alone, or full requests from one platform),
 * so a rule that needs headers costs nothing on a bare user agent.
 */
export function runnableRules(set: RuleSet, known: u64): usize {
  if (known == set.runnableKnown && set.runnable != 0) return set.runnable;
  if (set.runnable == 0) set.runnable = heap.alloc((<usize>set.count + 1) << 2);
  let n: u32 = 0;
  for (let r: u32 = 0; r < set.count; r++) {
    if ((load<u64>(set.rules + <usize>r * RULE_SIZE + 24) & ~known) == 0) { store<u32>(set.runnable + (<usize>n << 2), r); n++; }
  }
  set.runnableCount = n;
  set.runnableKnown = known;
  return set.runnable;
}

export const heuristics = new RuleSet();
export const customRules = new RuleSet();

// The section being validated.
let code: usize = 0;
let data: usize = 0;
let dataBytes: u32 = 0;
let atomLimit: u32 = 0;

function arity(op: u32): i32 {
  switch (op) {
    case OP_FIELD: case OP_BOOL: case OP_JUMP: case OP_CMP: case OP_MATCHES: case OP_IN_SET:
    case OP_ITER_BEGIN: case OP_ITER_NEXT: case OP_ARRAY_LOGIC: case OP_LITERAL: return 1;
    case OP_BYTES: case OP_INT: case OP_IP: case OP_WILDCARD: case OP_CALL: return 2;
    case OP_CMP_INT: case OP_BR_TRUE: case OP_BR_LITERAL: case OP_HEADER_COUNT: return 3;
    case OP_BR_IN_SET: case OP_BR_MATCHES: return 4;
    case OP_BR_CONTAINS: return 5;
    case OP_BR_CMP_INT: case OP_BR_CMP_BYTES: return 6;
    case OP_NOT: case OP_ACCEPT: case OP_REJECT: case OP_XOR: case OP_CONTAINS: case OP_INDEX_INT: case OP_INDEX_KEY: case OP_ITER_ELEM: return 0;
  }
  return -1;
}

@inline function inData(offset: u32, length: u64): bool {
  return <u64>offset + length <= <u64>dataBytes;
}

function validWildcard(at: u32): bool {
  if ((at & 3) != 0 || !inData(at, 8)) return false;
  const count = load<u32>(data + at + 4);
  let p = at + 8;
  for (let i: u32 = 0; i < count; i++) {
    if (!inData(p, 4)) return false;
    const m = load<u32>(data + p);
    if (m == 0 || !inData(p + 4, <u64>m)) return false;
    p += 4 + ((m + 3) & ~3);
  }
  return true;
}

function validRegex(at: u32): bool {
  if ((at & 3) != 0 || !inData(at, 16 + 256)) return false;
  const t = data + at;
  const classes = load<u32>(t), states = load<u32>(t + 4), start = load<u32>(t + 8), dead = load<u32>(t + 12);
  if (classes == 0 || classes > 256 || states == 0 || states > 1 << 20 || start >= states || dead > states) return false;
  if (<u64>states * classes * 4 >= <u64>1 << 31) return false; // row offsets are u32 with two flag bits
  const flags = <u64>((states + 3) & ~3) * 2;
  if (!inData(at, 16 + 256 + flags + <u64>states * classes * 4)) return false;
  for (let b = 0; b < 256; b++) if (<u32>load<u8>(t + 16 + b) >= classes) return false;
  const transitions = t + 16 + 256 + <usize>flags;
  const acceptNow = t + 16 + 256;
  const rowBytes = classes * 4;
  for (let i: u32 = 0; i < states * classes; i++) {
    const e = load<u32>(transitions + (<usize>i << 2));
    const row = e & ~3, target = row / rowBytes;
    // A row offset of a real state, flagged exactly as that state is.
    if (row % rowBytes != 0 || target >= states) return false;
    if (((e & 1) != 0) != (load<u8>(acceptNow + target) != 0) || ((e & 2) != 0) != (target + 1 == dead)) return false;
  }
  return true;
}

function validSet(at: u32): bool {
  if ((at & 3) != 0 || !inData(at, 8)) return false;
  const kind = load<u32>(data + at), count = load<u32>(data + at + 4);
  let p = at + 8;
  for (let i: u32 = 0; i < count; i++) {
    if (kind == SET_BYTES) {
      if (!inData(p, 4)) return false;
      const m = load<u32>(data + p);
      if (!inData(p + 4, <u64>m)) return false;
      p += 4 + ((m + 3) & ~3);
    } else if (kind == SET_INT) { if (!inData(p, 16)) return false; p += 16; }
    else if (kind == SET_IP) { if (!inData(p, 36)) return false; const f = load<u32>(data + p); if (f != 4 && f != 6) return false; p += 36; }
    else return false;
  }
  return true;
}

/** A forward jump from `pc` to an instruction of the rule [start, end), or to one of its outcomes. */
function jumpTarget(target: u32, pc: u32, start: u32, end: u32, starts: usize): bool {
  if (target == <u32>TARGET_ACCEPT || target == <u32>TARGET_REJECT) return true;
  return target > pc && target < end && load<u8>(starts + target - start) != 0;
}

/** Decodes rule `r`'s code, checking every instruction; true when the rule may run. */
function validRule(start: u32, length: u32, starts: usize): bool {
  const end = start + length;
  if (length == 0) return false;
  for (let pass = 0; pass < 2; pass++) {
    let pc = start;
    let last: u32 = 0;
    while (pc < end) {
      const op = load<u32>(code + (<usize>pc << 2));
      const n = arity(op);
      if (n < 0 || <u64>pc + 1 + <u64>n > <u64>end) return false;
      if (pass == 0) { store<u8>(starts + pc - start, 1); last = op; pc += 1 + <u32>n; continue; }
      const a = n > 0 ? load<u32>(code + (<usize>(pc + 1) << 2)) : 0;
      const b = n > 1 ? load<u32>(code + (<usize>(pc + 2) << 2)) : 0;
      const c = n > 2 ? load<u32>(code + (<usize>(pc + 3) << 2)) : 0;
      if (op >= <u32>OP_BR_LITERAL || op == <u32>OP_BR_TRUE) {
        // Every branch: a sense of 0 or 1, then a forward target inside the rule, on an instruction.
        const sense = load<u32>(code + (<usize>(pc + <u32>n - 1) << 2)), target = load<u32>(code + (<usize>(pc + <u32>n) << 2));
        if (sense > 1 || !jumpTarget(target, pc, start, end, starts)) return false;
        if (op != OP_BR_LITERAL && a != SUBJECT_STACK && (a & ~(<u32>SUBJECT_LENGTH)) >= <u32>RF_LIMIT) return false;
      }
      switch (op) {
        case OP_FIELD: if (a >= <u32>RF_LIMIT) return false; break;
        case OP_BYTES: if (!inData(a, <u64>b)) return false; break;
        case OP_HEADER_COUNT: if (!inData(a, <u64>b) || c != fnv1a(data + a, b)) return false; break;
        case OP_BOOL: if (a > 1) return false; break;
        case OP_IP: if ((a != 4 && a != 6) || !inData(b, 16)) return false; break;
        case OP_CMP: case OP_CMP_INT: if (a > 5) return false; break;
        case OP_ARRAY_LOGIC: if (a > 2) return false; break;
        case OP_LITERAL: if (a >= atomLimit) return false; break;
        case OP_WILDCARD: if (!validWildcard(a) || b > 1) return false; break;
        case OP_MATCHES: if (!validRegex(a)) return false; break;
        case OP_IN_SET: if (!validSet(a)) return false; break;
        case OP_CALL: if (a == 0 || a >= <u32>FN_LIMIT || b == 0 || b > <u32>MAX_CALL_ARGS) return false; break;
        case OP_JUMP: if (!jumpTarget(a, pc, start, end, starts)) return false; break;
        case OP_ITER_BEGIN:
          if (a <= pc || a > end || (a < end && load<u8>(starts + a - start) == 0)) return false;
          break;
        case OP_BR_LITERAL: if (a >= atomLimit) return false; break;
        case OP_BR_CMP_INT: if (b > 5) return false; break;
        case OP_BR_CMP_BYTES: if (b > 5 || !inData(c, <u64>load<u32>(code + (<usize>(pc + 4) << 2)))) return false; break;
        case OP_BR_CONTAINS: if (!inData(b, <u64>c)) return false; break;
        case OP_BR_IN_SET: if (!validSet(b)) return false; break;
        case OP_BR_MATCHES: if (!validRegex(b)) return false; break;
        case OP_ITER_NEXT:
          if (a < start || a > pc || load<u8>(starts + a - start) == 0) return false;
          break;
      }
      pc += 1 + <u32>n;
    }
    if (pass == 0 && last != OP_ACCEPT && last != OP_REJECT) return false;
  }
  return true;
}

/** Checks the atoms (field, flags, bytes in the data) and builds the literal automaton over them. */
function readAtoms(set: RuleSet, atoms: usize, count: u32, trie: usize, trieBytes: u32, sharing: bool): bool {
  set.atomCount = count;
  set.atoms = atoms;
  set.hitCount = 0;
  set.scanned = 0;
  set.trie.dense = 0;
  if (count == 0) return trieBytes == 0;
  for (let i: u32 = 0; i < count; i++) {
    const a = atoms + <usize>i * ATOM_SIZE;
    const flags = load<u32>(a + 4), n = load<u32>(a + 12);
    if (!scannable(load<u32>(a)) || (flags & ~(ATOM_CASE_SENSITIVE | ATOM_ANCHOR_START | ATOM_ANCHOR_END | ATOM_SHARED)) != 0) return false;
    if (n == 0 || !inData(load<u32>(a + 8), <u64>n)) return false;
    if ((flags & ATOM_SHARED) != 0 && !sharing) return false; // only the heuristics share the signature scan
  }
  // No trie when every atom is anchored (those are compared, not scanned for).
  if (trieBytes > 0) {
    if (!readTrie(set.trie, trie, trieBytes, count)) return false;
    if (<u64>set.trie.stateCount * <u64>set.trie.classCount > <u64>DENSE_MAX_ENTRIES) return false;
    buildDense(set.trie);
  }
  const words = <usize>((count + 31) >> 5) << 2;
  set.hitBits = heap.alloc(words);
  memory.fill(set.hitBits, 0, words);
  set.hitList = heap.alloc(<usize>count << 2);
  return true;
}

/** Validates the RULES section at `p` (`length` bytes, 0 = absent) for a pack of `bots` bots into `set`. */
export function readRules(set: RuleSet, expectedKind: u32, p: usize, length: u32, bots: u32): bool {
  set.count = 0;
  set.atomCount = 0;
  if (length == 0) return true;
  if (length < <u32>RULES_HEADER_SIZE) return false;
  const count = load<u32>(p), words = load<u32>(p + 4), bytes = load<u32>(p + 8), botCount = load<u32>(p + 12);
  const atomCount = load<u32>(p + 16), gateWords = load<u32>(p + 20), trieBytes = load<u32>(p + 24);
  if (botCount != 0 && botCount != bots) return false;
  if ((trieBytes & 3) != 0) return false;
  const size: u64 = <u64>RULES_HEADER_SIZE + <u64>count * RULE_SIZE + <u64>botCount * BOT_STRINGS_SIZE + <u64>gateWords * 4
    + <u64>atomCount * ATOM_SIZE + <u64>trieBytes + <u64>words * 4 + <u64>((bytes + 3) & ~3);
  if (size != <u64>length) return false;
  const rules = p + RULES_HEADER_SIZE;
  const botStrings = botCount == 0 ? 0 : rules + <usize>count * RULE_SIZE;
  const gates = rules + <usize>count * RULE_SIZE + <usize>botCount * BOT_STRINGS_SIZE;
  const atoms = gates + (<usize>gateWords << 2);
  const trie = atoms + <usize>atomCount * ATOM_SIZE;
  code = trie + <usize>trieBytes;
  data = code + (<usize>words << 2);
  dataBytes = bytes;
  atomLimit = atomCount;
  for (let b: u32 = 0; b < botCount; b++) {
    for (let k: u32 = 0; k < 4; k++) {
      const e = botStrings + <usize>b * BOT_STRINGS_SIZE + <usize>k * 8;
      if (!inData(load<u32>(e), <u64>load<u32>(e + 4))) return false;
    }
  }
  for (let g: u32 = 0; g < gateWords; g++) {
    const entry = load<u32>(gates + (<usize>g << 2));
    if ((entry & <u32>GATE_PRESENT) != 0 ? (entry & ~(<u32>GATE_PRESENT)) >= <u32>RF_LIMIT : entry >= atomCount) return false;
  }
  let longest: u32 = 0;
  // Bounds first: a hostile length must be refused, not allocated.
  for (let r: u32 = 0; r < count; r++) {
    const e = rules + <usize>r * RULE_SIZE;
    if (<u64>load<u32>(e) + <u64>load<u32>(e + 4) > <u64>words) return false;
    if (<u64>load<u32>(e + 32) + <u64>load<u32>(e + 36) > <u64>gateWords) return false;
    longest = max(longest, load<u32>(e + 4));
  }
  if (!readAtoms(set, atoms, atomCount, trie, trieBytes, expectedKind == RULE_KIND_HEURISTIC)) return false;
  const starts = heap.alloc(<usize>longest + 1);
  for (let r: u32 = 0; r < count; r++) {
    const e = rules + <usize>r * RULE_SIZE;
    const start = load<u32>(e), len = load<u32>(e + 4), kind = load<u32>(e + 8);
    if (kind != expectedKind) return false;
    if (kind == RULE_KIND_HEURISTIC && (load<u32>(e + 20) < 1 || load<u32>(e + 20) > 99)) return false;
    memory.fill(starts, 0, <usize>len + 1);
    if (!validRule(start, len, starts)) return false;
  }
  set.count = count;
  set.rules = rules;
  set.code = code;
  set.data = data;
  set.botStrings = botStrings;
  set.gates = gates;
  set.results = heap.alloc(<usize>count + 1);
  indexGates(set);
  return true;
}
