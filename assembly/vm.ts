// The rules interpreter: runs one rule's bytecode (validated at load by rules.ts) over the
// current request. Missing values make comparisons false, as in Cloudflare's engine; a fault
// (stack or arena exhausted) makes the rule's result missing. Never traps on any input.

import {
  OP_FIELD, OP_BYTES, OP_INT, OP_BOOL, OP_IP, OP_NOT, OP_JUMP, OP_ACCEPT, OP_REJECT, OP_XOR, OP_CMP, OP_CONTAINS,
  OP_WILDCARD, OP_MATCHES, OP_IN_SET, OP_INDEX_INT, OP_INDEX_KEY, OP_CALL, OP_ITER_BEGIN, OP_ITER_ELEM, OP_ITER_NEXT,
  OP_ARRAY_LOGIC, OP_LITERAL, OP_HEADER_COUNT, OP_CMP_INT, OP_BR_TRUE, OP_BR_LITERAL, OP_BR_CMP_INT, OP_BR_CMP_BYTES,
  OP_BR_CONTAINS, OP_BR_IN_SET, OP_BR_MATCHES, SUBJECT_STACK, SUBJECT_LENGTH, TARGET_ACCEPT, TARGET_REJECT, RULE_SIZE, ACTION_NONE, ACTION_LOG, FN_LEN,
  CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, SET_BYTES, SET_INT, SET_IP,
} from "../bindings/format";
import {
  SLOT, T_MISSING, T_BOOL, T_INT, T_BYTES, T_IP, T_ARRAY, T_MAP, pop, peek, pushSlot, setBool, setMissing,
  setInt, setBytes, setIp, setArray, copySlot, tagOf, auxOf, ptrOf, intOf, isTrue, arenaAlloc, faulted, resetStack,
} from "./values";
import { fieldSlot, request, headerCount } from "./fields";
import { callFunction, lengthInPlace } from "./functions";
import { bytesCompare, bytesEqual, indexOf, u32At } from "./bytes";
import { RuleSet } from "./rules";
import { atomOccurs, gateOpen } from "./literals";

const MAX_ITER_DEPTH = 8;

// Iteration frames: source array pointer, count, index, results pointer, produced count.
const iterSource = new StaticArray<u32>(MAX_ITER_DEPTH);
const iterCount = new StaticArray<u32>(MAX_ITER_DEPTH);
const iterIndex = new StaticArray<u32>(MAX_ITER_DEPTH);
const iterOut = new StaticArray<u32>(MAX_ITER_DEPTH);
const iterProduced = new StaticArray<u32>(MAX_ITER_DEPTH);
let iterDepth: i32 = 0;

@inline function compareInts(x: i64, y: i64, op: u32): bool {
  switch (op) {
    case CMP_EQ: return x == y;
    case CMP_NE: return x != y;
    case CMP_LT: return x < y;
    case CMP_LE: return x <= y;
    case CMP_GT: return x > y;
    case CMP_GE: return x >= y;
  }
  return false;
}

/** Bytes `a` compared with `b`: equality first (the common case), else in byte order. */
function compareBytes(a: usize, an: u32, b: usize, bn: u32, op: u32): bool {
  if (op == CMP_EQ || op == CMP_NE) return bytesEqual(a, an, b, bn) == (op == CMP_EQ);
  const c = bytesCompare(a, an, b, bn);
  switch (op) {
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    case CMP_GE: return c >= 0;
  }
  return false;
}

function compareValues(a: usize, b: usize, op: u32): bool {
  const ta = tagOf(a), tb = tagOf(b);
  if (ta == T_MISSING || tb == T_MISSING || ta != tb) return false;
  let c: i32 = 0;
  if (ta == T_INT || ta == T_BOOL) { const x = intOf(a), y = intOf(b); c = x < y ? -1 : x > y ? 1 : 0; }
  else if (ta == T_BYTES) return compareBytes(ptrOf(a), auxOf(a), ptrOf(b), auxOf(b), op);
  else if (ta == T_IP) {
    if (auxOf(a) != auxOf(b)) return op == CMP_NE;
    c = bytesCompare(ptrOf(a), 16, ptrOf(b), 16);
  } else return false;
  switch (op) {
    case CMP_EQ: return c == 0;
    case CMP_NE: return c != 0;
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    case CMP_GE: return c >= 0;
  }
  return false;
}

