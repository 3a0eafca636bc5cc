#!/usr/bin/env node
// The botsift command: classify user agents from arguments, stdin or the bundled samples.
// Subcommands parse their own flags; output is a readable table or, with --json, NDJSON.

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createEngine, type Verdict } from "../runtime/portable.js";
import { pack, robots, PACK_HELP } from "./pack.js";
import { rule, RULE_HELP } from "./rule.js";

const HELP = `botsift — tell AI bots and other automated clients from people

usage:
  botsift demo                     classify the bundled sample requests and print the verdicts
  botsift classify [--json] [UA…]  classify user agents given as arguments, or one per line on stdin
${PACK_HELP}
${RULE_HELP}
  botsift --version | --help

output columns: score (1 automated … 99 human), class, bot, category, operator, user agent`;

function row(v: Verdict, ua: string): string {
  const bot = v.bot ? v.bot.name : "-";
  const cut = ua.length > 70 ? ua.slice(0, 67) + "..." : ua;
  return `${String(v.score).padStart(3)}  ${v.class.padEnd(12)} ${bot.padEnd(22)} ${(v.bot?.category ?? "-").padEnd(16)} ${(v.bot?.operator ?? "-").padEnd(14)} ${cut}`;
}

function header(): string {
  return `${"score".padStart(3)}  ${"class".padEnd(12)} ${"bot".padEnd(22)} ${"category".padEnd(16)} ${"operator".padEnd(14)} user agent`;
}

/** `lines` is called once the engine is ready: a stdin reader made earlier would drop lines meanwhile. */
async function classifyLines(lines: () => AsyncIterable<string> | string[], json: boolean): Promise<void> {
  const engine = await createEngine();
  if (!json) console.log(header());
  for await (const line of lines()) {
    if (line === "" || line.startsWith("#")) continue;
    const v = engine.classify(line);
    console.log(json ? JSON.stringify({ userAgent: line, ...v }) : row(v, line));
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    console.log(pkg.version);
    return 0;
  }
  if (command === "demo") {
    const text = readFileSync(new URL("../../samples/user-agents.txt", import.meta.url), "utf8");
    const engine = await createEngine();
    console.log(`built-in pack ${engine.packInfo.name} ${engine.packInfo.version}: ${engine.packInfo.bots} bots, ${engine.packInfo.signatures} signatures\n`);
    await classifyLines(() => text.split("\n"), rest.includes("--json"));
    return 0;
  }
  if (command === "classify") {
    const json = rest.includes("--json");
    const unknown = rest.find((a) => a.startsWith("--") && a !== "--json");
    if (unknown) { console.error(`botsift classify: unknown option ${unknown}\n\n${HELP}`); return 2; }
    const uas = rest.filter((a) => a !== "--json");
    await classifyLines(() => (uas.length ? uas : createInterface({ input: process.stdin, crlfDelay: Infinity })), json);
    return 0;
  }
  if (command === "pack") return pack(rest);
  if (command === "robots") return robots(rest);
  if (command === "rule") return rule(rest);
  console.error(`botsift: unknown command "${command}"\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
  console.error(`botsift: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
