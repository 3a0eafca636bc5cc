// The blocking policy: `blockAI`, `allow` and `deny` applied to a verdict. Pure functions of the
// options and the verdict, shared by every middleware and by robots.txt generation.
//
// Order: the most specific matching list entry decides (bot name > operator > category:); at
// equal specificity deny wins. An allow entry for a bot that publishes its address ranges
// (`bot.verifiable` in the pack) applies only to a request verified as that bot
// (class "verified_bot"), so a user agent alone never buys a way in. Without a deciding entry,
// `blockAI` blocks every bot whose category starts with `ai_`, and every spoofed bot (a client
// claiming a crawler whose published ranges it is not in), as Cloudflare's switch does.
// Everything else passes.

import type { Verdict } from "../engine.js";
import type { BotInfo } from "../meta.js";
import type { Action, Reason, ResolvedOptions } from "./options.js";

/** Pack metadata may mark a bot as publishing its ranges; packs built before that have no field. */
type PolicyBot = BotInfo & { readonly verifiable?: boolean };

const NAME = 3, OPERATOR = 2, CATEGORY = 1;

interface Entry {
  text: string;
  level: number;
  /** Lower-cased name/operator, or the category. */
  key: string;
}

function parse(text: string): Entry {
  const lower = text.toLowerCase();
  return lower.startsWith("category:") ? { text, level: CATEGORY, key: lower.slice(9) } : { text, level: NAME, key: lower };
}

/** How specifically `entry` names `bot` (0 = not at all). */
function specificity(entry: Entry, bot: PolicyBot): number {
  if (entry.level === CATEGORY) return bot.category === entry.key ? CATEGORY : 0;
  if (bot.name.toLowerCase() === entry.key) return NAME;
  if (bot.operator !== null && bot.operator.toLowerCase() === entry.key) return OPERATOR;
  return 0;
}

function strongest(list: Entry[], bot: PolicyBot): { level: number; entry: Entry | null } {
  let best = { level: 0, entry: null as Entry | null };
  for (const e of list) {
    const level = specificity(e, bot);
    if (level > best.level) best = { level, entry: e };
  }
  return best;
}

export interface Ruling {
  action: Extract<Action, "block" | "allow" | "pass">;
  reason: Extract<Reason, "blockAI" | "deny" | "allow" | "none">;
  entry: string | null;
}

const PASS: Ruling = { action: "pass", reason: "none", entry: null };

export class Policy {
  private readonly allow: Entry[];
  private readonly deny: Entry[];
  private readonly blockAI: boolean;

  constructor(options: Pick<ResolvedOptions, "blockAI" | "allow" | "deny">) {
    this.allow = options.allow.map(parse);
    this.deny = options.deny.map(parse);
    this.blockAI = options.blockAI;
  }

  /** The ruling for a request from `bot`; `verified` says whether the engine verified it as that bot. */
  rule(bot: PolicyBot | null, verified: boolean, spoofed = false): Ruling {
    if (bot === null) return PASS;
    const deny = strongest(this.deny, bot);
    const allow = strongest(this.allow, bot);
    if (deny.entry && deny.level >= allow.level) return { action: "block", reason: "deny", entry: deny.entry.text };
    if (allow.entry && (bot.verifiable !== true || verified)) return { action: "allow", reason: "allow", entry: allow.entry.text };
    if (this.blockAI && (bot.category.startsWith("ai_") || spoofed)) return { action: "block", reason: "blockAI", entry: null };
    return PASS;
  }

  /** The ruling for a verdict. */
  decide(verdict: Verdict): Ruling {
    return this.rule(verdict.bot, verdict.class === "verified_bot", verdict.bot?.spoofed === true);
  }

  /** True when the genuine bot (verified, where it can be) is blocked: what robots.txt disallows. */
  blocksGenuine(bot: PolicyBot): boolean {
    return this.rule(bot, true).action === "block";
  }

  /** Allow and deny entries that name no bot, operator or category of `bots`: most likely typos. */
  unmatched(bots: readonly PolicyBot[]): string[] {
    return [...this.allow, ...this.deny].filter((e) => !bots.some((b) => specificity(e, b) > 0)).map((e) => e.text);
  }
}
