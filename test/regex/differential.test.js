// Property tests of the regex compiler, in byte mode and in Unicode mode: random patterns of the
// subset shared with JS RegExp agree with it on random inputs; minimised and raw tables agree;
// minimised tables are minimal and keep their contract; required literals are sound.
// JS RegExp is the oracle here, and only here.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { compileRegex, compileTables, parse, regexMatches, RegexError } from "../../dist/regex/index.js";
import { MODES, checkContract, flagsArb, inputArb } from "./support.js";

const RUNS = Number(process.env.REGEX_RUNS ?? 300);
// A fixed seed: an unseeded run now and then drew a pattern whose subset construction took minutes
// and timed the file out. FC_SEED=n explores others.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261129) });
const LIMITS = { maxStates: 20000 };
const ours = (flags, pattern) => (flags.length ? `(?${flags.join("")})` : "") + pattern;
const show = (bytes) => JSON.stringify(String.fromCharCode(...bytes));

/** Compiles, or returns null when the pattern exceeds the (generous) budget. */
function compiled(mode, pattern) {
  try {
    return compileRegex(pattern, { ...LIMITS, ...MODES[mode].options });
  } catch (e) {
    if (e instanceof RegexError && /maxStates|maxNfaStates/.test(e.message)) return null;
    throw e;
  }
}

/** A case: pattern, flags and a few byte inputs for it. */
const caseArb = (mode) => fc.tuple(MODES[mode].patternArb, flagsArb).chain(([pattern, flags]) =>
  fc.record({ pattern: fc.constant(pattern), flags: fc.constant(flags), inputs: fc.array(inputArb(mode, ours(flags, pattern)), { minLength: 1, maxLength: 8 }) }));

for (const mode of Object.keys(MODES)) {
  const { js, jsInput } = MODES[mode];

  test(`${mode} mode: random patterns agree with JS RegExp on random inputs`, () => {
    let compiledCount = 0, matches = 0, total = 0;
    fc.assert(fc.property(caseArb(mode), ({ pattern, flags, inputs }) => {
      const c = compiled(mode, ours(flags, pattern));
      if (c === null) return true;
      compiledCount++;
      const re = js(pattern, flags);
      for (const bytes of inputs) {
        const want = re.test(jsInput(bytes));
        const got = regexMatches(c.tables, bytes);
        total++;
        if (want) matches++;
        if (got !== want) throw new Error(`${re} (ours: ${ours(flags, pattern)}) on ${show(bytes)}: JS says ${want}, botsift ${got}`);
      }
      return true;
    }), { numRuns: RUNS * 3 });
    assert.ok(compiledCount > RUNS, `only ${compiledCount} patterns compiled`);
    assert.ok(matches > total / 10 && matches < total * 0.9, `inputs should both match and miss (${matches}/${total})`);
  });

  test(`${mode} mode: minimised tables agree with the raw subset construction and keep the contract`, () => {
    fc.assert(fc.property(caseArb(mode), ({ pattern, flags, inputs }) => {
      const p = ours(flags, pattern);
      const c = compiled(mode, p);
      if (c === null) return true;
      checkContract(c.tables, p);
      const raw = compileTables(parse(p, MODES[mode].options), p, LIMITS, { minimize: false });
      checkContract(raw, p);
      assert.ok(c.tables.stateCount <= raw.stateCount, "minimisation never adds states");
      for (const bytes of inputs) assert.is(regexMatches(c.tables, bytes), regexMatches(raw, bytes), `${p} on ${show(bytes)}`);
    }), { numRuns: RUNS });
  });

  test(`${mode} mode: minimised tables are minimal (no two states equivalent, no two classes alike)`, () => {
    fc.assert(fc.property(MODES[mode].patternArb, flagsArb, (pattern, flags) => {
      const c = compiled(mode, ours(flags, pattern));
      if (c === null || c.tables.stateCount > 300) return true;
      const t = c.tables;
      assert.is(mooreBlocks(t), t.stateCount, `${ours(flags, pattern)} has equivalent states`);
      const column = (k) => Array.from({ length: t.stateCount }, (_, s) => t.transitions[s * t.classCount + k]).join(",");
      assert.is(new Set(Array.from({ length: t.classCount }, (_, k) => column(k))).size, t.classCount, "classes are distinct");
    }), { numRuns: RUNS });
  });

  test(`${mode} mode: required literals are sound (every match contains one of them)`, () => {
    let withLiterals = 0, checked = 0;
    fc.assert(fc.property(caseArb(mode), ({ pattern, flags, inputs }) => {
      const c = compiled(mode, ours(flags, pattern));
      if (c === null || c.literals === null) return true;
      withLiterals++;
      for (const l of c.literals) if (l.caseInsensitive) assert.ok(l.bytes.every((b) => b < 0x41 || b > 0x5a), "folded literals are lower-case");
      for (const bytes of inputs) {
        if (!regexMatches(c.tables, bytes)) continue;
        checked++;
        if (!c.literals.some((l) => occurs(l, bytes))) {
          throw new Error(`${ours(flags, pattern)} matches ${show(bytes)} but none of its literals occurs: ${c.literals.map((l) => show(l.bytes)).join(", ")}`);
        }
      }
      return true;
    }), { numRuns: RUNS * 2 });
    assert.ok(withLiterals > 10 && checked > 10, `too few cases exercised the literals (${withLiterals} patterns, ${checked} matches)`);
  });
}

