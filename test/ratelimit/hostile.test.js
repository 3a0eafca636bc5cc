// Hostile RATE_LIMITS sections behind a valid checksum: every word of the section's header,
// parameter and characteristic tables set to edge values, and random bytes flipped anywhere in it
// (the embedded rules too). The engine must refuse the pack (STATUS_BAD_RATE_LIMITS) or load it
// and then classify with rate limits on without a single trap. Drives the Wasm exports directly.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { compilePack, createEngine, PackLoadError } from "botsift";
import { withRateLimits } from "../../dist/ratelimit/compile.js";
import { normalizeRateLimits } from "../../dist/ratelimit/config.js";
import { fnv1a } from "../../dist/compile/encode.js";
import { normalizeRequest } from "../../dist/request.js";
import { recordBound, writeRecord } from "../../dist/record.js";
import * as F from "../../dist/format.js";
import { rng } from "../support/random.js";
import { T0, rule, login } from "./lib.js";

const module = await WebAssembly.compile(readFileSync(new URL("../../build/botsift.wasm", import.meta.url)));
const base = await compilePack([{ name: "hostile", version: "1", bots: [{ name: "AnyBot", operator: null, category: "other", signatures: [{ literal: "anybot" }] }] }]);
const limits = normalizeRateLimits([
  rule({ requestsPerPeriod: 2 }),
  rule({ id: "api", expression: 'starts_with(http.request.uri.path, "/")', countingExpression: 'http.request.method eq "POST"', characteristics: ['http.request.headers["x-key"]', 'http.request.cookies["s"]', 'http.request.uri.args["u"]', "http.host"], requestsPerPeriod: 3, mitigationTimeout: 5, action: "log" }),
]);
const pack = withRateLimits(base, limits, {});
const view = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Offset and length of the RATE_LIMITS section. */
function section(p) {
  const v = view(p);
  for (let i = 0; i < v.getUint32(F.HEADER_SECTION_COUNT, true); i++) {
    const e = F.HEADER_SIZE + i * F.SECTION_ENTRY_SIZE;
    if (v.getUint32(e, true) === F.SECTION_RATE_LIMITS) return { at: v.getUint32(e + 4, true), length: v.getUint32(e + 8, true) };
  }
  throw new Error("no RATE_LIMITS section");
}
const withChecksum = (b) => (view(b).setUint32(F.HEADER_CHECKSUM, fnv1a(b, F.CHECKSUM_FROM), true), b);

const REQUESTS = [
  login(), login("2001:db8::1", { headers: [["x-key", "a"], ["cookie", "s=1; t=2"]], url: "/x?u=7" }), { userAgent: "anybot" },
  login("192.0.2.1", { method: "GET", headers: [["cookie", ";;=;s"], ["x-key", ""]], url: "/?u&u=" }),
];

/** Loads `bytes` in a fresh instance; when accepted, configures rate limits and classifies every request 3 times. */
async function exercise(bytes, external) {
  const { exports: x } = await WebAssembly.instantiate(module, {});
  new Uint8Array(x.memory.buffer, x.allocPack(bytes.length), bytes.length).set(bytes);
  const status = x.loadPack(F.AUTOMATON_AUTO);
  if (status !== F.STATUS_OK) return status;
  const configured = x.configureRateLimits(8, 1, 2, external ? 1 : 0);
  if (configured !== F.STATUS_OK) return -configured;
  x.setRateLimitClock(T0);
  for (let round = 0; round < 3; round++) {
    for (const r of REQUESTS) {
      const req = normalizeRequest(r);
      const need = 4 + recordBound(req, 8192);
      const input = x.reserveInput(need);
      x.reserveVerdicts(1);
      const u8 = new Uint8Array(x.memory.buffer, input, need);
      view(u8).setUint32(0, 4, true);
      writeRecord(u8, view(u8), 4, req, 8192);
      assert.is(x.classifyRecords(1), F.STATUS_OK);
    }
  }
  return status;
}

