// `botsift rule check`: parses and type-checks rule expressions and prints each rule's canonical
// form with the fields it reads and their types, or the error with a caret under its span.
// Exit code 0 when every rule is valid, 1 when one is not, 2 on a usage error.

import { readFileSync } from "node:fs";
import { checkRule, typeName, type CheckedRule, type RuleError } from "../rules/index.js";

export const RULE_HELP = `  botsift rule check [--json] '<expression>'       check one rule: canonical form, fields and types, or the error
  botsift rule check [--json] --file rules.txt     one rule per line (# comments), or a JSON array of {id, expression}`;

interface NamedRule {
  /** "rules.txt:3" or the rule's id. */
  label: string;
  /** For a rule from a text file: the file and line it is on. */
  file?: string;
  line?: number;
  expression: string;
}

/** Entry point for `botsift rule …`; returns the exit code. */
export async function rule(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "check") {
    console.error(`botsift rule: ${sub === undefined ? "missing subcommand" : `unknown subcommand "${sub}"`}\n\nusage:\n${RULE_HELP}`);
    return 2;
  }
  let json = false;
  let file: string | undefined;
  const exprs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--json") json = true;
    else if (a === "--file") {
      file = rest[++i];
      if (file === undefined) { console.error("botsift rule check: --file needs a path (or - for stdin)"); return 2; }
    } else if (a.startsWith("--")) {
      console.error(`botsift rule check: unknown option ${a}\n\nusage:\n${RULE_HELP}`);
      return 2;
    } else exprs.push(a);
  }
  let rules: NamedRule[];
  if (file !== undefined) {
    if (exprs.length > 0) { console.error("botsift rule check: give either --file or one expression, not both"); return 2; }
    try {
      rules = readRules(file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8"), file === "-" ? "stdin" : file);
    } catch (e) {
      console.error(`botsift rule check: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
  } else {
    if (exprs.length !== 1) {
      console.error(exprs.length === 0
        ? "botsift rule check: give one expression in single quotes, e.g. botsift rule check 'http.user_agent contains \"GPTBot\"'"
        : `botsift rule check: got ${exprs.length} arguments — quote the whole expression: botsift rule check '${exprs.join(" ")}'`);
      return 2;
    }
    rules = [{ label: "", expression: exprs[0] }];
  }
  let failed = 0;
  for (const r of rules) {
    const outcome = checkRule(r.expression);
    if (!outcome.ok) failed++;
    if (json) console.log(JSON.stringify(outcome.ok ? ruleJson(r, outcome.rule) : errorJson(r, outcome.error)));
    else if (outcome.ok) console.log(describeRule(r, outcome.rule));
    else console.log(describeError(r, outcome.error));
  }
  if (!json && rules.length > 1) console.log(`${rules.length - failed} of ${rules.length} rules valid`);
  return failed > 0 ? 1 : 0;
}

/** One rule per non-blank line (lines starting with # are comments), or a JSON array of {id, expression}. */
export function readRules(text: string, source: string): NamedRule[] {
  if (text.trimStart().startsWith("[")) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`${source}: expected a JSON array of {id, expression}`);
    return parsed.map((item, i) => {
      const ok = item !== null && typeof item === "object" && typeof (item as { expression?: unknown }).expression === "string";
      if (!ok) throw new Error(`${source}: item ${i} needs a string "expression"`);
      const { id, expression } = item as { id?: unknown; expression: string };
      return { label: typeof id === "string" || typeof id === "number" ? String(id) : `${source}[${i}]`, expression };
    });
  }
  const rules: NamedRule[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    rules.push({ label: `${source}:${i + 1}`, expression: line, file: source, line: i + 1 });
  });
  return rules;
}

function describeRule(r: NamedRule, rule: CheckedRule): string {
  const lines = [r.label ? `${r.label}: ok` : "ok", `  ${rule.canonical}`];
  if (rule.fields.length > 0) {
    const width = Math.max(...rule.fields.map((f) => f.name.length));
    lines.push("  fields:");
    for (const f of rule.fields) lines.push(`    ${f.name.padEnd(width)}  ${typeName(f.type)}${f.presence === "always" ? "" : "  (can be missing)"}`);
  }
  if (rule.functions.length > 0) lines.push(`  functions: ${rule.functions.join(", ")}`);
  if (rule.lists.length > 0) lines.push(`  lists: ${rule.lists.map((l) => `$${l.name} (${l.kind})`).join(", ")}`);
  for (const w of rule.warnings) lines.push(`  warning: ${w.message}`);
  return lines.join("\n");
}

function describeError(r: NamedRule, error: RuleError): string {
  if (r.file) return error.format(undefined, { file: r.file, line: r.line ?? 1 });
  return (r.label ? `${r.label}: ` : "") + error.format();
}

function ruleJson(r: NamedRule, rule: CheckedRule) {
  return {
    ...(r.label ? { id: r.label } : {}),
    ok: true,
    canonical: rule.canonical,
    fields: rule.fields.map((f) => ({ name: f.name, type: typeName(f.type), presence: f.presence })),
    functions: rule.functions,
    lists: rule.lists.map((l) => ({ name: l.name, kind: l.kind })),
    literals: rule.literals.map((l) => ({ op: l.op, subject: l.subject, text: l.text ?? null, caseInsensitive: l.caseInsensitive, anchor: l.anchor })),
    warnings: rule.warnings.map((w) => w.message),
  };
}

function errorJson(r: NamedRule, error: RuleError) {
  return { ...(r.label ? { id: r.label } : {}), ok: false, error: error.reason, line: error.line, column: error.column, span: error.span };
}
