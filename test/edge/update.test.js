// Live pack updates against a real local HTTP server: a good pack swaps in; corrupt, unsigned,
// wrongly signed and older packs are refused; a hanging server and a 500 change nothing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer } from "node:http";
import { createEngine, compilePack } from "botsift";
import { createPackUpdater, generateSigningKey, signPack, readSignedPack, verifySignedPack, publicKeyOf, keyIdOf } from "botsift/update";

const botPack = (name, version) => compilePack([{
  name: `edge-${name.toLowerCase()}`, version,
  bots: [{ name, operator: "Edge Test", category: "ai_crawler", robotsToken: name, signatures: [{ literal: name }] }],
}]);

async function rejects(fn, pattern) {
  try {
    await fn();
  } catch (e) {
    return assert.match(String(e.message), pattern);
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

let server, base, key, otherKey, packA, packB;
// What the server answers next: { status, body, etag } or "hang".
let answer = { status: 404, body: "" };
const seen = [];
const held = [];

test.before(async () => {
  [key, otherKey, packA, packB] = await Promise.all([generateSigningKey(), generateSigningKey(), botPack("EdgeBotA", "1"), botPack("EdgeBotB", "2")]);
  server = createServer((req, res) => {
    seen.push({ url: req.url, ifNoneMatch: req.headers["if-none-match"] ?? null });
    if (answer === "hang") return held.push(res); // never answers
    if (answer.etag && req.headers["if-none-match"] === answer.etag) return res.writeHead(304).end();
    res.writeHead(answer.status, answer.etag ? { etag: answer.etag } : {});
    res.end(answer.body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});

test.after(() => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  server.close();
});

test("signing: round trip, key id, public key from the private key, envelope fields", async () => {
  const signed = await signPack(packA, key.privateKey, 42);
  const env = readSignedPack(signed);
  assert.is(env.sequence, 42);
  assert.is(env.keyId, key.keyId);
  assert.is(env.keyId, await keyIdOf(key.publicKey));
  assert.is(await publicKeyOf(key.privateKey), key.publicKey);
  assert.equal([...env.pack], [...packA]);
  const verified = await verifySignedPack(signed, [otherKey.publicKey, key.publicKey]);
  assert.is(verified.sequence, 42);
  await rejects(() => verifySignedPack(signed, [otherKey.publicKey]), /not among the trusted/);
  const tampered = signed.slice();
  tampered[8] ^= 1; // the sequence is signed too
  await rejects(() => verifySignedPack(tampered, [key.publicKey]), /does not verify/);
  await rejects(() => signPack(packA, key.privateKey, 2 ** 53), /sequence/);
  assert.throws(() => readSignedPack(signed.subarray(0, signed.length - 1)), /truncated/);
});

async function setup(extra = {}) {
  const engine = await createEngine();
  const results = [];
  const updater = createPackUpdater({ engine, url: `${base}/current.bspk`, publicKey: key.publicKey, timeout: 0.5, onUpdate: (r) => results.push(r), ...extra });
  return { engine, updater, results };
}

const isBot = (engine, ua) => engine.classify(ua).bot?.name === ua;

test("updater: good pack swaps in, then ETag makes it a 304", async () => {
  const { engine, updater, results } = await setup();
  answer = { status: 200, body: await signPack(packA, key.privateKey, 5), etag: '"a5"' };
  const r = await updater.check();
  assert.is(r.status, "updated", r.reason);
  assert.is(r.sequence, 5);
  assert.is(engine.packInfo.name, "edge-edgebota");
  assert.ok(isBot(engine, "EdgeBotA"));
  seen.length = 0;
  const again = await updater.check();
  assert.is(again.status, "unchanged");
  assert.is(seen[0].ifNoneMatch, '"a5"', "second request carries If-None-Match");
  assert.equal(results.map((x) => x.status), ["updated", "unchanged"]);
});

test("updater: every bad answer is refused or failed and the old pack keeps serving", async () => {
  const { engine, updater } = await setup();
  answer = { status: 200, body: await signPack(packA, key.privateKey, 5) };
  assert.is((await updater.check()).status, "updated");

  const good = await signPack(packB, key.privateKey, 6);
  const flipped = good.slice();
  flipped[good.length - 9] ^= 0xff; // inside the pack: the signature no longer matches
  const corruptPack = packB.slice();
  corruptPack[corruptPack.length - 5] ^= 0xff; // signed after corruption: the engine's checksum catches it
  const cases = [
    ["corrupt (bytes changed after signing)", { status: 200, body: flipped }, "refused", /does not verify/],
    ["corrupt pack, validly signed", { status: 200, body: await signPack(corruptPack, key.privateKey, 6) }, "refused", /checksum|rejected/],
    ["truncated", { status: 200, body: good.subarray(0, 500) }, "refused", /truncated/],
    ["unsigned", { status: 200, body: packB }, "refused", /not a signed pack/],
    ["signed with an untrusted key", { status: 200, body: await signPack(packB, otherKey.privateKey, 6) }, "refused", /not among the trusted/],
    ["older sequence", { status: 200, body: await signPack(packB, key.privateKey, 4) }, "refused", /older/],
    ["HTTP 500", { status: 500, body: "boom" }, "failed", /HTTP 500/],
    ["hanging server", "hang", "failed", /timed out/],
  ];
  for (const [label, a, status, reason] of cases) {
    answer = a;
    const started = Date.now();
    const r = await updater.check();
    assert.is(r.status, status, `${label}: ${r.reason}`);
    assert.match(r.reason, reason, label);
    assert.is(r.sequence, 5, `${label}: sequence unchanged`);
    assert.is(engine.packInfo.name, "edge-edgebota", `${label}: old pack serves`);
    assert.ok(isBot(engine, "EdgeBotA") && !isBot(engine, "EdgeBotB"), `${label}: old pack classifies`);
    assert.ok(Date.now() - started < 3000, `${label}: bounded`);
  }
  answer = { status: 200, body: good };
  const r = await updater.check();
  assert.is(r.status, "updated", "a good newer pack still swaps in afterwards");
  assert.ok(isBot(engine, "EdgeBotB"));
});

test("updater: checkIfDue honours the interval; concurrent checks share one request", async () => {
  const { updater } = await setup({ interval: 3600 });
  answer = { status: 200, body: await signPack(packA, key.privateKey, 9), etag: '"x"' };
  seen.length = 0;
  const first = updater.checkIfDue();
  assert.ok(first, "due at start");
  assert.is(updater.checkIfDue(), null, "not again while in flight");
  const [a, b] = await Promise.all([first, updater.check()]);
  assert.is(a, b);
  assert.is(seen.length, 1);
  assert.is(updater.checkIfDue(), null, "not due before the interval");
});

test("updater: KV and R2 sources (the binding APIs' shapes); options are checked", async () => {
  const engine = await createEngine();
  const signed = await signPack(packA, key.privateKey, 3);
  const store = new Map([["current", signed.slice().buffer]]);
  const kv = { get: async (k, o) => (assert.equal(o, { type: "arrayBuffer" }), store.get(k) ?? null) };
  const viaKv = createPackUpdater({ engine, kv, key: "current", publicKey: key.publicKey });
  assert.is((await viaKv.check()).status, "updated");
  assert.is((await viaKv.check()).status, "unchanged", "same sequence again");
  const missing = await createPackUpdater({ engine, kv, key: "nope", publicKey: key.publicKey }).check();
  assert.is(missing.status, "failed");

  const r2 = { get: async (k, o) => (o?.onlyIf?.etagDoesNotMatch === '"r1"' ? { httpEtag: '"r1"' } : { httpEtag: '"r1"', arrayBuffer: async () => (await signPack(packB, key.privateKey, 4)).buffer }) };
  const viaR2 = createPackUpdater({ engine, r2, key: "current", publicKey: key.publicKey, currentSequence: 3 });
  assert.is((await viaR2.check()).status, "updated");
  assert.is((await viaR2.check()).status, "unchanged", "etag precondition: no body");

  assert.throws(() => createPackUpdater({ engine, publicKey: key.publicKey }), /exactly one of url, kv or r2/);
  assert.throws(() => createPackUpdater({ engine, kv, publicKey: key.publicKey }), /need a key/);
  assert.throws(() => createPackUpdater({ engine, url: base, publicKey: key.publicKey, interval: 0 }), /interval/);
});

test.run();
