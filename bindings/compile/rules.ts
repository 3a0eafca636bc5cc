// Checked rules → bytecode for the engine's interpreter (assembly/vm.ts): one RULES section
// per rule set (heuristics or custom rules), with the rules' constants (strings, IPs, sets,
// wildcard pieces, regex DFA tables) in its data. Layout and opcodes are in bindings/format.ts.

import * as F from "../format.js";
import { parseRule, type CheckedRule, type NamedLists, type ListValues } from "../rules/index.js";
import type { CheckedExpr, Rhs, SetElement } from "../rules/ast.js";
import { parseWildcard } from "../rules/wildcard.js";
import { DEFAULT_LIMITS } from "../rules/settings.js";
import { SectionWriter } from "./encode.js";
import { DataWriter, ip16 } from "./rule-data.js";
import { fnv1a } from "./encode.js";
import { BotsiftError } from "../errors.js";
import { parseCidr } from "./ipranges.js";
import { ENGINE_FIELDS } from "./fields.js";
import { AtomTable, exactAtom, gateOf, isFloating, requiredMask, BARE_USER_AGENT_FIELDS, type Atom } from "./literals.js";

const FUNCTIONS: Readonly<Record<string, number>> = {
  lower: F.FN_LOWER, upper: F.FN_UPPER, len: F.FN_LEN, starts_with: F.FN_STARTS_WITH, ends_with: F.FN_ENDS_WITH,
  concat: F.FN_CONCAT, substring: F.FN_SUBSTRING, to_string: F.FN_TO_STRING, url_decode: F.FN_URL_DECODE,
  any: F.FN_ANY, all: F.FN_ALL, cidr: F.FN_CIDR, cidr6: F.FN_CIDR6, join: F.FN_JOIN, remove_bytes: F.FN_REMOVE_BYTES,
  decode_base64: F.FN_DECODE_BASE64, lookup_json_string: F.FN_LOOKUP_JSON_STRING, lookup_json_integer: F.FN_LOOKUP_JSON_INTEGER,
};

const CMP: Readonly<Record<string, number>> = { eq: F.CMP_EQ, ne: F.CMP_NE, lt: F.CMP_LT, le: F.CMP_LE, gt: F.CMP_GT, ge: F.CMP_GE };
export const ACTIONS: Readonly<Record<string, number>> = { block: F.ACTION_BLOCK, allow: F.ACTION_ALLOW, skip: F.ACTION_SKIP, log: F.ACTION_LOG };

/** A rule the engine cannot run as written (an unsupported function, an unknown list). */
export class RuleCompileError extends BotsiftError {
  constructor(readonly ruleId: string, message: string) {
    super("RULE_COMPILE", `rule "${ruleId}": ${message}`);
    this.name = "RuleCompileError";
  }
}

export interface RuleToCompile {
  id: string;
  expression: string;
  /** Custom rules: block, allow, skip, log. */
  action?: string;
  /** Heuristics: the detection id reported and the score the heuristic alone implies (1–99). */
  detectionId?: number;
  score?: number;
}

export interface BotStrings { name: string; operator: string | null; category: string; cloudflareCategory: string }

/** A forward jump target: the code indexes of the operands to patch when it is placed. */
type Label = number[];

class Emitter {
  code: number[] = [];
  /** Atoms this rule's code tests. */
  readonly used: number[] = [];
  constructor(private readonly data: DataWriter, private readonly atoms: AtomTable, private readonly ruleId: string, private readonly lists: NamedLists) {}

  private op(...words: number[]): number { const at = this.code.length; this.code.push(...words); return at; }
  private fail(message: string): never { throw new RuleCompileError(this.ruleId, message); }

  /** Emits a jump with a placeholder target at operand 1; returns the operand's index for patching. */
  private jump(op: number): number { return this.op(op, 0) + 1; }
  private patch(at: number): void { this.code[at] = this.code.length; }
  /** Places `label` here: every branch to it so far now lands on the next instruction. */
  private place(label: Label): void { for (const at of label) this.patch(at); }
  /** Emits a branch whose last operand (the target) is patched when `target` is placed. */
  private branchOp(target: Label, ...words: number[]): void { this.op(...words, 0); target.push(this.code.length - 1); }

  /** The whole rule: its test as branches, then OP_ACCEPT, and OP_REJECT for every way it fails. */
  rule(e: CheckedExpr): void {
    const reject: Label = [];
    this.branch(e, false, reject);
    this.op(F.OP_ACCEPT);
    this.place(reject);
    this.op(F.OP_REJECT);
    this.threadOutcomes();
  }

