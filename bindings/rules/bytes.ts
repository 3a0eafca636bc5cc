// Byte strings, the rules language's String type: UTF-8 encoding, byte-wise comparison and
// search, ASCII case mapping, and the text forms used by the pretty-printer and messages.

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The bytes as text when they are valid UTF-8, else undefined. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** First index of `needle` in `haystack` at or after `from`, or -1. An empty needle is found at `from`. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0, foldCase = false): number {
  const last = haystack.length - needle.length;
  outer: for (let i = from; i <= last; i++) {
    for (let j = 0; j < needle.length; j++) {
      const h = haystack[i + j];
      const n = needle[j];
      if (h !== n && !(foldCase && lowerByte(h) === lowerByte(n))) continue outer;
    }
    return i;
  }
  return -1;
}

export function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 32 : b;
}

export function upperByte(b: number): number {
  return b >= 0x61 && b <= 0x7a ? b - 32 : b;
}

/** Only ASCII letters change; every other byte is kept (Cloudflare's lower()). */
export function asciiLower(bytes: Uint8Array): Uint8Array {
  return bytes.map(lowerByte);
}

export function asciiUpper(bytes: Uint8Array): Uint8Array {
  return bytes.map(upperByte);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Each byte as one UTF-16 unit (0–255): a byte string usable as a Map key. */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

const HEX = "0123456789abcdef";

/**
 * A quoted string literal that lexes back to exactly `bytes`: `"` and `\` escaped, printable
 * text kept (including non-ASCII UTF-8), every other byte as `\xHH`.
 */
export function quoteBytes(bytes: Uint8Array): string {
  let out = "\"";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === 0x22) { out += "\\\""; i++; continue; }
    if (b === 0x5c) { out += "\\\\"; i++; continue; }
    if (b >= 0x20 && b < 0x7f) { out += String.fromCharCode(b); i++; continue; }
    const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n > 0 && i + n <= bytes.length) {
      const text = decodeUtf8(bytes.subarray(i, i + n));
      if (text !== undefined && !/[\p{C}\p{Z}]/u.test(text)) {
        out += text;
        i += n;
        continue;
      }
    }
    out += `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    i++;
  }
  return out + "\"";
}

/**
 * A raw string literal `r#"…"#` for `text` with the fewest `#` that make it unambiguous, or
 * undefined when it would need more than 255.
 */
export function rawString(text: string): string | undefined {
  let hashes = 0;
  for (let i = text.indexOf("\""); i >= 0; i = text.indexOf("\"", i + 1)) {
    let run = 0;
    while (text[i + 1 + run] === "#") run++;
    hashes = Math.max(hashes, run + 1);
  }
  if (hashes > 255) return undefined;
  const h = "#".repeat(hashes);
  return `r${h}"${text}"${h}`;
}

/** For messages: the bytes as text when printable UTF-8, else their quoted escaped form. */
export function showBytes(bytes: Uint8Array): string {
  return quoteBytes(bytes);
}
