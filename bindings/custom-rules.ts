// Splices custom rules into a pack: compiles them against the pack's bots (rules read bot names
// and categories) into the CUSTOM_RULES section. Loaded on demand, so engines without custom
// rules (most Workers) do not carry the rules compiler.

import * as F from "./format.js";
import { readPackMeta } from "./meta.js";
import { compileRuleSection, type RuleToCompile } from "./compile/rules.js";
import { withSection } from "./compile/encode.js";
import { botStrings } from "./compile/index.js";
import type { NamedLists } from "./rules/index.js";

export function withRules(pack: Uint8Array, rules: readonly RuleToCompile[], lists: NamedLists): Uint8Array {
  const meta = readPackMeta(pack);
  return withSection(pack, F.SECTION_CUSTOM_RULES, compileRuleSection(rules, F.RULE_KIND_CUSTOM, botStrings(meta.bots), lists));
}
