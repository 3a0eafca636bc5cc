// Shared helpers of the regex tests: the table-contract checker, UTF-8 encoding, and the
// fast-check generators of patterns in the shared subset of our dialect and JS (u flag).
import * as assert from "uvu/assert";
import fc from "fast-check";
import { parse } from "../../dist/regex/index.js";
import { rng } from "../support/random.js";

const encoder = new TextEncoder();
export const utf8 = (s) => encoder.encode(s);

/** Asserts every clause of the RegexTables contract (see bindings/regex/compile.ts). */
export function checkContract(t, label = "") {
  const at = (what) => `${label}: ${what}`;
  assert.ok(t.classOf instanceof Uint8Array && t.classOf.length === 256, at("classOf is a Uint8Array(256)"));
  assert.ok(t.classCount >= 1 && t.classCount <= 256, at("classCount in 1..256"));
  for (const c of t.classOf) assert.ok(c < t.classCount, at("class ids below classCount"));
  const used = new Set(t.classOf);
  assert.is(used.size, t.classCount, at("every class has a byte"));
  assert.is(t.start, 0, at("start is 0"));
  assert.ok(t.transitions instanceof Uint32Array && t.transitions.length === t.stateCount * t.classCount, at("transitions size"));
  for (const s of t.transitions) assert.ok(s < t.stateCount, at("transition targets are states"));
  let nowCount = 0;
  for (let s = 0; s < t.stateCount; s++) {
    if (t.acceptNow[s]) {
      nowCount++;
      assert.is(t.acceptAtEnd[s], 1, at("acceptNow implies acceptAtEnd"));
      for (let c = 0; c < t.classCount; c++) assert.is(t.transitions[s * t.classCount + c], s, at("the acceptNow state is absorbing"));
    }
  }
  assert.ok(nowCount <= 1, at("at most one acceptNow state"));
  if (t.dead !== -1) {
    assert.ok(t.dead >= 0 && t.dead < t.stateCount, at("dead is a state"));
    assert.is(t.acceptNow[t.dead] + t.acceptAtEnd[t.dead], 0, at("dead does not accept"));
    for (let c = 0; c < t.classCount; c++) assert.is(t.transitions[t.dead * t.classCount + c], t.dead, at("dead is absorbing"));
  }
}

// Pattern pieces valid, and meaning the same, in our dialect and in JS: Unicode mode against JS
// with the u flag on strings; byte mode against JS without it on "binary" strings (one char per
// byte), with our non-ASCII literals written as their UTF-8 bytes for JS.
const LITERALS = ["a", "b", "c", "A", "B", "0", "1", "_", " ", "-", "é", "€", "😀", "日"];
const ESCAPED = ["\\.", "\\*", "\\+", "\\?", "\\(", "\\)", "\\[", "\\]", "\\{", "\\}", "\\|", "\\^", "\\$", "\\\\", "\\/"];
const ESCAPES = ["\\n", "\\t", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\x61", "\\x41", "\\u00e9", "\\x2e"];
const CLASS_ITEMS = ["a", "b", "B", "z", "0", "_", "a-c", "0-9", "A-Z", "x-z", " ",
  "\\d", "\\w", "\\s", "\\W", "\\D", "\\S", "\\-", "\\]", "\\[", "\\\\", "\\n", "\\.", "."];
const ASSERTIONS = ["^", "$", "\\b", "\\B"];
const UNICODE_CLASS_ITEMS = ["é", "€", "😀", "à-ÿ", "😀-😂"];
const BYTE_ITEMS = ["\\xC3", "\\xA9", "\\xE9", "\\xFF", "\\x80-\\xBF"];

function patternArbOf(escapes, classItems) {
  return fc.letrec((tie) => ({
    atom: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...LITERALS) },
      { weight: 2, arbitrary: fc.constantFrom(...ESCAPED) },
      { weight: 2, arbitrary: fc.constantFrom(...escapes) },
      { weight: 2, arbitrary: fc.constant(".") },
      { weight: 2, arbitrary: fc.tuple(fc.boolean(), fc.array(fc.constantFrom(...classItems), { minLength: 1, maxLength: 3 })).map(([neg, items]) => `[${neg ? "^" : ""}${items.join("")}]`) },
      { weight: 2, arbitrary: tie("group") },
    ),
    group: fc.tuple(fc.constantFrom("(", "(?:"), tie("alt")).map(([open, inner]) => `${open}${inner})`),
    quantified: fc.tuple(tie("atom"), fc.constantFrom("", "", "", "*", "+", "?", "{2}", "{0,2}", "{1,}", "{1,3}"), fc.boolean())
      .map(([a, q, lazy]) => (q && lazy ? `${a}${q}?` : `${a}${q}`)),
    piece: fc.oneof({ weight: 8, arbitrary: tie("quantified") }, { weight: 1, arbitrary: fc.constantFrom(...ASSERTIONS) }),
    concat: fc.array(tie("piece"), { minLength: 0, maxLength: 4 }).map((xs) => xs.join("")),
    alt: fc.array(tie("concat"), { minLength: 1, maxLength: 3 }).map((xs) => xs.join("|")),
  }), { depthSize: "small", withCrossShrink: true }).alt;
}

