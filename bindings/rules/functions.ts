// The functions of the rules language as data: signature, description, and the argument check
// that gives the result type. Cloudflare's documented functions that make sense for a request
// filter; the evaluator (evaluate.ts) and the bytecode emitter implement them.

import type { CheckedExpr, Span } from "./ast.js";
import { arrayOf, aTypeName, sameType, typeName, BOOL, INT, IP, STRING, type RuleType } from "./types.js";

/** One argument as the checker sees it. */
export interface FunctionArg {
  readonly node: CheckedExpr;
  /** The argument's type; for a first argument `x[*]`, the element type (the call is lifted). */
  readonly type: RuleType;
  /** The argument is a literal ("abc", 42, 192.0.2.1), not a field or a call. */
  readonly literal: boolean;
}

export interface FunctionCheck {
  readonly name: string;
  readonly span: Span;
  fail(message: string, at: Span): never;
}

export interface FunctionDef {
  readonly name: string;
  /** Cloudflare-style signature for documentation, e.g. "lower(String): String". */
  readonly signature: string;
  readonly description: string;
  readonly minArgs: number;
  /** null: variadic. */
  readonly maxArgs: number | null;
  /** Can be applied to each element with `[*]` in the first argument (all but any and all). */
  readonly liftable: boolean;
  /** Checks the arguments and returns the result type (of one element when lifted). */
  check(args: readonly FunctionArg[], ctx: FunctionCheck): RuleType;
}

function expect(arg: FunctionArg, type: RuleType, what: string, ctx: FunctionCheck): void {
  if (!sameType(arg.type, type)) ctx.fail(`${ctx.name}() takes ${aTypeName(type)} as ${what}, but this is ${aTypeName(arg.type)}`, arg.node.span);
}

function expectField(arg: FunctionArg, what: string, ctx: FunctionCheck): void {
  if (arg.literal) ctx.fail(`${what} of ${ctx.name}() must be a field or a function result, not a literal`, arg.node.span);
}

function expectLiteral(arg: FunctionArg, what: string, ctx: FunctionCheck): void {
  if (!arg.literal) ctx.fail(`${what} of ${ctx.name}() must be a literal value`, arg.node.span);
}

function literalInt(arg: FunctionArg): number {
  return arg.node.kind === "int" ? arg.node.value : NaN;
}

function literalText(arg: FunctionArg): string {
  return arg.node.kind === "string" ? new TextDecoder().decode(arg.node.value) : "";
}

const stringToString = (name: string, description: string, sourceMustBeField = false): FunctionDef => ({
  name, description, signature: `${name}(String): String`, minArgs: 1, maxArgs: 1, liftable: true,
  check(args, ctx) {
    expect(args[0], STRING, "its argument", ctx);
    if (sourceMustBeField) expectField(args[0], "the argument", ctx);
    return STRING;
  },
});

const affix = (name: string, description: string): FunctionDef => ({
  name, description, signature: `${name}(source String, substring String): Boolean`, minArgs: 2, maxArgs: 2, liftable: true,
  check(args, ctx) {
    expect(args[0], STRING, "the source", ctx);
    expectField(args[0], "the source", ctx);
    expect(args[1], STRING, "the substring", ctx);
    expectLiteral(args[1], "the substring", ctx);
    return BOOL;
  },
});

const quantifier = (name: "any" | "all", description: string): FunctionDef => ({
  name, description, signature: `${name}(Array<Boolean>): Boolean`, minArgs: 1, maxArgs: 1, liftable: false,
  check(args, ctx) {
    const t = args[0].type;
    if (!(t.kind === "array" && t.of.kind === "bool")) {
      const hint = t.kind === "array" ? ` — compare each element, e.g. ${name}(x[*] eq "…")` : "";
      ctx.fail(`${name}() takes an Array<Boolean>, such as http.request.headers.names[*] eq "x", but this is ${aTypeName(t)}${hint}`, args[0].node.span);
    }
    return BOOL;
  },
});