@inline function foldIf(b: u32, fold: bool): u32 {
  return fold && b - 0x41 < 26 ? b | 0x20 : b;
}

function segmentAt(p: usize, n: u32, at: u32, seg: usize, m: u32, fold: bool): bool {
  if (<u64>at + m > <u64>n) return false;
  for (let k: u32 = 0; k < m; k++) if (foldIf(<u32>load<u8>(p + at + k), fold) != foldIf(<u32>load<u8>(seg + k), fold)) return false;
  return true;
}

/**
 * Wildcard data: flags u32 (1 starts with *, 2 ends with *), count u32, then count × (length u32,
 * bytes 4-aligned). Greedy leftmost matching of the segments in order is exact for patterns
 * whose only metacharacter is `*`.
 */
function wildcardMatches(value: usize, pattern: usize, strict: bool): bool {
  if (tagOf(value) != T_BYTES) return false;
  const p = ptrOf(value), n = auxOf(value);
  const fold = !strict;
  const flags = load<u32>(pattern), count = load<u32>(pattern + 4);
  let seg = pattern + 8;
  let at: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const m = load<u32>(seg);
    const bytes = seg + 4;
    const first = i == 0, last = i == count - 1;
    if (first && (flags & 1) == 0) {
      if (!segmentAt(p, n, 0, bytes, m, fold)) return false;
      at = m;
      if (last && (flags & 2) == 0 && at != n) return false;
    } else if (last && (flags & 2) == 0) {
      if (m > n || n - m < at || !segmentAt(p, n, n - m, bytes, m, fold)) return false;
      at = n;
    } else {
      let found: i32 = -1;
      for (let s = at; <u64>s + m <= <u64>n; s++) if (segmentAt(p, n, s, bytes, m, fold)) { found = <i32>s; break; }
      if (found < 0) return false;
      at = <u32>found + m;
    }
    seg += 4 + ((m + 3) & ~3);
  }
  if (count == 0) return (flags & 1) != 0 || n == 0;
  return true;
}

/**
 * Regex data: classCount, stateCount, start, dead + 1 (0 = none), classOf[256], acceptNow[states],
 * acceptAtEnd[states] (4-aligned), transitions u32[states × classes], each the target's row
 * offset in bytes (state × classCount × 4) | 1 (accepts now) | 2 (dead): one load per byte.
 */
function regexMatches(value: usize, t: usize): bool {
  if (tagOf(value) != T_BYTES) return false;
  const classes = load<u32>(t), states = load<u32>(t + 4);
  const classOf = t + 16;
  const acceptNow = classOf + 256;
  const acceptAtEnd = acceptNow + <usize>((states + 3) & ~3);
  const transitions = acceptAtEnd + <usize>((states + 3) & ~3);
  const start = load<u32>(t + 8);
  if (load<u8>(acceptNow + start)) return true;
  let row = <usize>start * classes * 4;
  const p = ptrOf(value), n = auxOf(value);
  for (let i: u32 = 0; i < n; i++) {
    const e = load<u32>(transitions + row + (<usize>load<u8>(classOf + <usize>load<u8>(p + i)) << 2));
    if (e & 3) return (e & 1) != 0;
    row = <usize>e;
  }
  return load<u8>(acceptAtEnd + row / (<usize>classes * 4)) != 0;
}

function inSet(value: usize, set: usize): bool {
  const kind = load<u32>(set), count = load<u32>(set + 4);
  let e = set + 8;
  const tag = tagOf(value);
  for (let i: u32 = 0; i < count; i++) {
    if (kind == SET_BYTES) {
      const m = load<u32>(e);
      if (tag == T_BYTES && bytesEqual(ptrOf(value), auxOf(value), e + 4, m)) return true;
      e += 4 + ((m + 3) & ~3);
    } else if (kind == SET_INT) {
      if (tag == T_INT && intOf(value) >= load<i64>(e) && intOf(value) <= load<i64>(e + 8)) return true;
      e += 16;
    } else {
      if (tag == T_IP && auxOf(value) == load<u32>(e) && bytesCompare(ptrOf(value), 16, e + 4, 16) >= 0 && bytesCompare(ptrOf(value), 16, e + 20, 16) <= 0) return true;
      e += 36;
    }
  }
  return false;
}