  /** Jumps that land on OP_ACCEPT or OP_REJECT end the rule where they are (TARGET_ACCEPT, TARGET_REJECT). */
  private threadOutcomes(): void {
    const code = this.code;
    for (let pc = 0; pc < code.length; pc += 1 + F.OP_ARITY[code[pc]]) {
      const op = code[pc];
      const at = op === F.OP_JUMP ? pc + 1 : F.BRANCH_OPS.includes(op) ? pc + F.OP_ARITY[op] : -1;
      if (at < 0) continue;
      if (code[code[at]] === F.OP_ACCEPT) code[at] = F.TARGET_ACCEPT;
      else if (code[code[at]] === F.OP_REJECT) code[at] = F.TARGET_REJECT;
    }
  }

  /**
   * Emits code that jumps to `target` when the Boolean test `e` comes out as `sense` (missing
   * counts as false) and falls through otherwise: and/or/not become branches (short-circuit, as
   * the reference evaluates them), and a test of a field or of a value against a constant is one
   * typed branch, so most rules never touch the value stack.
   */
  branch(e: CheckedExpr, sense: boolean, target: Label): void {
    const s = sense ? 1 : 0;
    const a = exactAtom(e);
    if (a) { const id = this.atoms.add(a); this.used.push(id); this.branchOp(target, F.OP_BR_LITERAL, id, s); return; }
    if (e.kind === "not" && e.type.kind === "bool") { this.branch(e.operand, !sense, target); return; }
    if (e.kind === "logical" && e.type.kind === "bool" && e.op !== "xor") {
      // `and` fails (`or` succeeds) at its first operand that does; only the last decides otherwise.
      const decisive = e.op === "or";
      if (sense === decisive) { for (const o of e.operands) this.branch(o, sense, target); return; }
      const skip: Label = [];
      e.operands.forEach((o, i) => {
        if (i < e.operands.length - 1) this.branch(o, decisive, skip); else this.branch(o, sense, target);
      });
      this.place(skip);
      return;
    }
    if (e.kind === "field" && e.type.kind === "bool") { this.branchOp(target, F.OP_BR_TRUE, this.fieldId(e.name), s); return; }
    if (e.kind === "compare" && e.type.kind === "bool" && this.typedBranch(e, s, target)) return;
    this.expr(e, true);
    this.branchOp(target, F.OP_BR_TRUE, F.SUBJECT_STACK, s);
  }

  /** A comparison with a constant as one typed branch; false (nothing emitted) when it is not one. */
  private typedBranch(e: Extract<CheckedExpr, { kind: "compare" }>, s: number, target: Label): boolean {
    const rhs = e.right;
    const cmp = CMP[e.op];
    let operands: number[];
    let op: number;
    if (cmp !== undefined && rhs.kind === "int") {
      const big = BigInt.asUintN(64, BigInt(rhs.value));
      [op, operands] = [F.OP_BR_CMP_INT, [cmp, Number(big & 0xffffffffn), Number(big >> 32n)]];
    } else if (cmp !== undefined && rhs.kind === "string") [op, operands] = [F.OP_BR_CMP_BYTES, [cmp, this.data.string(rhs.value), rhs.value.length]];
    else if (e.op === "contains" && rhs.kind === "string") [op, operands] = [F.OP_BR_CONTAINS, [this.data.string(rhs.value), rhs.value.length]];
    else if (e.op === "in" && (rhs.kind === "set" || rhs.kind === "list")) [op, operands] = [F.OP_BR_IN_SET, [this.data.set(rhs.kind === "set" ? rhs.elements : this.list(rhs.name))]];
    else if (e.op === "matches" && rhs.kind === "regex") [op, operands] = [F.OP_BR_MATCHES, [this.data.regex(rhs.pattern)]];
    else return false;
    // The subject: a field read in place, its length, or any other value computed on the stack and popped.
    let subject = F.SUBJECT_STACK;
    const left = e.left;
    if (left.kind === "field") subject = this.fieldId(left.name);
    else if (left.kind === "call" && left.name === "len" && left.args[0]?.kind === "field") subject = F.SUBJECT_LENGTH | this.fieldId(left.args[0].name);
    else this.expr(left);
    this.branchOp(target, op, subject, ...operands, s);
    return true;
  }

  private fieldId(name: string): number {
    const id = ENGINE_FIELDS[name];
    if (id === undefined) this.fail(`the engine does not provide the field ${name}`);
    return id;
  }

