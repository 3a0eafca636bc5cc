// What each function computes, for the reference evaluator. Arguments arrive evaluated; a
// missing argument (undefined) makes the result missing except where a function says otherwise
// (concat skips missing arguments). Every function here runs in linear time.

import type { IpAddress } from "./ast.js";
import { asciiLower, asciiUpper, concatBytes, latin1, utf8 } from "./bytes.js";
import { formatIp, maskIp } from "./ip.js";
import { lookupJson } from "./json.js";

/** An evaluator value: String as bytes, Integer, Boolean, IP, arrays, and maps keyed by the key bytes as latin1 text. */
export type Value = Uint8Array | number | boolean | IpAddress | Value[] | Map<string, Value>;

type Args = readonly (Value | undefined)[];

const bytes = (v: Value | undefined) => v as Uint8Array;
const int = (v: Value | undefined) => v as number;

/** Applies the function `name` (not any/all) to evaluated arguments. */
export function applyFunction(name: string, args: Args): Value | undefined {
  if (name === "concat") return concat(args);
  if (args.some((a) => a === undefined)) return undefined;
  const [a, b, c] = args;
  switch (name) {
    case "lower": return asciiLower(bytes(a));
    case "upper": return asciiUpper(bytes(a));
    case "len": return a instanceof Uint8Array ? a.length : (a as Value[]).length;
    case "starts_with": return startsWith(bytes(a), bytes(b));
    case "ends_with": return startsWith(bytes(a).slice().reverse(), bytes(b).slice().reverse());
    case "substring": return substring(bytes(a), int(b), args.length > 2 ? int(c) : undefined);
    case "url_decode": return urlDecode(bytes(a), args.length > 1 ? new TextDecoder().decode(bytes(b)) : "");
    case "remove_bytes": {
      const drop = new Set(bytes(b));
      return bytes(a).filter((x) => !drop.has(x));
    }
    case "decode_base64": return decodeBase64(bytes(a));
    case "join": return concatBytes((a as Uint8Array[]).flatMap((item, i) => (i === 0 ? [item] : [bytes(b), item])));
    case "to_string": {
      if (typeof a === "number") return utf8(String(a));
      if (typeof a === "boolean") return utf8(a ? "true" : "false");
      return utf8(formatIp(a as IpAddress));
    }
    case "cidr": {
      const ip = a as IpAddress;
      return maskIp(ip, ip.family === 4 ? int(b) : int(c));
    }
    case "cidr6": {
      const ip = a as IpAddress;
      return ip.family === 4 ? ip : maskIp(ip, int(b));
    }
    case "lookup_json_string":
    case "lookup_json_integer": {
      const path = args.slice(1).map((k) => (typeof k === "number" ? k : new TextDecoder().decode(k as Uint8Array)));
      const leaf = lookupJson(bytes(a), path);
      if (!leaf) return undefined;
      if (name === "lookup_json_string") return leaf.kind === "string" ? leaf.value : undefined;
      return leaf.kind === "int" ? leaf.value : undefined;
    }
  }
  throw new Error(`no implementation for function ${name}()`);
}

function concat(args: Args): Value | undefined {
  const present = args.filter((a): a is Value => a !== undefined);
  if (present.length === 0) return undefined;
  if (present[0] instanceof Uint8Array) return concatBytes(present as Uint8Array[]);
  return (present as Value[][]).flat();
}

function startsWith(value: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > value.length) return false;
  for (let i = 0; i < prefix.length; i++) if (value[i] !== prefix[i]) return false;
  return true;
}

/** Byte slice [start, end) with negative indexes from the end, clamped to the value (as Python slices). */
export function substring(value: Uint8Array, start: number, end: number | undefined): Uint8Array {
  const n = value.length;
  const clamp = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(n, i));
  const from = clamp(start);
  const to = end === undefined ? n : clamp(end);
  return to > from ? value.slice(from, to) : new Uint8Array(0);
}

const hexValue = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 55 : b >= 0x61 && b <= 0x66 ? b - 87 : -1);

function decodeOnce(input: Uint8Array, unicode: boolean): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < input.length;) {
    const b = input[i];
    if (b === 0x2b) { out.push(0x20); i++; continue; }
    if (b !== 0x25) { out.push(b); i++; continue; }
    if (unicode && (input[i + 1] === 0x75 || input[i + 1] === 0x55) && i + 5 < input.length) {
      const digits = [2, 3, 4, 5].map((k) => hexValue(input[i + k]));
      const cp = digits.reduce((n, d) => n * 16 + d, 0);
      if (digits.every((d) => d >= 0) && !(cp >= 0xd800 && cp <= 0xdfff)) {
        out.push(...utf8(String.fromCodePoint(cp)));
        i += 6;
        continue;
      }
    } else if (i + 2 < input.length) {
      const hi = hexValue(input[i + 1]);
      const lo = hexValue(input[i + 2]);
      if (hi >= 0 && lo >= 0) { out.push(hi * 16 + lo); i += 3; continue; }
    }
    out.push(b);
    i++;
  }
  return Uint8Array.from(out);
}

/** %HH and + decoding; "r" repeats until nothing changes (at most 10 more passes), "u" adds %uHHHH. */
export function urlDecode(input: Uint8Array, options: string): Uint8Array {
  const unicode = options.includes("u");
  let current = decodeOnce(input, unicode);
  if (!options.includes("r")) return current;
  for (let pass = 0; pass < 10; pass++) {
    const next = decodeOnce(current, unicode);
    if (next.length === current.length && next.every((x, i) => x === current[i])) break;
    current = next;
  }
  return current;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard Base64 with optional padding; undefined for anything else (whitespace included). */
export function decodeBase64(input: Uint8Array): Uint8Array | undefined {
  let text = latin1(input);
  if (text.length % 4 === 0 && text.endsWith("==")) text = text.slice(0, -2);
  else if (text.length % 4 === 0 && text.endsWith("=")) text = text.slice(0, -1);
  if (text.length % 4 === 1) return undefined;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    const v = B64.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined; // non-canonical trailing bits
  return Uint8Array.from(out);
}
