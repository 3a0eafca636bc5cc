// Public exports shared by every runtime entry. `createEngine` comes from the entry itself
// (bindings/runtime/*), which knows how its runtime obtains the Wasm module.

export { Engine, type Verdict, type VerdictClass, type EngineOptions, type AutomatonForm } from "./engine.js";
export { BotsiftError, PackSourceError, PackLoadError, EngineFault, type SourceProblem, type SourceLocation } from "./errors.js";
export type { BotInfo, PackInfo } from "./meta.js";
export type { RequestInfo, Classifiable, HeadersLike } from "./request.js";
export { compilePack, CATEGORIES, type PackSource, type BotSource, type SignatureSource, type Category, type CompileOptions } from "./compile/index.js";
export { type CustomRule } from "./engine.js";
export {
  parseRule, checkRule, formatRule, evaluateRule, RuleError, RuleInputError, DEFAULT_LIMITS, FIELDS, FUNCTIONS, Scheme, DEFAULT_SCHEME,
  type CheckedRule, type RuleOptions, type RuleLimits, type FieldValues, type NamedLists, type RuleLiteral,
} from "./rules/index.js";
