// The engine's automata (dense and compact) against the naive reference matcher, on thousands
// of random signature sets and haystacks: case variants, overlaps, anchors, word boundaries,
// exclusions and non-ASCII bytes. Any disagreement prints the seed, signatures and haystack.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine, compilePack } from "botsift";
import { naiveMatches } from "../dist/compile/naive.js";
import { detectionId } from "../dist/compile/index.js";
import { rng } from "./support/random.js";

// A small alphabet makes overlaps and shared prefixes common; "é" and "\u00ff" add multi-byte UTF-8.
const ALPHABET = ["a", "b", "A", "B", "c", "-", " ", "/", "_", "1", "é", "ÿ"];

function randomWord(r, min, max) {
  const n = min + r.int(max - min + 1);
  let s = "";
  for (let i = 0; i < n; i++) s += r.pick(ALPHABET);
  return s;
}

function randomSignature(r, minBytes = 2) {
  let literal = randomWord(r, 2, 5);
  while (new TextEncoder().encode(literal).length < minBytes) literal += r.pick(ALPHABET);
  const sig = { literal };
  if (r.chance(0.15)) sig.caseSensitive = true;
  if (r.chance(0.15)) sig.anchorStart = true;
  if (r.chance(0.15)) sig.anchorEnd = true;
  if (r.chance(0.25)) sig.wordStart = true;
  if (r.chance(0.25)) sig.wordEnd = true;
  if (r.chance(0.3)) {
    sig.exclude = [];
    for (let k = 1 + r.int(2); k > 0; k--) sig.exclude.push(randomWord(r, 0, 2) + literal + randomWord(r, 1, 2));
  }
  return sig;
}

function randomHaystack(r, sigs) {
  let s = "";
  const parts = r.int(6);
  for (let i = 0; i < parts; i++) {
    if (r.chance(0.5) && sigs.length) {
      const sig = r.pick(sigs);
      let piece = r.chance(0.3) && sig.exclude ? r.pick(sig.exclude) : sig.literal;
      if (r.chance(0.4)) piece = [...piece].map((c) => (r.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join("");
      s += piece;
    } else s += randomWord(r, 0, 4);
  }
  return s;
}

const SETS = 2000;
const HAYSTACKS = 25;

// The dense form runs behind the stride-2 prefilter (with its two-byte-pattern fallback when some
// literal has 2 bytes); the compact form runs unfiltered.
const VARIANTS = [
  { form: "dense", minBytes: 2, strides: [2] },
  { form: "dense", minBytes: 3, strides: [2] },
  { form: "compact", minBytes: 2, strides: [0] },
];

for (const { form, minBytes, strides } of VARIANTS) {
  test(`${form} automaton (literals of ${minBytes}+ bytes) agrees with the naive matcher on ${SETS} random signature sets`, async () => {
    const failures = [];
    const seen = new Set();
    for (let seed = 1; seed <= SETS && failures.length < 5; seed++) {
      const r = rng(seed * 7919 + minBytes * 31 + (form === "dense" ? 0 : 1));
      const sigs = [];
      for (let n = 1 + r.int(12); n > 0; n--) sigs.push(randomSignature(r, minBytes));
      const source = { name: "random", version: String(seed), bots: sigs.map((s, i) => ({ name: `b${i}`, operator: null, category: "other", signatures: [s] })) };
      const engine = await createEngine({ pack: await compilePack([source]), automaton: form });
      assert.is(engine.automaton, form);
      seen.add(engine.prefilterStride);
      for (let h = 0; h < HAYSTACKS; h++) {
        const hay = randomHaystack(r, sigs);
        const expected = sigs.map((s, i) => (naiveMatches(s, hay) ? detectionId(`b${i}`, s) : -1)).filter((x) => x >= 0).sort();
        const got = [...engine.classify(hay).detections].sort();
        if (JSON.stringify(expected) !== JSON.stringify(got)) failures.push({ seed, hay, sigs, expected, got });
      }
    }
    if (failures.length) assert.unreachable(`automaton and naive matcher disagree:\n${failures.map((f) => JSON.stringify(f)).join("\n")}`);
    assert.equal([...seen].sort(), strides, "every prefilter mode was exercised");
  });
}

test("dense and compact forms give identical verdicts on a large pack", async () => {
  const r = rng(42);
  const bots = [];
  for (let i = 0; i < 300; i++) bots.push({ name: `bot${i}`, operator: null, category: "other", signatures: [randomSignature(r)] });
  const pack = await compilePack([{ name: "big", version: "1", bots }]);
  const dense = await createEngine({ pack, automaton: "dense" });
  const compact = await createEngine({ pack, automaton: "compact" });
  for (let i = 0; i < 2000; i++) {
    const hay = randomHaystack(r, bots.map((b) => b.signatures[0]));
    assert.equal(dense.classify(hay), compact.classify(hay), hay);
  }
});

test.run();
