// botsift/rules: the rules language on its own — parse, check, format and the reference evaluator.
export * from "./rules/index.js";