const lookupJson = (name: string, result: RuleType): FunctionDef => ({
  name, signature: `${name}(field String, key String | Integer, …): ${typeName(result)}`, minArgs: 2, maxArgs: null, liftable: true,
  description: `The ${typeName(result).toLowerCase()} at the path of object keys and array indexes in a JSON document; missing when absent, malformed or of another type.`,
  check(args, ctx) {
    expect(args[0], STRING, "the JSON document", ctx);
    expectField(args[0], "the JSON document", ctx);
    for (const key of args.slice(1)) {
      if (key.type.kind !== "string" && key.type.kind !== "int") ctx.fail(`${name}() keys are strings (object keys) or integers (array indexes), not ${aTypeName(key.type)}`, key.node.span);
      expectLiteral(key, "each key", ctx);
      if (key.node.kind === "int" && key.node.value < 0) ctx.fail("array indexes start at 0 and cannot be negative", key.node.span);
    }
    return result;
  },
});

/** Every function, in documentation order. */
export const FUNCTIONS: readonly FunctionDef[] = Object.freeze([
  quantifier("any", "True when any element of the array is true; false for an empty array."),
  quantifier("all", "True when every element of the array is true; true for an empty array."),
  {
    name: "cidr", signature: "cidr(address IP address, ipv4_network_bits Integer, ipv6_network_bits Integer): IP address",
    description: "The network address of the IP for the given prefix lengths (1–32 for IPv4, 1–128 for IPv6).",
    minArgs: 3, maxArgs: 3, liftable: true,
    check(args, ctx) {
      expect(args[0], IP, "the address", ctx);
      expectField(args[0], "the address", ctx);
      for (const [arg, max, what] of [[args[1], 32, "the IPv4 network bits"], [args[2], 128, "the IPv6 network bits"]] as const) {
        expect(arg, INT, what, ctx);
        expectLiteral(arg, what, ctx);
        const n = literalInt(arg);
        if (!(n >= 1 && n <= max)) ctx.fail(`${what} must be 1 to ${max}`, arg.node.span);
      }
      return IP;
    },
  },
  {
    name: "cidr6", signature: "cidr6(address IP address, ipv6_network_bits Integer): IP address",
    description: "The network address of an IPv6 address for the prefix length (1–128); an IPv4 address is returned unchanged.",
    minArgs: 2, maxArgs: 2, liftable: true,
    check(args, ctx) {
      expect(args[0], IP, "the address", ctx);
      expectField(args[0], "the address", ctx);
      expect(args[1], INT, "the IPv6 network bits", ctx);
      expectLiteral(args[1], "the IPv6 network bits", ctx);
      const n = literalInt(args[1]);
      if (!(n >= 1 && n <= 128)) ctx.fail("the IPv6 network bits must be 1 to 128", args[1].node.span);
      return IP;
    },
  },
  {
    name: "concat", signature: "concat(String | Array, …): String | Array",
    description: "The arguments joined into one string, or one array; missing arguments are skipped.",
    minArgs: 2, maxArgs: null, liftable: true,
    check(args, ctx) {
      const first = args[0].type;
      if (first.kind !== "string" && first.kind !== "array") ctx.fail(`concat() joins Strings or Arrays, not ${aTypeName(first)}`, args[0].node.span);
      for (const arg of args.slice(1)) {
        if (!sameType(arg.type, first)) ctx.fail(`concat() arguments must all have one type: the first is ${aTypeName(first)}, this one is ${aTypeName(arg.type)}`, arg.node.span);
      }
      return first;
    },
  },
  stringToString("decode_base64", "The bytes a Base64 text (standard alphabet, padding optional) encodes; missing when it is not valid Base64.", true),
  affix("ends_with", "True when the source ends with the substring."),
  {
    name: "join", signature: "join(items Array<String>, separator String): String",
    description: "The strings of the array with the separator between them; \"\" for an empty array.",
    minArgs: 2, maxArgs: 2, liftable: false,
    check(args, ctx) {
      expect(args[0], arrayOf(STRING), "the items", ctx);
      expect(args[1], STRING, "the separator", ctx);
      return STRING;
    },
  },
  {
    name: "len", signature: "len(String | Array): Integer",
    description: "The length of a string in bytes, or the number of elements of an array.",
    minArgs: 1, maxArgs: 1, liftable: true,
    check(args, ctx) {
      const t = args[0].type;
      if (t.kind !== "string" && t.kind !== "array") ctx.fail(`len() takes a String or an Array, not ${aTypeName(t)}`, args[0].node.span);
      return INT;
    },
  },
  lookupJson("lookup_json_integer", INT),
  lookupJson("lookup_json_string", STRING),
  stringToString("lower", "The string with ASCII letters in lower case; other bytes unchanged."),
  {
    name: "remove_bytes", signature: "remove_bytes(String, bytes String): String",
    description: "The string without any of the given bytes, e.g. remove_bytes(http.host, \"\\x2e\\x77\") drops every \".\" and \"w\".",
    minArgs: 2, maxArgs: 2, liftable: true,
    check(args, ctx) {
      expect(args[0], STRING, "the source", ctx);
      expect(args[1], STRING, "the bytes to remove", ctx);
      expectLiteral(args[1], "the bytes to remove", ctx);
      return STRING;
    },
  },
  affix("starts_with", "True when the source starts with the substring."),
  {
    name: "substring", signature: "substring(field String, start Integer [, end Integer]): String",
    description: "The bytes from start up to (not including) end; negative indexes count from the end; out-of-range indexes are clamped.",
    minArgs: 2, maxArgs: 3, liftable: true,
    check(args, ctx) {
      expect(args[0], STRING, "the source", ctx);
      expect(args[1], INT, "the start index", ctx);
      if (args[2]) expect(args[2], INT, "the end index", ctx);
      return STRING;
    },
  },
  {
    name: "to_string", signature: "to_string(Integer | Boolean | IP address): String",
    description: "The text of an integer (\"42\"), a Boolean (\"true\") or an IP address (\"192.0.2.1\", \"2001:db8::1\").",
    minArgs: 1, maxArgs: 1, liftable: true,
    check(args, ctx) {
      const t = args[0].type;
      if (t.kind !== "int" && t.kind !== "bool" && t.kind !== "ip") ctx.fail(`to_string() takes an Integer, a Boolean or an IP address, not ${aTypeName(t)}`, args[0].node.span);
      return STRING;
    },
  },
  stringToString("upper", "The string with ASCII letters in upper case; other bytes unchanged."),
  {
    name: "url_decode", signature: "url_decode(source String [, options String]): String",
    description: "Decodes %HH and + (as space); options \"r\": repeat until nothing changes (at most 10 times), \"u\": also decode %uHHHH to UTF-8.",
    minArgs: 1, maxArgs: 2, liftable: true,
    check(args, ctx) {
      expect(args[0], STRING, "the source", ctx);
      expectField(args[0], "the source", ctx);
      if (args[1]) {
        expect(args[1], STRING, "the options", ctx);
        expectLiteral(args[1], "the options", ctx);
        const options = literalText(args[1]);
        if (!/^[ru]*$/.test(options)) ctx.fail(`unknown url_decode() option in "${options}": the options are r (recursive) and u (%u escapes)`, args[1].node.span);
      }
      return STRING;
    },
  },
]);

const BY_NAME: ReadonlyMap<string, FunctionDef> = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function lookupFunction(name: string): FunctionDef | undefined {
  return BY_NAME.get(name);
}

/**
 * Documented Cloudflare functions botsift leaves out, and why (for messages and the README).
 */
export const UNSUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = Object.freeze({
  regex_replace: "Cloudflare allows it only in rewrite expressions; botsift rules are filters",
  wildcard_replace: "Cloudflare allows it only in rewrite expressions; botsift rules are filters",
  remove_query_args: "Cloudflare allows it only in rewrite expressions; botsift rules are filters",
  uuidv4: "Cloudflare allows it only in rewrite expressions; it is random, so no filter can use it",
  encode_base64: "Cloudflare allows it only in header transform rules",
  sha256: "Cloudflare allows it only in transform rules, by enablement",
  split: "Cloudflare allows it only in response header transform rules and custom error rules",
  is_timed_hmac_valid_v0: "it needs a secret key and the request time inside the engine; validate tokens in the host before classify",
  bit_slice: "it reads packet headers (Magic Firewall), which an HTTP request does not have",
});
