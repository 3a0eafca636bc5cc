// Public exports shared by every runtime entry. `createEngine` comes from the entry itself
// (bindings/runtime/*), which knows how its runtime obtains the Wasm module.

export { Engine, type Verdict, type VerdictClass, type EngineOptions, type AutomatonForm } from "./engine.js";
export { BotsiftError, PackSourceError, PackLoadError, EngineFault, type SourceProblem, type SourceLocation } from "./errors.js";
export type { BotInfo, PackInfo } from "./meta.js";
export type { RequestInfo, Classifiable, HeadersLike } from "./request.js";
export type { PackSource, BotSource, SignatureSource, Category, CompileOptions, NamedSource } from "./compile/index.js";
export { CATEGORIES } from "./categories.js";
export { type CustomRule } from "./engine.js";
import type { PackSource, CompileOptions, NamedSource } from "./compile/index.js";

/**
 * Compiles pack sources into a binary pack (see botsift/compile). The compiler is loaded on
 * first use, so importing botsift stays cheap for the many hosts that never compile.
 */
export async function compilePack(sources: (PackSource | NamedSource)[], options: CompileOptions = {}): Promise<Uint8Array> {
  const { compilePack: compile } = await import("./compile/index.js");
  return compile(sources, options);
}