  /**
   * Emits `e`. In a `truthy` position (the rule itself, an operand of not/and/or/xor) only its
   * truth matters, so a comparison that is exactly an atom becomes one OP_LITERAL.
   */
  expr(e: CheckedExpr, truthy = false): void {
    if (truthy) {
      const a = exactAtom(e);
      if (a) { const id = this.atoms.add(a); this.used.push(id); this.op(F.OP_LITERAL, id); return; }
    }
    switch (e.kind) {
      case "logical": {
        if (e.type.kind === "array") {
          // Over Array<Boolean> (inside any()/all()): element by element, every operand evaluated.
          this.expr(e.operands[0]);
          for (const o of e.operands.slice(1)) { this.expr(o); this.op(F.OP_ARRAY_LOGIC, e.op === "and" ? 0 : e.op === "or" ? 1 : 2); }
          return;
        }
        if (e.op === "xor") {
          this.expr(e.operands[0], true);
          for (const o of e.operands.slice(1)) { this.expr(o, true); this.op(F.OP_XOR); }
          return;
        }
        // A Boolean value (an argument, an operand of xor): branches, then the outcome pushed.
        const no: Label = [], done: Label = [];
        this.branch(e, false, no);
        this.op(F.OP_BOOL, 1);
        this.branchOp(done, F.OP_JUMP);
        this.place(no);
        this.op(F.OP_BOOL, 0);
        this.place(done);
        return;
      }
      case "not": this.expr(e.operand, e.type.kind !== "array"); this.op(F.OP_NOT); return;
      case "field": this.op(F.OP_FIELD, this.fieldId(e.name)); return;
      case "index":
        this.expr(e.target);
        if (e.key.kind === "each") return; // `x[*]` outside a lifted position is the array itself
        if (e.key.kind === "int") { this.int(e.key.value); this.op(F.OP_INDEX_INT); return; }
        this.op(F.OP_BYTES, this.data.string(e.key.value), e.key.value.length);
        this.op(F.OP_INDEX_KEY);
        return;
      case "string": this.op(F.OP_BYTES, this.data.string(e.value), e.value.length); return;
      case "int": this.int(e.value); return;
      case "ip": { this.data.align(); this.op(F.OP_IP, e.value.family, this.data.raw(ip16(e.value))); return; }
      case "compare": this.lifted(e.left, () => this.compareTop(e.op, e.right)); return;
      case "call": {
        const header = e.name === "len" ? headerName(e.args[0]) : null;
        if (header) { this.op(F.OP_HEADER_COUNT, this.data.string(header), header.length, fnv1a(header)); return; }
        const fn = FUNCTIONS[e.name];
        if (fn === undefined) this.fail(`the engine does not implement ${e.name}() yet; the reference evaluator does`);
        if (e.args.length > F.MAX_CALL_ARGS) this.fail(`${e.name}() has ${e.args.length} arguments; the engine takes at most ${F.MAX_CALL_ARGS} (lower maxFunctionArgs)`);
        if (e.name === "any" || e.name === "all") { this.expr(e.args[0]); this.op(F.OP_CALL, fn, 1); return; }
        const [first, ...rest] = e.args;
        this.lifted(first, () => { for (const r of rest) this.expr(r); this.op(F.OP_CALL, fn, e.args.length); });
        return;
      }
    }
  }

  private int(v: number): void {
    const big = BigInt.asUintN(64, BigInt(v));
    this.op(F.OP_INT, Number(big & 0xffffffffn), Number(big >> 32n));
  }

  /** Emits `subject` and then `apply` on it — once, or for each element when subject is `x[*]`. */
  private lifted(subject: CheckedExpr, apply: () => void): void {
    if (subject.kind === "index" && subject.key.kind === "each") {
      this.expr(subject.target);
      const end = this.jump(F.OP_ITER_BEGIN);
      const body = this.op(F.OP_ITER_ELEM);
      apply();
      this.op(F.OP_ITER_NEXT, body);
      this.patch(end);
      return;
    }
    this.expr(subject);
    apply();
  }

