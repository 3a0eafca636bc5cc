// Required literals of a pattern, for the engine's Aho-Corasick prefilter: a set of byte strings
// at least one of which occurs in every input the pattern matches.

import { setHas, setSize, type Node } from "./ast.js";
import { encode } from "./utf8.js";

/**
 * One required literal. When `caseInsensitive` is false, `bytes` occur exactly; when true, they
 * are ASCII-lower-cased and occur up to ASCII case. (The engine's automaton folds ASCII case
 * anyway, so folding every literal is always sound.)
 */
export interface RegexLiteral {
  bytes: Uint8Array;
  caseInsensitive: boolean;
}

/** Literals shorter than this are not worth a prefilter; `requiredLiterals` returns null instead. */
export const MIN_LITERAL_LENGTH = 2;
/** Longer literals are cut to their first MAX_LITERAL_LENGTH bytes (a prefix still occurs). */
export const MAX_LITERAL_LENGTH = 128;
const MAX_SET = 64;
const MAX_CLASS = 8;
const MAX_EXACT_LENGTH = 1024;

/** A byte string (one char per byte) and whether it stands for itself up to ASCII case. */
interface Str {
  s: string;
  fold: boolean;
}

/** `exact`: the pattern matches exactly these strings (null: too many or unknown); `required`: one occurs in every match. */
interface Info {
  exact: Str[] | null;
  required: Str[] | null;
}

/**
 * A sound set of required literals of `ast`: if the pattern matches an input, at least one of
 * the literals occurs in it (exactly, or up to ASCII case when `caseInsensitive`). Null when no
 * useful set exists (e.g. `.*`, `a?`, or when the best set has a literal shorter than
 * MIN_LITERAL_LENGTH bytes or more than 64 literals). Sorted, duplicates and literals that
 * contain another literal removed.
 */
export function requiredLiterals(ast: Node): RegexLiteral[] | null {
  const set = best(analyze(ast));
  if (set === null || set.some((x) => x.s.length < MIN_LITERAL_LENGTH)) return null;
  const cut = dedupe(set.map((x) => ({ s: x.s.slice(0, MAX_LITERAL_LENGTH), fold: x.fold })));
  const minimal = cut.filter((x) => !cut.some((y) => y !== x && implies(x, y)));
  minimal.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : Number(a.fold) - Number(b.fold)));
  return minimal.map((x) => ({ bytes: Uint8Array.from(x.s, (c) => c.charCodeAt(0)), caseInsensitive: x.fold }));
}

/** Whether an occurrence of `x` always contains an occurrence of `y` (so `x` is redundant). */
function implies(x: Str, y: Str): boolean {
  if (y.fold) return lower(x.s).includes(y.s) && (x.s !== y.s || x.fold);
  return !x.fold && x.s.includes(y.s) && x.s !== y.s;
}

function lower(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c);
  }
  return out;
}

function key(x: Str): string {
  return (x.fold ? "i" : "c") + x.s;
}

function dedupe(xs: Str[]): Str[] {
  const m = new Map<string, Str>();
  for (const x of xs) m.set(key(x), x);
  return [...m.values()];
}

/** Every concatenation of one string of `a` and one of `b`; null when too many or too long. */
function product(a: Str[], b: Str[]): Str[] | null {
  if (a.length * b.length > MAX_SET) return null;
  const out: Str[] = [];
  for (const x of a) {
    for (const y of b) {
      if (x.s.length + y.s.length > MAX_EXACT_LENGTH) return null;
      const fold = x.fold || y.fold;
      out.push({ s: fold ? lower(x.s) + lower(y.s) : x.s + y.s, fold });
    }
  }
  return dedupe(out);
}

/** How good a required set is: longer shortest literal first, then fewer literals; -1 if unusable. */
function score(set: Str[] | null): number {
  if (set === null || set.length === 0 || set.length > MAX_SET) return -1;
  const minLen = Math.min(...set.map((x) => x.s.length));
  if (minLen === 0) return -1;
  return Math.min(minLen, 16) * 1000 - set.length;
}

function pick(sets: (Str[] | null)[]): Str[] | null {
  let top: Str[] | null = null;
  let topScore = -1;
  for (const s of sets) {
    const v = score(s);
    if (v > topScore) [top, topScore] = [s, v];
  }
  return top;
}

function best(info: Info): Str[] | null {
  return pick([info.exact, info.required]);
}

const EMPTY: Str[] = [{ s: "", fold: false }];

/** The strings one scalar value (or byte) of `set` can be, or null when there are more than MAX_CLASS. */
function classStrings(set: readonly number[], bytes: boolean): Str[] | null {
  if (setSize(set) > 2 * MAX_CLASS) return null;
  const out: Str[] = [];
  for (let i = 0; i < set.length; i += 2) {
    for (let cp = set[i]; cp <= set[i + 1]; cp++) {
      const letter = (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
      if (letter && setHas(set, cp ^ 0x20)) out.push({ s: String.fromCharCode(cp | 0x20), fold: true });
      else out.push({ s: String.fromCharCode(...(bytes ? [cp] : encode(cp))), fold: false });
    }
  }
  const d = dedupe(out);
  return d.length > MAX_CLASS ? null : d;
}

/** `x` repeated k times for every k in min..max, or null when too many. */
function powers(x: Str[], min: number, max: number): Str[] | null {
  let p: Str[] | null = EMPTY;
  let all: Str[] = min === 0 ? EMPTY : [];
  for (let k = 1; k <= max; k++) {
    p = product(p, x);
    if (p === null) return null;
    if (k >= min) all = dedupe([...all, ...p]);
    if (all.length > MAX_SET) return null;
  }
  return all;
}

function analyze(n: Node): Info {
  switch (n.type) {
    case "empty":
    case "look":
      return { exact: EMPTY, required: null };
    case "group":
      return analyze(n.item);
    case "class":
      return { exact: classStrings(n.set, n.bytes === true), required: null };
    case "alt": {
      const infos = n.items.map(analyze);
      let exact: Str[] | null = [];
      for (const i of infos) exact = exact && i.exact ? dedupe([...exact, ...i.exact]) : null;
      if (exact && exact.length > MAX_SET) exact = null;
      let required: Str[] | null = [];
      for (const i of infos) {
        const b = best(i);
        required = required && b ? dedupe([...required, ...b]) : null;
      }
      return { exact, required: required && required.length <= MAX_SET ? required : null };
    }
    case "concat": {
      const candidates: (Str[] | null)[] = [];
      let cur: Str[] = EMPTY;
      let allExact = true;
      for (const item of n.items) {
        const info = analyze(item);
        if (info.exact) {
          const p = product(cur, info.exact);
          if (p) {
            cur = p;
            continue;
          }
          candidates.push(cur);
          cur = info.exact;
        } else {
          candidates.push(cur, best(info));
          cur = EMPTY;
        }
        allExact = false;
      }
      candidates.push(cur);
      return { exact: allExact ? cur : null, required: pick(candidates) };
    }
    case "repeat": {
      const x = analyze(n.item);
      const exact = x.exact && n.max !== Infinity ? powers(x.exact, n.min, n.max) : null;
      if (n.min === 0) return { exact, required: null };
      const atLeast = x.exact ? powers(x.exact, n.min, n.min) : null;
      return { exact, required: pick([atLeast, best(x)]) };
    }
  }
}