function indexArray(target: usize, index: usize, out: usize): void {
  if (tagOf(target) != T_ARRAY || tagOf(index) != T_INT) { setMissing(out); return; }
  const i = intOf(index);
  if (i < 0 || i >= <i64>auxOf(target)) { setMissing(out); return; }
  copySlot(out, ptrOf(target) + <usize>i * SLOT);
}

function indexMap(target: usize, key: usize, out: usize): void {
  if (tagOf(target) != T_MAP || tagOf(key) != T_BYTES) { setMissing(out); return; }
  const entries = ptrOf(target);
  for (let i: u32 = 0; i < auxOf(target); i++) {
    const k = entries + <usize>(2 * i) * SLOT;
    if (bytesEqual(ptrOf(k), auxOf(k), ptrOf(key), auxOf(key))) { copySlot(out, k + SLOT); return; }
  }
  setMissing(out);
}

const oneRule = memory.data(4);
const oneResult = memory.data(4);

/**
 * Runs rule `r` of `set` over the current request unless it cannot match: a field it requires is
 * not among `known`, or no entry of its gate holds. 1 matched, 0 not, -1 fault (the result is
 * then treated as missing, i.e. not matching).
 */
export function evaluateRule(set: RuleSet, r: u32, known: u64): i32 {
  if ((load<u64>(set.rules + <usize>r * RULE_SIZE + 24) & ~known) != 0) return 0;
  store<u32>(oneRule, r);
  runRules(set, oneRule, 1, known, oneResult);
  return <i32>load<i8>(oneResult);
}

const subjectSlot = memory.data(SLOT);

/**
 * A branch's subject: the stack's top, popped (SUBJECT_STACK), or field `s` — its slot in place
 * when the request built it already (branches only read), else read into a scratch slot — or
 * that field's len() (SUBJECT_LENGTH | field).
 */
@inline function subjectValue(s: u32): usize {
  if (s == SUBJECT_STACK) return pop();
  if ((s & SUBJECT_LENGTH) == 0) return fieldSlot(s, subjectSlot);
  const v = fieldSlot(s & ~(<u32>SUBJECT_LENGTH), subjectSlot);
  if (v != subjectSlot) copySlot(subjectSlot, v);
  lengthInPlace(subjectSlot);
  return subjectSlot;
}

/**
 * Runs the rules `list[0 … count)` of `set` (rule indexes, each with its required fields among
 * `known`: see runnableRules) in order, in one pass of the interpreter, skipping those whose gate
 * is shut. Each one's result (1 matched, 0 not, -1 fault) goes to the i8 `results[i]`. Stops after
 * the first match of a rule whose action ends the evaluation (custom rules: any but log) and
 * returns how many rules it decided.
 */
