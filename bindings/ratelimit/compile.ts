// Splices rate limits into a pack as its RATE_LIMITS section (layout in bindings/format.ts): the
// expressions and counting expressions compiled by the custom-rules emitter into an embedded
// RULES section, the parameters and characteristics as tables. Loaded on demand, like custom rules.

import * as F from "../format.js";
import { readPackMeta } from "../meta.js";
import { compileRuleSection, type RuleToCompile } from "../compile/rules.js";
import { SectionWriter, withSection } from "../compile/encode.js";
import { botStrings } from "../compile/index.js";
import type { NamedLists } from "../rules/index.js";
import type { NormalizedRateLimit } from "./config.js";

/** Compiles `limits` into RATE_LIMITS section bytes against `bots`. Rule errors name the rate limit and which expression. */
export function compileRateLimitSection(limits: readonly NormalizedRateLimit[], bots: ReturnType<typeof botStrings>, lists: NamedLists): Uint8Array {
  const rules: RuleToCompile[] = [];
  const which: string[] = [];
  const table: number[] = [];
  const chars: number[] = [];
  const names: number[] = [];
  const encoder = new TextEncoder();
  for (const l of limits) {
    const match = rules.length;
    rules.push({ id: l.id, expression: l.expression });
    which.push("expression");
    let count = F.RATE_LIMIT_SAME;
    if (l.countingExpression !== null) {
      count = rules.length;
      rules.push({ id: l.id, expression: l.countingExpression });
      which.push("countingExpression");
    }
    const start = chars.length / 3;
    for (const c of l.parsed) {
      const bytes = encoder.encode(c.name);
      chars.push(c.kind, names.length, bytes.length);
      names.push(...bytes);
    }
    table.push(match, count, l.period, l.requestsPerPeriod, l.mitigationTimeout, l.action === "block" ? F.ACTION_BLOCK : F.ACTION_LOG, start, l.parsed.length);
  }
  const section = compileLabelled(rules, bots, lists, which);
  const nameBytes = Uint8Array.from(names);
  const out = new SectionWriter().u32(limits.length, chars.length / 3, nameBytes.length, section.length);
  out.u32s(table).u32s(chars);
  const padded = new Uint8Array((nameBytes.length + 3) & ~3);
  padded.set(nameBytes);
  return out.bytes(padded).bytes(section).finish();
}

/** compileRuleSection; on an error, finds the expression at fault and labels it `rate limit "id" expression: …`. */
function compileLabelled(rules: RuleToCompile[], bots: ReturnType<typeof botStrings>, lists: NamedLists, which: string[]): Uint8Array {
  try {
    return compileRuleSection(rules, F.RULE_KIND_RATE_LIMIT, bots, lists);
  } catch (first) {
    rules.forEach((r, i) => {
      try {
        compileRuleSection([r], F.RULE_KIND_RATE_LIMIT, bots, lists);
      } catch (e) {
        if (e instanceof Error) {
          const prefix = `rule "${r.id}": `;
          e.message = `rate limit "${r.id}" ${which[i]}: ${e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message}`;
        }
        throw e;
      }
    });
    throw first;
  }
}

/** `pack` with `limits` compiled against its bots into the RATE_LIMITS section. */
export function withRateLimits(pack: Uint8Array, limits: readonly NormalizedRateLimit[], lists: NamedLists): Uint8Array {
  const meta = readPackMeta(pack);
  return withSection(pack, F.SECTION_RATE_LIMITS, compileRateLimitSection(limits, botStrings(meta.bots), lists));
}
