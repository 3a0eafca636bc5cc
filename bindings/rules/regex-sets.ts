// Byte sets for the regex parser: Perl (\d \s \w) and POSIX ([[:alpha:]]) classes in Rust's
// non-Unicode (ASCII) meaning, the single-character escapes, ASCII case folding, and ranges.

/** A set of bytes: 256 entries of 0 or 1. */
export type ByteSet = Uint8Array;

export const POSIX: Readonly<Record<string, (b: number) => boolean>> = {
  alnum: (b) => isAlpha(b) || isDigitByte(b),
  alpha: (b) => isAlpha(b),
  ascii: (b) => b < 0x80,
  blank: (b) => b === 0x20 || b === 0x09,
  cntrl: (b) => b < 0x20 || b === 0x7f,
  digit: (b) => isDigitByte(b),
  graph: (b) => b > 0x20 && b < 0x7f,
  lower: (b) => b >= 0x61 && b <= 0x7a,
  print: (b) => b >= 0x20 && b < 0x7f,
  punct: (b) => (b > 0x20 && b < 0x7f) && !isAlpha(b) && !isDigitByte(b),
  space: (b) => b === 0x20 || (b >= 0x09 && b <= 0x0d),
  upper: (b) => b >= 0x41 && b <= 0x5a,
  word: (b) => isWordByte(b),
  xdigit: (b) => isDigitByte(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66),
};
export const PERL: Readonly<Record<string, (b: number) => boolean>> = { d: POSIX.digit, s: POSIX.space, w: POSIX.word };

function isAlpha(b: number): boolean { return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a); }
function isDigitByte(b: number): boolean { return b >= 0x30 && b <= 0x39; }
/** ASCII word byte: [0-9A-Za-z_], as `\w` and `\b` in Rust's non-Unicode mode. */
export function isWordByte(b: number): boolean { return isAlpha(b) || isDigitByte(b) || b === 0x5f; }

export const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };

export function setOf(pred: (b: number) => boolean): ByteSet {
  const s = new Uint8Array(256);
  for (let b = 0; b < 256; b++) s[b] = pred(b) ? 1 : 0;
  return s;
}

export function rangesOf(set: ByteSet): [number, number][] {
  const out: [number, number][] = [];
  for (let b = 0; b < 256; b++) {
    if (!set[b]) continue;
    let e = b;
    while (e + 1 < 256 && set[e + 1]) e++;
    out.push([b, e]);
    b = e;
  }
  return out;
}

export function foldCase(set: ByteSet): ByteSet {
  const out = new Uint8Array(set);
  for (let b = 0x41; b <= 0x5a; b++) if (set[b] || set[b + 32]) { out[b] = 1; out[b + 32] = 1; }
  return out;
}

