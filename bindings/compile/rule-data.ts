// The data area of a RULES section: deduplicated byte strings, aligned words and the 16-byte IP
// form the interpreter compares (IPv4 in the last four bytes), with network bounds for CIDRs.

import type { IpAddress } from "../rules/ast.js";

export class DataWriter {
  private bytes: number[] = [];
  private strings = new Map<string, number>();
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