/** Flags shared by both dialects: ours as an inline group, JS's as RegExp flags. */
export const flagsArb = fc.subarray(["i", "s", "m"]);

// Input characters: what the patterns use, plus newline; nothing whose meaning differs between
// the dialects (\r, U+2028/9, non-ASCII spaces, ſ, K, upper-case non-ASCII letters).
const INPUT_CHARS = ["a", "b", "c", "A", "B", "C", "0", "1", "9", "_", " ", "-", ".", "\n", "\t", "é", "€", "😀", "😁", "日", "x", "z", "Z", "*", "(", "[", "\\", "/", "ÿ"];
const CANDIDATES = [...new Set([...INPUT_CHARS, ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))])];
// Bytes for byte mode: the UTF-8 of the characters above and a few more, none of them a Latin-1
// letter whose other case is also here (JS folds those under i), nor \r or \xA0 (JS \s).
const BYTES = [...new Set([...CANDIDATES.flatMap((c) => [...utf8(c)]), 0x80, 0xbf, 0xff, 0xe9, 0xfe])];

/** The JS (no u flag) form of a byte-mode pattern: non-ASCII literals become their UTF-8 bytes. */
function jsOfBytePattern(pattern) {
  let out = "";
  for (const ch of pattern) {
    out += ch.codePointAt(0) < 0x80 ? ch : `(?:${[...utf8(ch)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("")})`;
  }
  return out;
}

/** A byte string built by walking our syntax tree with random choices; usually a match. */
function sampleMatch(node, r, out) {
  const has = (set, x) => { for (let i = 0; i < set.length; i += 2) if (x >= set[i] && x <= set[i + 1]) return true; return false; };
  switch (node.type) {
    case "class": {
      if (node.bytes) {
        const fits = BYTES.filter((b) => has(node.set, b));
        out.push(fits.length ? r.pick(fits) : 0x78);
      } else {
        const fits = CANDIDATES.filter((ch) => has(node.set, ch.codePointAt(0)));
        out.push(...utf8(fits.length ? r.pick(fits) : "x"));
      }
      return;
    }
    case "group": return sampleMatch(node.item, r, out);
    case "concat": for (const item of node.items) sampleMatch(item, r, out); return;
    case "alt": return sampleMatch(r.pick(node.items), r, out);
    case "repeat": {
      const n = node.min + r.int(Math.min(node.max, node.min + 1) - node.min + 1);
      for (let k = 0; k < n; k++) sampleMatch(node.item, r, out);
      return;
    }
    default: return;
  }
}

const charInputArb = fc.array(fc.constantFrom(...INPUT_CHARS), { maxLength: 12 }).map((xs) => utf8(xs.join("")));
const byteInputArb = fc.array(fc.oneof(fc.constantFrom(...INPUT_CHARS).map((c) => [...utf8(c)]), fc.constantFrom(...BYTES).map((b) => [b])), { maxLength: 12 })
  .map((xs) => Uint8Array.from(xs.flat()));
const latin1 = (bytes) => String.fromCharCode(...bytes);
const decoder = new TextDecoder();

/**
 * The two modes under test. Each has: `options` for compileRegex, `patternArb` (our syntax),
 * `js(pattern, flags)` the oracle RegExp, `jsInput(bytes)` the string it tests, and
 * `inputArb(pattern)` byte inputs: random ones, ones built to match, and both around each other.
 */
export const MODES = {
  unicode: {
    options: { unicode: true },
    patternArb: patternArbOf(ESCAPES, [...CLASS_ITEMS, ...UNICODE_CLASS_ITEMS]),
    js: (pattern, flags) => new RegExp(pattern, "u" + flags.join("")),
    jsInput: (bytes) => decoder.decode(bytes),
    randomArb: charInputArb,
  },
  bytes: {
    options: {},
    patternArb: patternArbOf([...ESCAPES, "\\xC3", "\\xA9", "\\xFF"], [...CLASS_ITEMS, ...BYTE_ITEMS]),
    js: (pattern, flags) => new RegExp(jsOfBytePattern(pattern), flags.join("")),
    jsInput: latin1,
    randomArb: byteInputArb,
  },
};

export function inputArb(mode, ours) {
  const m = MODES[mode];
  const ast = parse(ours, m.options);
  const matching = fc.integer().map((seed) => {
    const out = [];
    sampleMatch(ast, rng(seed), out);
    return Uint8Array.from(out);
  });
  const clip = (bytes) => (mode === "bytes" ? bytes.slice(0, MAX_INPUT) : utf8([...decoder.decode(bytes)].slice(0, MAX_INPUT / 2).join("")));
  return fc.oneof(m.randomArb, matching, fc.tuple(m.randomArb, matching, m.randomArb).map((xs) => Uint8Array.from(xs.flatMap((x) => [...x]))))
    .map((bytes) => (bytes.length > MAX_INPUT ? clip(bytes) : bytes));
}

// JS backtracks: nested repetitions take exponential time on long inputs, so inputs stay short.
const MAX_INPUT = 20;