test("the section as compiled loads and runs, in both store modes", async () => {
  assert.is(await exercise(pack, false), F.STATUS_OK);
  assert.is(await exercise(pack, true), F.STATUS_OK);
});

test("every table word at edge values: refused or harmless, never a trap", async () => {
  const { at } = section(pack);
  const v = view(pack);
  const n = v.getUint32(at, true), m = v.getUint32(at + 4, true);
  const words = 4 + n * 8 + m * 3;
  const outcomes = { accepted: 0, refused: 0 };
  for (let w = 0; w < words; w++) {
    const original = v.getUint32(at + 4 * w, true);
    for (const value of [0, 1, 2, 3, 7, 8, 11, 64, 1024, 86400, 86401, 1_000_001, 0x7fffffff, 0xfffffffe, 0xffffffff, original + 1, original - 1]) {
      if ((value >>> 0) === original) continue;
      const bad = pack.slice();
      view(bad).setUint32(at + 4 * w, value >>> 0, true);
      let status;
      try {
        status = await exercise(withChecksum(bad), w % 2 === 0);
      } catch (e) {
        assert.unreachable(`word ${w} = ${value}: ${e.message}`);
      }
      assert.ok(status === F.STATUS_OK || status === F.STATUS_BAD_RATE_LIMITS, `word ${w} = ${value}: status ${status}`);
      outcomes[status === F.STATUS_OK ? "accepted" : "refused"]++;
    }
  }
  assert.ok(outcomes.refused > words * 8, JSON.stringify(outcomes));
});

test("random bytes flipped anywhere in the section: refused or harmless, never a trap", async () => {
  const { at, length } = section(pack);
  const random = rng(0x5eed);
  for (let i = 0; i < 400; i++) {
    const bad = pack.slice();
    for (let k = 0, flips = 1 + random.int(4); k < flips; k++) bad[at + random.int(length)] ^= 1 + random.int(255);
    let status;
    try {
      status = await exercise(withChecksum(bad), i % 3 === 0);
    } catch (e) {
      assert.unreachable(`flip set ${i}: ${e.message}`);
    }
    assert.ok(status === F.STATUS_OK || status === F.STATUS_BAD_RATE_LIMITS || status === -F.STATUS_BAD_RATE_LIMITS, `flip set ${i}: status ${status}`);
  }
});

test("configuration is checked too: table sizes that are not a power of two from 8 to 2^22, a second call", async () => {
  for (const entries of [0, 4, 12, 1000, (1 << 22) + 8, 1 << 23, 0xffffffff]) {
    const { exports: x } = await WebAssembly.instantiate(module, {});
    new Uint8Array(x.memory.buffer, x.allocPack(pack.length), pack.length).set(pack);
    assert.is(x.loadPack(0), F.STATUS_OK);
    assert.is(x.configureRateLimits(entries, 0, 0, 0), F.STATUS_BAD_RATE_LIMITS, String(entries));
  }
  const { exports: x } = await WebAssembly.instantiate(module, {});
  new Uint8Array(x.memory.buffer, x.allocPack(pack.length), pack.length).set(pack);
  x.loadPack(0);
  assert.is(x.configureRateLimits(8, 0, 0, 0), F.STATUS_OK);
  assert.is(x.configureRateLimits(8, 0, 0, 0), F.STATUS_BAD_RATE_LIMITS, "configured once, for life");
});

test("through the API: a pack with a bad section is a PackLoadError; a good one without options runs no rate limit", async () => {
  const { at } = section(pack);
  const bad = pack.slice();
  view(bad).setUint32(at, 0, true);
  try {
    await createEngine({ pack: withChecksum(bad) });
    assert.unreachable("accepted");
  } catch (e) {
    assert.instance(e, PackLoadError);
    assert.is(e.message, `pack rejected: invalid rate-limit section (status ${F.STATUS_BAD_RATE_LIMITS})`);
  }
  const engine = await createEngine({ pack });
  for (let i = 0; i < 5; i++) assert.is(engine.classify(login()).action, null, "no table configured: the section is inert");
});

test.run();
