// Corrupt packs are rejected whole with a typed error and the engine keeps serving the pack it
// had: truncation, flipped bytes, wrong magic or version, offsets out of range, and random
// structural damage behind a valid checksum (which the engine must catch by itself).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEngine, compilePack, PackLoadError } from "botsift";
import { fnv1a } from "../dist/compile/encode.js";
import * as F from "../dist/format.js";
import { rng } from "./support/random.js";

const GOOD_UA = "Mozilla/5.0 (compatible; GoodBot/1.0)";
const source = {
  name: "corrupt-base", version: "1",
  bots: [
    { name: "GoodBot", operator: "Good", category: "other", signatures: [{ literal: "goodbot", wordStart: true }] },
    { name: "Other", operator: null, category: "seo", signatures: [{ literal: "spider", exclude: ["spiderman"] }, { literal: "Crawl", caseSensitive: true, anchorEnd: true }] },
  ],
};
const pack = await compilePack([source]);

function withChecksum(bytes) {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(F.HEADER_CHECKSUM, fnv1a(bytes, F.CHECKSUM_FROM), true);
  return bytes;
}

async function expectRejected(engine, bad, status) {
  try {
    await engine.swap(bad);
  } catch (e) {
    assert.instance(e, PackLoadError);
    if (status !== undefined) assert.is(e.status, status, e.message);
    assert.is(engine.classify(GOOD_UA).bot?.name, "GoodBot", "the old pack keeps serving");
    return;
  }
  assert.unreachable("a corrupt pack was accepted");
}

test("truncated packs are rejected", async () => {
  const engine = await createEngine({ pack });
  for (const len of [0, 3, F.HEADER_SIZE - 1, F.HEADER_SIZE, 64, pack.length >> 1, pack.length - 1]) {
    await expectRejected(engine, pack.slice(0, len));
  }
});

test("any flipped byte is caught", async () => {
  const engine = await createEngine({ pack });
  for (let i = 0; i < pack.length; i += 1 + (i >> 6)) {
    const bad = pack.slice();
    bad[i] ^= 0x5a;
    await expectRejected(engine, bad);
  }
});

test("wrong magic and wrong version have their own status", async () => {
  const engine = await createEngine({ pack });
  const magic = pack.slice(); magic[0] ^= 1;
  await expectRejected(engine, magic, F.STATUS_BAD_MAGIC);
  const version = pack.slice(); version[F.HEADER_VERSION] += 1;
  await expectRejected(engine, version, F.STATUS_BAD_VERSION);
});

test("offsets and counts out of range are rejected even with a valid checksum", async () => {
  const engine = await createEngine({ pack });
  const view = (b) => new DataView(b.buffer, b.byteOffset);
  const sections = view(pack).getUint32(F.HEADER_SECTION_COUNT, true);
  for (let s = 0; s < sections; s++) {
    const entry = F.HEADER_SIZE + s * F.SECTION_ENTRY_SIZE;
    for (const [field, value] of [[4, pack.length + 8], [8, pack.length], [4, 2], [0, 99]]) {
      const bad = pack.slice();
      view(bad).setUint32(entry + field, value, true);
      await expectRejected(engine, withChecksum(bad));
    }
    // Inflate the section's first count word (state, pattern, check or signature count).
    const offset = view(pack).getUint32(entry + 4, true);
    const bad = pack.slice();
    view(bad).setUint32(offset, 0x7fffffff, true);
    const id = view(pack).getUint32(entry, true);
    if (id !== F.SECTION_STRINGS && id !== F.SECTION_META) await expectRejected(engine, withChecksum(bad));
  }
});

test("random structural damage behind a valid checksum never traps the engine", async () => {
  const engine = await createEngine({ pack });
  const r = rng(2024);
  let accepted = 0, rejected = 0;
  for (let round = 0; round < 1500; round++) {
    const bad = pack.slice();
    for (let k = 1 + r.int(4); k > 0; k--) bad[F.HEADER_SIZE + r.int(pack.length - F.HEADER_SIZE)] = r.int(256);
    withChecksum(bad);
    let fresh;
    try {
      fresh = await createEngine({ pack: bad });
    } catch (e) {
      assert.instance(e, PackLoadError, String(e));
      rejected++;
      continue;
    }
    accepted++;
    // A pack that passes validation may classify nonsense, but must never trap.
    for (const ua of [GOOD_UA, "spiderman crawl Crawl", "", "x".repeat(500), "\u00ff\u0000goodbot"]) fresh.classify(ua);
  }
  assert.ok(rejected > 0, "some damage must be detected");
  assert.is(engine.classify(GOOD_UA).bot?.name, "GoodBot");
  assert.ok(accepted + rejected === 1500);
});

test("a header count whose name hash does not match its name is rejected", async () => {
  const engine = await createEngine({ pack });
  const heuristics = [{ id: "h", detectionId: 90001, description: "A request that carries an x-a header.", score: 50, expression: 'len(http.request.headers["x-a"]) gt 0' }];
  const good = await compilePack([source, { name: "h", version: "1", bots: [], heuristics }]);
  const hash = fnv1a(new TextEncoder().encode("x-a"));
  const words = new Uint32Array(good.buffer.slice(good.byteOffset, good.byteOffset + (good.length & ~3)));
  const at = words.findIndex((w, i) => w === F.OP_HEADER_COUNT && words[i + 2] === 3 && words[i + 3] === hash);
  assert.ok(at > 0, "the instruction is in the pack");
  const bad = good.slice();
  new DataView(bad.buffer).setUint32((at + 3) * 4, hash ^ 1, true);
  await expectRejected(engine, withChecksum(bad), F.STATUS_BAD_RULES);
  await engine.swap(good);
});

test("a pack that is not a Uint8Array is refused", async () => {
  const engine = await createEngine({ pack });
  await expectRejected(engine, "not a pack");
});

test.run();
