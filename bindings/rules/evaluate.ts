// The reference evaluator: interprets a checked tree directly over field values and named
// lists, with Cloudflare's semantics (missing values make comparisons false, byte-wise strings,
// ASCII case folding). It is the oracle the bytecode engine is tested against, not the fast path.

import type { CheckedExpr, CompareExpr, IpAddress, Rhs, Typed } from "./ast.js";
import { BotsiftError } from "../errors.js";
import { bytesEqual, compareBytes, indexOfBytes, latin1, utf8 } from "./bytes.js";
import { inCidr, ipCompare, ipEquals, parseIp } from "./ip.js";
import { regexTest } from "./matches.js";
import type { FieldValues } from "./scheme.js";
import { DEFAULT_LIMITS } from "./settings.js";
import type { RuleType } from "./types.js";
import { matchWildcard, parseWildcard, type WildcardPattern } from "./wildcard.js";
import { applyFunction, type Value } from "./builtins.js";
import { isEach } from "./checker.js";

export type { Value };

/** A named list's entries: strings; integers; or IP addresses and CIDRs as text ("192.0.2.0/24"). */
export type ListValues = readonly (string | number)[];

export type NamedLists = Readonly<Record<string, ListValues>>;

/** Thrown for field values or lists that do not fit the scheme (a host bug, not a rule problem). */
export class RuleInputError extends BotsiftError {
  constructor(message: string) {
    super("RULE_INPUT", message);
    this.name = "RuleInputError";
  }
}

type CompiledList = { strings: Set<string>; ints: Set<number>; networks: { ip: IpAddress; prefix: number }[]; notIps: string[] };

const wildcards = new WeakMap<object, WildcardPattern>();

/** Evaluates a checked Boolean expression; a missing result is false. */
export function evaluateExpression(expr: CheckedExpr, values: FieldValues, lists: NamedLists = {}): boolean {
  return new Evaluation(values, lists).eval(expr) === true;
}

class Evaluation {
  private readonly fieldCache = new Map<string, Value | undefined>();
  private readonly listCache = new Map<string, CompiledList>();

  constructor(private readonly values: FieldValues, private readonly lists: NamedLists) {}

  eval(e: CheckedExpr): Value | undefined {
    switch (e.kind) {
      case "logical": return this.logical(e);
      case "not": {
        const v = this.eval(e.operand);
        if (e.type.kind === "array") return v === undefined ? undefined : (v as boolean[]).map((x) => !x);
        return v !== true;
      }
      case "compare": return this.compare(e);
      case "field": return this.field(e.name, e.type);
      case "index": {
        const target = this.eval(e.target);
        if (target === undefined) return undefined;
        if (e.key.kind === "each") return target;
        if (e.key.kind === "int") return (target as Value[])[e.key.value];
        return (target as Map<string, Value>).get(latin1(e.key.value));
      }
      case "call": {
        if (e.name === "any" || e.name === "all") {
          const arr = this.eval(e.args[0]) as boolean[] | undefined;
          if (arr === undefined) return undefined;
          return e.name === "any" ? arr.some((x) => x) : arr.every((x) => x);
        }
        const first = e.args[0];
        const rest = e.args.slice(1).map((a) => this.eval(a));
        if (first !== undefined && isEach(first)) {
          const arr = this.eval(first.target) as Value[] | undefined;
          if (arr === undefined) return undefined;
          // Elements whose result is missing are left out of the resulting array.
          return arr.map((el) => applyFunction(e.name, [el, ...rest])).filter((v) => v !== undefined) as Value[];
        }
        return applyFunction(e.name, [first === undefined ? undefined : this.eval(first), ...rest]);
      }
      case "string": return e.value;
      case "int": return e.value;
      case "ip": return e.value;
    }
  }

  private logical(e: Extract<CheckedExpr, { kind: "logical" }>): Value | undefined {
    if (e.type.kind === "array") {
      const arrays = e.operands.map((o) => this.eval(o) as boolean[] | undefined);
      if (arrays.some((a) => a === undefined)) return undefined;
      const n = Math.min(...arrays.map((a) => a!.length));
      return Array.from({ length: n }, (_, i) => combine(e.op, arrays.map((a) => a![i])));
    }
    if (e.op === "and") return e.operands.every((o) => this.eval(o) === true);
    if (e.op === "or") return e.operands.some((o) => this.eval(o) === true);
    return combine("xor", e.operands.map((o) => this.eval(o) === true));
  }

  private compare(e: CompareExpr<Typed>): Value | undefined {
    if (isEach(e.left)) {
      const arr = this.eval(e.left.target) as Value[] | undefined;
      if (arr === undefined) return undefined;
      return arr.map((el) => this.test(e, el));
    }
    const v = this.eval(e.left);
    return v === undefined ? false : this.test(e, v);
  }

  /** `value op right` for a present value. */
  private test(e: CompareExpr<Typed>, value: Value): boolean {
    const r = e.right;
    switch (e.op) {
      case "eq": return equals(value, r);
      case "ne": return !equals(value, r);
      case "lt": case "le": case "gt": case "ge": {
        const c = r.kind === "string" ? compareBytes(value as Uint8Array, r.value) : (value as number) - (r as { value: number }).value;
        return e.op === "lt" ? c < 0 : e.op === "le" ? c <= 0 : e.op === "gt" ? c > 0 : c >= 0;
      }
      case "contains": return indexOfBytes(value as Uint8Array, (r as { value: Uint8Array }).value) >= 0;
      case "wildcard": case "strict wildcard": return matchWildcard(this.wildcard(e), value as Uint8Array);
      case "matches": return regexTest((r as Extract<Rhs, { kind: "regex" }>).pattern, value as Uint8Array);
      case "in": return r.kind === "list" ? this.inList(r.name, value) : inSet(value, r as Extract<Rhs, { kind: "set" }>);
    }
  }