  private compareTop(op: string, rhs: Rhs): void {
    switch (op) {
      case "contains": this.expr(rhs as CheckedExpr); this.op(F.OP_CONTAINS); return;
      case "wildcard": case "strict wildcard": {
        if (rhs.kind !== "wildcard") this.fail("wildcard needs a pattern");
        const pattern = parseWildcard(rhs.pattern, op === "wildcard", DEFAULT_LIMITS);
        const pieces = pattern.pieces;
        this.data.align();
        const at = this.data.length;
        const flags = (pieces.length > 1 && pieces[0].length === 0 ? 1 : 0) | (pieces.length > 1 && pieces[pieces.length - 1].length === 0 ? 2 : 0);
        const segments = pieces.filter((p) => p.length > 0);
        this.data.u32(flags, segments.length);
        for (const s of segments) { this.data.u32(s.length); this.data.raw(s); this.data.align(); }
        this.op(F.OP_WILDCARD, at, op === "strict wildcard" ? 1 : 0);
        return;
      }
      case "matches": {
        if (rhs.kind !== "regex") this.fail("matches needs a regular expression");
        this.op(F.OP_MATCHES, this.data.regex(rhs.pattern));
        return;
      }
      case "in": {
        const elements = rhs.kind === "set" ? rhs.elements : rhs.kind === "list" ? this.list(rhs.name) : this.fail("in needs a set or a list");
        this.op(F.OP_IN_SET, this.data.set(elements));
        return;
      }
      default: {
        const cmp = CMP[op];
        if (cmp === undefined) this.fail(`unknown operator ${op}`);
        if (rhs.kind === "int") {
          const big = BigInt.asUintN(64, BigInt(rhs.value));
          this.op(F.OP_CMP_INT, cmp, Number(big & 0xffffffffn), Number(big >> 32n));
          return;
        }
        this.expr(rhs as CheckedExpr);
        this.op(F.OP_CMP, cmp);
      }
    }
  }

  /** A named list as set elements: numbers are integers, IP and CIDR texts are networks, the rest strings. */
  private list(name: string): SetElement[] {
    const values: ListValues | undefined = this.lists[name];
    if (values === undefined) this.fail(`the list $${name} was not supplied`);
    const span = { start: 0, end: 0 };
    return values.map((v): SetElement => {
      if (typeof v === "number") return { kind: "int", span, value: v } as SetElement;
      const cidr = parseCidr(v);
      if (cidr) {
        const bytes = new Uint8Array(cidr.v6 ? 16 : 4);
        for (let k = 0; k < bytes.length; k++) bytes[k] = Number((cidr.first >> BigInt(8 * (bytes.length - 1 - k))) & 0xffn);
        const bits = Number(v.split("/")[1] ?? (cidr.v6 ? 128 : 32));
        return { kind: "cidr", span, address: { family: cidr.v6 ? 6 : 4, bytes }, prefix: bits } as SetElement;
      }
      return { kind: "string", span, value: new TextEncoder().encode(v) } as SetElement;
    });
  }
}

/** K when `e` is `http.request.headers[K]` with a literal K: its len() is one instruction. */
function headerName(e: CheckedExpr | undefined): Uint8Array | null {
  if (e?.kind !== "index" || e.key.kind !== "string" || e.target.kind !== "field" || e.target.name !== "http.request.headers") return null;
  return e.key.value;
}

/**
 * Compiles rules into one RULES section. `kind` says which: heuristics need `detectionId` and
 * `score`, custom rules an `action`. Throws RuleError (parse/check, with span) or RuleCompileError.
 */
export function compileRuleSection(rules: readonly RuleToCompile[], kind: number, bots: readonly BotStrings[], lists: NamedLists = {}): Uint8Array {
  return compileRules(rules, kind, bots, lists).section;
}

/**
 * compileRuleSection, and the atoms to share with the pack's signature automaton when
 * `shareUserAgent` (the heuristics, compiled with the pack): the floating user-agent atoms of
 * rules that run on a bare user agent, flagged ATOM_SHARED in the section.
 */