/** Number of classes of equivalent states (Moore's refinement), i.e. the minimal DFA's size. */
function mooreBlocks(t) {
  let block = Array.from({ length: t.stateCount }, (_, s) => t.acceptNow[s] * 2 + t.acceptAtEnd[s]);
  for (;;) {
    const ids = new Map();
    const next = block.map((b, s) => {
      const key = [b, ...Array.from({ length: t.classCount }, (_, c) => block[t.transitions[s * t.classCount + c]])].join(",");
      if (!ids.has(key)) ids.set(key, ids.size);
      return ids.get(key);
    });
    if (ids.size === new Set(block).size) return ids.size;
    block = next;
  }
}

/** True when `literal` occurs in `bytes` (up to ASCII case when caseInsensitive). */
function occurs(literal, bytes) {
  const fold = (b) => (literal.caseInsensitive && b >= 0x41 && b <= 0x5a ? b + 32 : b);
  const l = literal.bytes;
  outer: for (let i = 0; i + l.length <= bytes.length; i++) {
    for (let j = 0; j < l.length; j++) if (fold(bytes[i + j]) !== l[j]) continue outer;
    return true;
  }
  return false;
}

test("literal-heavy patterns: literals found and sound", () => {
  const wordArb = fc.array(fc.constantFrom("a", "b", "o", "t", "X", "."), { minLength: 2, maxLength: 5 }).map((xs) => xs.join(""));
  const litPattern = fc.tuple(fc.array(wordArb, { minLength: 1, maxLength: 4 }), fc.constantFrom("", ".*", "\\d+", "[a-z]?"), fc.boolean())
    .map(([words, glue, ci]) => `${ci ? "(?i)" : ""}(?:${words.map((w) => w.replaceAll(".", "\\.")).join("|")})${glue}x`);
  fc.assert(fc.property(litPattern, fc.array(fc.constantFrom("a", "b", "o", "t", "X", "x", "1", ".", "B", "O", "T"), { maxLength: 14 }), (p, chars) => {
    const c = compileRegex(p);
    assert.ok(c.literals !== null, `${p} has literals`);
    const bytes = new TextEncoder().encode(chars.join(""));
    if (regexMatches(c.tables, bytes)) assert.ok(c.literals.some((l) => occurs(l, bytes)), `${p} on ${chars.join("")}`);
  }), { numRuns: RUNS * 2 });
});

test.run();