export function runRules(set: RuleSet, list: usize, count: u32, known: u64, results: usize): u32 {
  const code = set.code, data = set.data;
  request.botStrings = set.botStrings;
  request.ruleData = data;
  for (let i: u32 = 0; i < count; i++) {
    const r = load<u32>(list + (<usize>i << 2));
    const e = set.rules + <usize>r * RULE_SIZE;
    let result: i32 = 0;
    if (load<u32>(e + 36) == 0 || gateOpen(set, r, known)) {
      resetStack();
      iterDepth = 0;
      let pc = load<u32>(e);
      const end = pc + load<u32>(e + 4);
      // Validated code always reaches OP_ACCEPT or OP_REJECT; leaving the rule otherwise is a fault.
      result = -1;
      while (pc < end) {
        const op = load<u32>(code + (<usize>pc << 2));
        // Operands lie inside the rule (checked at load); reading past a short instruction stays in the pack.
        const a = load<u32>(code + (<usize>(pc + 1) << 2));
        const b = load<u32>(code + (<usize>(pc + 2) << 2));
        pc++;
        switch (op) {
          case OP_FIELD: copySlot(pushSlot(), fieldSlot(a, subjectSlot)); pc += 1; break;
          case OP_BYTES: setBytes(pushSlot(), data + a, b); pc += 2; break;
          case OP_INT: setInt(pushSlot(), <i64>(<u64>a | (<u64>b << 32))); pc += 2; break;
          case OP_BOOL: setBool(pushSlot(), a != 0); pc += 1; break;
          case OP_IP: setIp(pushSlot(), a, data + b); pc += 2; break;
          case OP_NOT: { const v = peek(0); if (tagOf(v) == T_ARRAY) notArray(v); else setBool(v, !isTrue(v)); break; }
          case OP_JUMP: pc = a; break;
          // A branch jumps to its last operand when its test comes out as the operand before; see format.ts.
          case OP_BR_TRUE: pc = isTrue(subjectValue(a)) == (b != 0) ? u32At(code, pc + 2) : pc + 3; break;
          case OP_BR_LITERAL: pc = atomOccurs(set, a) == (b != 0) ? u32At(code, pc + 2) : pc + 3; break;
          case OP_BR_CMP_INT: {
            const v = subjectValue(a);
            const y = <i64>(<u64>u32At(code, pc + 2) | (<u64>u32At(code, pc + 3) << 32));
            const yes = tagOf(v) == T_INT && compareInts(intOf(v), y, b);
            pc = yes == (u32At(code, pc + 4) != 0) ? u32At(code, pc + 5) : pc + 6;
            break;
          }
          case OP_BR_CMP_BYTES: {
            const v = subjectValue(a);
            const yes = tagOf(v) == T_BYTES && compareBytes(ptrOf(v), auxOf(v), data + u32At(code, pc + 2), u32At(code, pc + 3), b);
            pc = yes == (u32At(code, pc + 4) != 0) ? u32At(code, pc + 5) : pc + 6;
            break;
          }
          case OP_BR_CONTAINS: {
            const v = subjectValue(a);
            const yes = tagOf(v) == T_BYTES && indexOf(ptrOf(v), auxOf(v), data + b, u32At(code, pc + 2)) >= 0;
            pc = yes == (u32At(code, pc + 3) != 0) ? u32At(code, pc + 4) : pc + 5;
            break;
          }
          case OP_BR_IN_SET: pc = inSet(subjectValue(a), data + b) == (u32At(code, pc + 2) != 0) ? u32At(code, pc + 3) : pc + 4; break;
          case OP_BR_MATCHES: pc = regexMatches(subjectValue(a), data + b) == (u32At(code, pc + 2) != 0) ? u32At(code, pc + 3) : pc + 4; break;
          case OP_XOR: { const y = isTrue(pop()); const v = peek(0); setBool(v, isTrue(v) != y); break; }
          case OP_CMP: { const r = pop(); const l = peek(0); setBool(l, compareValues(l, r, a)); pc += 1; break; }
          case OP_CONTAINS: {
            const r = pop(); const l = peek(0);
            setBool(l, tagOf(l) == T_BYTES && tagOf(r) == T_BYTES && indexOf(ptrOf(l), auxOf(l), ptrOf(r), auxOf(r)) >= 0);
            break;
          }
          case OP_WILDCARD: { const v = peek(0); setBool(v, wildcardMatches(v, data + a, b != 0)); pc += 2; break; }
          case OP_MATCHES: { const v = peek(0); setBool(v, regexMatches(v, data + a)); pc += 1; break; }
          case OP_IN_SET: { const v = peek(0); setBool(v, inSet(v, data + a)); pc += 1; break; }
          case OP_INDEX_INT: { const k = pop(); const t = peek(0); const out = pushSlot(); indexArray(t, k, out); copySlot(t, out); pop(); break; }
          case OP_INDEX_KEY: { const k = pop(); const t = peek(0); const out = pushSlot(); indexMap(t, k, out); copySlot(t, out); pop(); break; }
          case OP_CALL: if (a == FN_LEN) lengthInPlace(peek(0)); else callFunction(a, b); pc += 2; break;
          case OP_ITER_BEGIN: {
            const v = peek(0);
            if (tagOf(v) != T_ARRAY || iterDepth >= MAX_ITER_DEPTH) { setMissing(v); pc = a; break; }
            const out = arenaAlloc(auxOf(v) * SLOT);
            if (out == 0 && auxOf(v) > 0) { setMissing(v); pc = a; break; }
            if (auxOf(v) == 0) { setArray(v, 0, out); pc = a; break; }
            iterSource[iterDepth] = <u32>ptrOf(v); iterCount[iterDepth] = auxOf(v); iterIndex[iterDepth] = 0;
            iterOut[iterDepth] = <u32>out; iterProduced[iterDepth] = 0;
            iterDepth++;
            pop();
            pc += 1;
            break;
          }
          case OP_ITER_ELEM: {
            if (iterDepth == 0) { pc = end; break; }
            const d = iterDepth - 1;
            copySlot(pushSlot(), <usize>iterSource[d] + <usize>iterIndex[d] * SLOT);
            break;
          }
          case OP_ITER_NEXT: {
            if (iterDepth == 0) { pc = end; break; }
            const d = iterDepth - 1;
            const v = pop();
            // Missing results are left out, as a lifted function's are in Cloudflare's engine.
            if (tagOf(v) != T_MISSING) { copySlot(<usize>iterOut[d] + <usize>iterProduced[d] * SLOT, v); iterProduced[d]++; }
            iterIndex[d]++;
            if (iterIndex[d] < iterCount[d]) { pc = a; break; }
            iterDepth--;
            setArray(pushSlot(), iterProduced[d], <usize>iterOut[d]);
            pc += 1;
            break;
          }
          case OP_ARRAY_LOGIC: { const r = pop(); arrayLogic(peek(0), r, a); pc += 1; break; }
          case OP_LITERAL: setBool(pushSlot(), atomOccurs(set, a)); pc += 1; break;
          case OP_HEADER_COUNT: headerCount(pushSlot(), data + a, b, u32At(code, pc + 2)); pc += 3; break;
          case OP_CMP_INT: {
            const l = peek(0);
            const y = <i64>(<u64>b | (<u64>load<u32>(code + (<usize>(pc + 2) << 2)) << 32));
            setBool(l, tagOf(l) == T_INT && compareInts(intOf(l), y, a));
            pc += 3;
            break;
          }
          case OP_ACCEPT: result = 1; pc = end; break;
          case OP_REJECT: result = 0; pc = end; break;
          default: pc = end; break;
        }
        if (faulted) break;
      }
      // A branch straight to an outcome leaves the loop with pc at TARGET_ACCEPT or TARGET_REJECT.
      if (pc == <u32>TARGET_ACCEPT) result = 1;
      else if (pc == <u32>TARGET_REJECT) result = 0;
      if (faulted) result = -1;
    }
    store<i8>(results + i, <i8>result);
    const action = load<u32>(e + 12);
    if (result == 1 && action != ACTION_NONE && action != ACTION_LOG) return i + 1;
  }
  return count;
}

function notArray(v: usize): void {
  const n = auxOf(v);
  const out = arenaAlloc(n * SLOT);
  if (out == 0 && n > 0) { setMissing(v); return; }
  for (let i: u32 = 0; i < n; i++) setBool(out + <usize>i * SLOT, !isTrue(ptrOf(v) + <usize>i * SLOT));
  setArray(v, n, out);
}

/** `l op r` element by element over Array<Boolean>, into `l`; missing when either is not an array. */
function arrayLogic(l: usize, r: usize, op: u32): void {
  if (tagOf(l) != T_ARRAY || tagOf(r) != T_ARRAY) { setMissing(l); return; }
  const n = auxOf(l) < auxOf(r) ? auxOf(l) : auxOf(r);
  const out = arenaAlloc(n * SLOT);
  if (out == 0 && n > 0) { setMissing(l); return; }
  for (let i: u32 = 0; i < n; i++) {
    const x = isTrue(ptrOf(l) + <usize>i * SLOT), y = isTrue(ptrOf(r) + <usize>i * SLOT);
    setBool(out + <usize>i * SLOT, op == 0 ? x && y : op == 1 ? x || y : x != y);
  }
  setArray(l, n, out);
}
