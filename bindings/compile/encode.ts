// Lays out a compiled pack: header, section table and sections, little-endian and 4-aligned,
// with an FNV-1a checksum from the section count to the end. The byte layout is bindings/format.ts.

import * as F from "../format.js";

export function fnv1a(bytes: Uint8Array, from = 0): number {
  let h = 0x811c9dc5;
  for (let i = from; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Accumulates u32 words and raw bytes for one section. */
export class SectionWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;
  u32(...values: number[]): this {
    return this.u32s(values);
  }
  u32s(values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const v = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) v.setUint32(i * 4, values[i] >>> 0, true);
    return this.bytes(b);
  }
  bytes(b: Uint8Array): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }
  finish(): Uint8Array {
    const out = new Uint8Array((this.size + 3) & ~3);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }
}

/** Joins sections (id → bytes) into a pack with header and checksum. */
export function encodePack(sections: [number, Uint8Array][]): Uint8Array {
  const tableEnd = F.HEADER_SIZE + sections.length * F.SECTION_ENTRY_SIZE;
  let at = (tableEnd + 3) & ~3;
  const placed = sections.map(([id, bytes]) => {
    const entry = { id, offset: at, bytes };
    at += (bytes.length + 3) & ~3;
    return entry;
  });
  const pack = new Uint8Array(at);
  const view = new DataView(pack.buffer);
  view.setUint32(F.HEADER_MAGIC, F.PACK_MAGIC, true);
  view.setUint16(F.HEADER_VERSION, F.PACK_FORMAT_VERSION, true);
  view.setUint32(F.HEADER_TOTAL_LENGTH, pack.length, true);
  view.setUint32(F.HEADER_SECTION_COUNT, sections.length, true);
  placed.forEach((s, i) => {
    const e = F.HEADER_SIZE + i * F.SECTION_ENTRY_SIZE;
    view.setUint32(e, s.id, true);
    view.setUint32(e + 4, s.offset, true);
    view.setUint32(e + 8, s.bytes.length, true);
    pack.set(s.bytes, s.offset);
  });
  view.setUint32(F.HEADER_CHECKSUM, fnv1a(pack, F.CHECKSUM_FROM), true);
  return pack;
}

/** The sections of an encoded pack, in table order (structure only: the engine validates contents). */
export function readSections(pack: Uint8Array): [number, Uint8Array][] {
  const view = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
  const count = view.getUint32(F.HEADER_SECTION_COUNT, true);
  const out: [number, Uint8Array][] = [];
  for (let i = 0; i < count; i++) {
    const e = F.HEADER_SIZE + i * F.SECTION_ENTRY_SIZE;
    const offset = view.getUint32(e + 4, true), length = view.getUint32(e + 8, true);
    out.push([view.getUint32(e, true), pack.slice(offset, offset + length)]);
  }
  return out;
}

/** The pack with section `id` replaced by `bytes` (or removed, for null), re-encoded with a new checksum. */
export function withSection(pack: Uint8Array, id: number, bytes: Uint8Array | null): Uint8Array {
  const sections = readSections(pack).filter(([sid]) => sid !== id);
  if (bytes !== null) sections.push([id, bytes]);
  return encodePack(sections);
}
