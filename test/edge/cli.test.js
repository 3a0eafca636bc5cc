// `botsift pack keygen|build|sign|info` and `botsift robots`, run as a user would.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine } from "botsift";
import { verifySignedPack } from "botsift/update";
import { root } from "./lib/servers.mjs";

const dir = mkdtempSync(join(tmpdir(), "botsift-edge-cli-"));
const cli = (...args) => {
  const r = spawnSync(process.execPath, [join(root, "dist/cli/main.js"), ...args], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("keygen, build, sign, info: a signed pack the updater accepts", async () => {
  const k = cli("pack", "keygen", "-o", "site");
  assert.is(k.code, 0, k.err);
  assert.is(statSync(join(dir, "site.key")).mode & 0o777, 0o600, "the private key is private");
  const publicKey = readFileSync(join(dir, "site.pub"), "utf8").trim();
  assert.ok(k.out.includes(publicKey));
  assert.is(cli("pack", "keygen", "-o", "site").code, 1, "never overwrites a key");

  writeFileSync(join(dir, "mine.json"), JSON.stringify({ name: "mine", version: "7", bots: [{ name: "MyScraper", operator: "Me", category: "other", signatures: [{ literal: "MyScraper" }] }] }));
  const b = cli("pack", "build", "mine.json", "-o", "all.pack");
  assert.is(b.code, 0, b.err);
  const engine = await createEngine({ pack: new Uint8Array(readFileSync(join(dir, "all.pack"))) });
  assert.ok(engine.packInfo.sources.some((s) => s.name === "ai-bots"), "built-in sources included by default");
  assert.is(engine.classify("MyScraper/1").bot?.name, "MyScraper");
  assert.is(cli("pack", "build", "--no-builtin", "mine.json", "-o", "mine.pack").code, 0);
  assert.is((await createEngine({ pack: new Uint8Array(readFileSync(join(dir, "mine.pack"))) })).packInfo.bots, 1);

  const s = cli("pack", "sign", "--key", "site.key", "--sequence", "12", "all.pack", "-o", "all.bspk");
  assert.is(s.code, 0, s.err);
  const signed = await verifySignedPack(new Uint8Array(readFileSync(join(dir, "all.bspk"))), [publicKey]);
  assert.is(signed.sequence, 12);

  const i = cli("pack", "info", "--public-key", "site.pub", "all.bspk");
  assert.is(i.code, 0, i.err);
  assert.match(i.out, /signed +sequence 12/);
  assert.match(i.out, /signature valid/);
  const other = cli("pack", "keygen", "-o", "other");
  assert.is(other.code, 0);
  const bad = cli("pack", "info", "--public-key", "other.pub", "all.bspk");
  assert.is(bad.code, 1);
  assert.match(bad.out, /signature INVALID/);

  writeFileSync(join(dir, "broken.pack"), readFileSync(join(dir, "all.pack")).subarray(0, 1000));
  const refused = cli("pack", "sign", "--key", "site.key", "broken.pack", "-o", "broken.bspk");
  assert.is(refused.code, 1, "a pack no engine would load is not signed");
  assert.match(refused.err, /pack rejected/);
  assert.match(cli("pack", "frobnicate").err, /unknown subcommand/);
});

test("robots: the robots.txt a configuration serves", () => {
  const r = cli("robots", "--block-ai", "--allow", "MistralAI-User", "--deny", "category:seo");
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^User-agent: GPTBot$/m);
  assert.match(r.out, /^User-agent: AhrefsBot$/m, "deny entries are disallowed too");
  assert.not.match(r.out, /^User-agent: (MistralAI-User|Googlebot)$/m);
  const typo = cli("robots", "--deny", "NoSuchBot");
  assert.match(typo.err, /"NoSuchBot" names no bot/);
});

test.run();
