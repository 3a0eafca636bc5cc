// A small JSON reader for lookup_json_string / lookup_json_integer: follows a path of object
// keys and array indexes through a JSON document in bytes and returns the string or integer
// there. Linear in the document; anything malformed or of another type gives undefined.

import { decodeUtf8, utf8 } from "./bytes.js";

export type JsonLeaf = { kind: "string"; value: Uint8Array } | { kind: "int"; value: number };

class Reader {
  pos = 0;
  depth = 0;
  constructor(readonly text: string) {}

  space(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text[this.pos])) this.pos++;
  }
}

const MAX_DEPTH = 128;

/** The value at `path` in `document`, when it is a string or an integer (not 42.0), else undefined. */
export function lookupJson(document: Uint8Array, path: readonly (string | number)[]): JsonLeaf | undefined {
  const text = decodeUtf8(document);
  if (text === undefined) return undefined;
  const r = new Reader(text);
  try {
    r.space();
    const found = find(r, path, 0);
    r.space();
    if (r.pos !== text.length) return undefined; // trailing garbage: not a valid document
    return found;
  } catch {
    return undefined;
  }
}

/** Reads one value at r.pos; returns the leaf at path[index…] inside it (reading the whole value either way). */
function find(r: Reader, path: readonly (string | number)[], index: number): JsonLeaf | undefined {
  const c = r.text[r.pos];
  const want = index < path.length ? path[index] : undefined;
  if (c === "{") {
    if (++r.depth > MAX_DEPTH) throw new Error("too deep");
    r.pos++;
    r.space();
    let result: JsonLeaf | undefined;
    if (r.text[r.pos] === "}") { r.pos++; r.depth--; return undefined; }
    for (;;) {
      r.space();
      if (r.text[r.pos] !== "\"") throw new Error("key");
      const key = readString(r);
      r.space();
      if (r.text[r.pos] !== ":") throw new Error(":");
      r.pos++;
      r.space();
      // Duplicate keys: the last one wins, as in most JSON readers.
      const leaf = find(r, path, typeof want === "string" && key === want ? index + 1 : path.length + 1);
      if (typeof want === "string" && key === want) result = leaf;
      r.space();
      if (r.text[r.pos] === ",") { r.pos++; continue; }
      if (r.text[r.pos] === "}") { r.pos++; r.depth--; return result; }
      throw new Error("object");
    }
  }
  if (c === "[") {
    if (++r.depth > MAX_DEPTH) throw new Error("too deep");
    r.pos++;
    r.space();
    let result: JsonLeaf | undefined;
    if (r.text[r.pos] === "]") { r.pos++; r.depth--; return undefined; }
    for (let i = 0; ; i++) {
      r.space();
      const leaf = find(r, path, typeof want === "number" && i === want ? index + 1 : path.length + 1);
      if (typeof want === "number" && i === want) result = leaf;
      r.space();
      if (r.text[r.pos] === ",") { r.pos++; continue; }
      if (r.text[r.pos] === "]") { r.pos++; r.depth--; return result; }
      throw new Error("array");
    }
  }
  if (c === "\"") {
    const s = readString(r);
    return index === path.length ? { kind: "string", value: utf8(s) } : undefined;
  }
  const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(r.text.slice(r.pos, r.pos + 400));
  if (m && m[0] !== "" && m[0] !== "-") {
    r.pos += m[0].length;
    if (index !== path.length || m[2] !== undefined || m[3] !== undefined) return undefined;
    const value = Number(m[0]);
    return Number.isSafeInteger(value) ? { kind: "int", value } : undefined;
  }
  for (const word of ["true", "false", "null"]) {
    if (r.text.startsWith(word, r.pos)) { r.pos += word.length; return undefined; }
  }
  throw new Error("value");
}

function readString(r: Reader): string {
  const start = r.pos;
  r.pos++;
  for (;;) {
    const c = r.text[r.pos];
    if (c === undefined || c < " ") throw new Error("string");
    if (c === "\"") break;
    if (c === "\\") r.pos++;
    r.pos++;
  }
  r.pos++;
  return JSON.parse(r.text.slice(start, r.pos)) as string;
}