export function compileRules(rules: readonly RuleToCompile[], kind: number, bots: readonly BotStrings[], lists: NamedLists = {}, shareUserAgent = false): { section: Uint8Array; atoms: readonly Atom[]; shared: readonly number[] } {
  const data = new DataWriter();
  const atoms = new AtomTable();
  const code: number[] = [];
  const entries: number[][] = [];
  const gates: number[] = [];
  const shared = new Set<number>();
  for (const rule of rules) {
    let checked: CheckedRule;
    try {
      checked = parseRule(rule.expression);
    } catch (e) {
      if (e instanceof Error) e.message = `rule "${rule.id}": ${e.message}`;
      throw e;
    }
    if (checked.expr.type.kind !== "bool") throw new RuleCompileError(rule.id, "the expression must be a Boolean test");
    const emitter = new Emitter(data, atoms, rule.id, lists);
    emitter.rule(checked.expr);
    const start = code.length;
    for (const w of emitter.code) code.push(w);
    // Jump targets were emitted relative to the rule; make them absolute.
    relocate(code, start);
    const action = kind === F.RULE_KIND_CUSTOM ? ACTIONS[rule.action ?? ""] : 0;
    if (action === undefined) throw new RuleCompileError(rule.id, `unknown action "${rule.action}"; one of ${Object.keys(ACTIONS).join(", ")}`);
    const score = kind === F.RULE_KIND_HEURISTIC ? rule.score ?? 0 : 0;
    if (kind === F.RULE_KIND_HEURISTIC && !(Number.isInteger(score) && score >= 1 && score <= 99)) throw new RuleCompileError(rule.id, "a heuristic needs a score from 1 to 99");
    const mask = requiredMask(checked.expr);
    let gate = (gateOf(checked.expr) ?? []).map((g) => "present" in g ? F.GATE_PRESENT | g.present : atoms.add(g));
    // A gate of the one atom the rule tests first anyway would only test it twice.
    if (gate.length === 1 && emitter.code[0] === F.OP_BR_LITERAL && emitter.code[1] === gate[0] && emitter.code[2] === 0) gate = [];
    if (shareUserAgent && (mask & ~BARE_USER_AGENT_FIELDS) === 0n) {
      for (const id of [...emitter.used, ...gate.filter((g) => (g & F.GATE_PRESENT) === 0)]) {
        if (atoms.atoms[id].field === F.RF_USER_AGENT && isFloating(atoms.atoms[id])) shared.add(id);
      }
    }
    entries.push([start, code.length - start, kind, action, rule.detectionId ?? 0, score, Number(mask & 0xffffffffn), Number(mask >> 32n), gates.length, gate.length]);
    gates.push(...gate);
  }
  // The bots' strings only when a rule reads them: a section that does not is smaller by all the names.
  const carried = readsBotStrings(code) ? bots : [];
  const botWords: number[] = [];
  for (const b of carried) {
    for (const s of [b.name, b.operator ?? "", b.category, b.cloudflareCategory]) {
      const bytes = new TextEncoder().encode(s);
      botWords.push(bytes.length ? data.string(bytes) : 0, bytes.length);
    }
  }
  const { records, trie } = atoms.encode((bytes) => data.string(bytes), shared);
  const dataBytes = data.finish();
  const trieBytes = trie ?? new Uint8Array(0);
  const out = new SectionWriter().u32(rules.length, code.length, dataBytes.length, carried.length, atoms.atoms.length, gates.length, trieBytes.length);
  for (const e of entries) out.u32(...e);
  out.u32s(botWords).u32s(gates).u32s(records).bytes(trieBytes).u32s(code).bytes(dataBytes);
  return { section: out.finish(), atoms: atoms.atoms, shared: [...shared].sort((a, b) => a - b) };
}

/** Fields whose values come from the bot strings a RULES section carries. */
const BOT_STRING_FIELDS = new Set([F.RF_BOT_NAME, F.RF_BOT_OPERATOR, F.RF_BOT_CATEGORY, F.RF_VERIFIED_BOT_CATEGORY]);

/** Whether the code reads a field of the bot strings (walking it instruction by instruction). */
function readsBotStrings(code: readonly number[]): boolean {
  for (let pc = 0; pc < code.length; pc += 1 + F.OP_ARITY[code[pc]]) {
    const readsField = code[pc] === F.OP_FIELD || (F.BRANCH_OPS.includes(code[pc]) && code[pc] !== F.OP_BR_LITERAL);
    if (readsField && BOT_STRING_FIELDS.has(code[pc + 1])) return true;
  }
  return false;
}

/** Adds `start` to the jump targets of the code from `start` on (they were emitted from 0). */
function relocate(code: number[], start: number): void {
  for (let pc = start; pc < code.length;) {
    const op = code[pc];
    const at = op === F.OP_JUMP || op === F.OP_ITER_BEGIN || op === F.OP_ITER_NEXT ? pc + 1 : F.BRANCH_OPS.includes(op) ? pc + F.OP_ARITY[op] : -1;
    if (at >= 0 && code[at] !== F.TARGET_ACCEPT && code[at] !== F.TARGET_REJECT) code[at] += start;
    pc += 1 + F.OP_ARITY[op];
  }
}
