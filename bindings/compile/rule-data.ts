// The data area of a RULES section: deduplicated byte strings, aligned words, the 16-byte IP
// form the interpreter compares (IPv4 in the last four bytes) with network bounds for CIDRs, and
// the tables of sets and regular expressions (layouts in bindings/format.ts and assembly/vm.ts).

import * as F from "../format.js";
import type { IpAddress, SetElement } from "../rules/ast.js";
import { regexTables } from "../rules/matches.js";

export class DataWriter {
  private bytes: number[] = [];
  private strings = new Map<string, number>();
  private regexes = new Map<string, number>();
  get length(): number { return this.bytes.length; }
  align(): void { while (this.bytes.length % 4) this.bytes.push(0); }
  raw(b: ArrayLike<number>): number {
    const at = this.bytes.length;
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]);
    return at;
  }
  /** Deduplicated byte strings (any alignment). */
  string(b: Uint8Array): number {
    const key = String.fromCharCode(...b);
    let at = this.strings.get(key);
    if (at === undefined) { at = this.raw(b); this.strings.set(key, at); }
    return at;
  }
  u32(...values: number[]): void {
    for (const v of values) this.raw([v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255]);
  }
  i64(v: number): void {
    const big = BigInt.asUintN(64, BigInt(v));
    this.u32(Number(big & 0xffffffffn), Number(big >> 32n));
  }
  /** The DFA tables of `pattern` (once per pattern in a section); returns their offset. */
  regex(pattern: string): number {
    const known = this.regexes.get(pattern);
    if (known !== undefined) return known;
    // The checker compiled this pattern already: the same tables, from its cache.
    const t = regexTables(pattern);
    this.align();
    const at = this.length;
    this.u32(t.classCount, t.stateCount, t.start, t.dead + 1);
    this.raw(t.classOf);
    const pad = (n: number) => (n + 3) & ~3;
    const now = new Uint8Array(pad(t.stateCount)); now.set(t.acceptNow);
    const end = new Uint8Array(pad(t.stateCount)); end.set(t.acceptAtEnd);
    this.raw(now); this.raw(end);
    // Each transition is the target's row offset in bytes, | 1 if it accepts now, | 2 if it is dead.
    for (const x of t.transitions) this.u32(x * t.classCount * 4 + (t.acceptNow[x] ? 1 : 0) + (x === t.dead ? 2 : 0));
    this.regexes.set(pattern, at);
    return at;
  }

  /** A set's kind, count and members (for OP_IN_SET); returns its offset. */
  set(elements: readonly SetElement[]): number {
    this.align();
    const at = this.length;
    const first = elements[0];
    const kind = first === undefined ? F.SET_BYTES : first.kind === "string" ? F.SET_BYTES
      : first.kind === "int" || (first.kind === "range" && first.from.kind === "int") ? F.SET_INT : F.SET_IP;
    this.u32(kind, elements.length);
    for (const el of elements) {
      if (el.kind === "string") { this.u32(el.value.length); this.raw(el.value); this.align(); }
      else if (el.kind === "int") { this.i64(el.value); this.i64(el.value); }
      else if (el.kind === "range" && el.from.kind === "int" && el.to.kind === "int") { this.i64(el.from.value); this.i64(el.to.value); }
      else if (el.kind === "ip") { this.u32(el.value.family); this.raw(ip16(el.value)); this.raw(ip16(el.value)); }
      else if (el.kind === "cidr") { this.u32(el.address.family); this.raw(networkBound(el.address, el.prefix, false)); this.raw(networkBound(el.address, el.prefix, true)); }
      else if (el.kind === "range" && el.from.kind === "ip" && el.to.kind === "ip") { this.u32(el.from.value.family); this.raw(ip16(el.from.value)); this.raw(ip16(el.to.value)); }
    }
    return at;
  }

  finish(): Uint8Array { this.align(); return Uint8Array.from(this.bytes); }
}

export function ip16(ip: IpAddress): Uint8Array {
  const out = new Uint8Array(16);
  out.set(ip.bytes, ip.family === 4 ? 12 : 0);
  return out;
}

/** First (`last` false) or last address of the network `ip/prefix`, as 16 bytes. */
export function networkBound(ip: IpAddress, prefix: number, last: boolean): Uint8Array {
  const out = ip16(ip);
  const width = ip.family === 4 ? 32 : 128;
  for (let bitIndex = prefix; bitIndex < width; bitIndex++) {
    const bit = (ip.family === 4 ? 96 : 0) + bitIndex;
    if (last) out[bit >> 3] |= 0x80 >> (bit & 7); else out[bit >> 3] &= ~(0x80 >> (bit & 7));
  }
  return out;
}