  private wildcard(e: CompareExpr<Typed>): WildcardPattern {
    let w = wildcards.get(e.right);
    if (!w) {
      w = parseWildcard((e.right as { pattern: Uint8Array }).pattern, e.op === "wildcard", { ...DEFAULT_LIMITS, maxWildcardStars: Infinity });
      wildcards.set(e.right, w);
    }
    return w;
  }

  private inList(name: string, value: Value): boolean {
    let list = this.listCache.get(name);
    if (!list) {
      const entries = this.lists[name];
      if (entries === undefined) throw new RuleInputError(`the rule uses the list $${name}, which was not supplied`);
      list = compileList(entries);
      this.listCache.set(name, list);
    }
    if (value instanceof Uint8Array) return list.strings.has(latin1(value));
    if (typeof value === "number") return list.ints.has(value);
    if (list.notIps.length > 0) throw new RuleInputError(`list $${name} is used for IP addresses, but ${JSON.stringify(list.notIps[0])} is not an IP address or CIDR`);
    const ip = value as IpAddress;
    return list.networks.some((n) => inCidr(ip, n.ip, n.prefix));
  }

  private field(name: string, type: RuleType): Value | undefined {
    if (this.fieldCache.has(name)) return this.fieldCache.get(name);
    const raw = Object.prototype.hasOwnProperty.call(this.values, name) ? this.values[name] : undefined;
    const value = raw === undefined || raw === null ? undefined : convert(raw, type, name);
    this.fieldCache.set(name, value);
    return value;
  }
}

function combine(op: "and" | "or" | "xor", xs: readonly (boolean | Value)[]): boolean {
  if (op === "and") return xs.every((x) => x === true);
  if (op === "or") return xs.some((x) => x === true);
  return xs.filter((x) => x === true).length % 2 === 1;
}

function equals(value: Value, r: Rhs): boolean {
  if (r.kind === "string") return bytesEqual(value as Uint8Array, r.value);
  if (r.kind === "int") return value === r.value;
  if (r.kind === "ip") return ipEquals(value as IpAddress, r.value);
  return false;
}

function inSet(value: Value, set: Extract<Rhs, { kind: "set" }>): boolean {
  for (const el of set.elements) {
    switch (el.kind) {
      case "string": if (bytesEqual(value as Uint8Array, el.value)) return true; break;
      case "int": if (value === el.value) return true; break;
      case "ip": if (ipEquals(value as IpAddress, el.value)) return true; break;
      case "cidr": if (inCidr(value as IpAddress, el.address, el.prefix)) return true; break;
      case "range":
        if (el.from.kind === "int" && el.to.kind === "int") {
          if ((value as number) >= el.from.value && (value as number) <= el.to.value) return true;
        } else if (el.from.kind === "ip" && el.to.kind === "ip") {
          const ip = value as IpAddress;
          if (ipCompare(ip, el.from.value) >= 0 && ipCompare(ip, el.to.value) <= 0) return true;
        }
        break;
    }
  }
  return false;
}

function compileList(entries: ListValues): CompiledList {
  const list: CompiledList = { strings: new Set(), ints: new Set(), networks: [], notIps: [] };
  for (const entry of entries) {
    if (typeof entry === "number") { list.ints.add(entry); continue; }
    list.strings.add(latin1(utf8(entry)));
    const [addr, bits, extra] = entry.split("/");
    const ip = parseIp(addr);
    const prefix = bits === undefined ? (ip?.bytes.length ?? 0) * 8 : /^[0-9]{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (ip && extra === undefined && prefix <= ip.bytes.length * 8) list.networks.push({ ip, prefix });
    else list.notIps.push(entry);
  }
  return list;
}

/** A host's field value as an evaluator value of `type`; throws RuleInputError when it does not fit. */
export function convert(raw: unknown, type: RuleType, name: string): Value {
  const bad = (): never => { throw new RuleInputError(`field ${name} must be ${describeType(type)}, got ${JSON.stringify(raw)?.slice(0, 60) ?? typeof raw}`); };
  switch (type.kind) {
    case "string":
      if (typeof raw === "string") return utf8(raw);
      if (raw instanceof Uint8Array) return raw;
      return bad();
    case "int": return Number.isSafeInteger(raw) ? (raw as number) : bad();
    case "bool": return typeof raw === "boolean" ? raw : bad();
    case "ip": {
      const ip = typeof raw === "string" ? parseIp(raw) : null;
      return ip ?? bad();
    }
    case "array":
      if (!Array.isArray(raw)) return bad();
      return raw.map((x) => convert(x, type.of, name));
    case "map": {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) return bad();
      const entries = raw instanceof Map ? [...raw.entries()] : Object.entries(raw as object);
      const out = new Map<string, Value>();
      for (const [k, v] of entries) {
        const value = type.of.kind === "array" && !Array.isArray(v) ? [v] : v;
        out.set(latin1(utf8(String(k))), convert(value, type.of, name));
      }
      return out;
    }
  }
}

function describeType(t: RuleType): string {
  switch (t.kind) {
    case "string": return "a string";
    case "int": return "a safe integer";
    case "bool": return "a boolean";
    case "ip": return "an IP address as text";
    case "array": return `an array of ${describeType(t.of).replace(/^an? /, "")}s`;
    case "map": return `an object of ${describeType(t.of).replace(/^an? /, "")} values`;
  }
}
