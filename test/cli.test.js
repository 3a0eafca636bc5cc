// The botsift command as a user runs it: demo, classify from arguments and from stdin (table and NDJSON).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";

const CLI = new URL("../dist/cli/main.js", import.meta.url).pathname;
const run = (args, input) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", timeout: 30_000 });

test("demo prints a verdict per sample request", () => {
  const r = run(["demo"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /built-in pack .*bots/);
  assert.match(r.stdout, /\n\s+1\s+bot\s+GPTBot\s+ai_crawler\s+OpenAI/);
  assert.match(r.stdout, /\n\s+99\s+human\s+-/);
});

test("classify reads user agents from stdin, one per line, and prints NDJSON with --json", () => {
  const r = run(["classify", "--json"], "curl/8.5.0\n\n# a comment\nMozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\n");
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.is(lines.length, 2);
  assert.is(lines[0].bot.name, "curl");
  assert.is(lines[1].class, "human");
});

test("classify takes arguments too; an unknown option is an error with usage", () => {
  const r = run(["classify", "Mozilla/5.0 (compatible; GPTBot/1.2)"]);
  assert.match(r.stdout, /GPTBot/);
  const bad = run(["classify", "--jsn"]);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /unknown option --jsn/);
});

test.run();
