// `botsift rule check`: the canonical rule with its fields and types, or the error with a caret;
// exit code 1 on an invalid rule, 2 on a usage error; --file with text or JSON; --json output.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const botsift = (...args) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test("a valid rule: canonical form, fields with types, exit 0", () => {
  const r = botsift("rule", "check", 'http.user_agent contains "GPTBot" && ip.src in {192.0.2.0/24}');
  assert.is(r.code, 0, r.err);
  assert.is(r.out, [
    "ok",
    '  http.user_agent contains "GPTBot" and ip.src in {192.0.2.0/24}',
    "  fields:",
    "    http.user_agent  String  (can be missing)",
    "    ip.src           IP address  (can be missing)",
    "",
  ].join("\n"));
});

test("an invalid rule: the error with a caret under the span, exit 1", () => {
  const r = botsift("rule", "check", 'http.useragent contains "GPTBot"');
  assert.is(r.code, 1);
  assert.is(r.out, [
    'error: unknown field "http.useragent" — did you mean "http.user_agent"?',
    " --> line 1, column 1",
    "  |",
    '1 | http.useragent contains "GPTBot"',
    "  | ^~~~~~~~~~~~~~",
    "",
  ].join("\n"));
});

test("--file with one rule per line: file:line:column positions, a summary, exit 1 when one fails", () => {
  const dir = mkdtempSync(join(tmpdir(), "botsift-rules-"));
  const file = join(dir, "rules.txt");
  writeFileSync(file, "# bots\nbotsift.bot.spoofed\n\ncf.bot_management.score lt \"30\"\n");
  const r = botsift("rule", "check", "--file", file);
  assert.is(r.code, 1);
  assert.ok(r.out.includes(`${file}:2: ok\n  botsift.bot.spoofed\n`), r.out);
  assert.ok(r.out.includes(` --> ${file}:4:28\n  |\n4 | cf.bot_management.score lt "30"\n  |                            ^~~~\n`), r.out);
  assert.ok(r.out.endsWith("1 of 2 rules valid\n"), r.out);
});

test("--file with a JSON array of {id, expression}, and --json output", () => {
  const dir = mkdtempSync(join(tmpdir(), "botsift-rules-"));
  const file = join(dir, "rules.json");
  writeFileSync(file, JSON.stringify([{ id: "ai", expression: 'lower(http.user_agent) contains "gptbot"' }, { id: "bad", expression: "ssl and" }]));
  const r = botsift("rule", "check", "--json", "--file", file);
  assert.is(r.code, 1);
  const [ok, bad] = r.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(ok, {
    id: "ai", ok: true, canonical: 'lower(http.user_agent) contains "gptbot"',
    fields: [{ name: "http.user_agent", type: "String", presence: "request" }], functions: ["lower"], lists: [],
    literals: [{ op: "contains", subject: "lower(http.user_agent)", text: "gptbot", caseInsensitive: false, anchor: "anywhere" }], warnings: [],
  });
  assert.equal(bad, { id: "bad", ok: false, error: "expected a condition, found the end of the expression", line: 1, column: 8, span: { start: 7, end: 8 } });
});

test("usage errors exit 2 with a hint", () => {
  const unquoted = botsift("rule", "check", "http.host", "eq", "x");
  assert.is(unquoted.code, 2);
  assert.match(unquoted.err, /quote the whole expression/);
  assert.is(botsift("rule", "check").code, 2);
  assert.is(botsift("rule", "lint", "ssl").code, 2);
  assert.is(botsift("rule", "check", "--nope", "ssl").code, 2);
  assert.is(botsift("rule", "check", "--file", "/nonexistent/rules.txt").code, 2);
});

test.run();
