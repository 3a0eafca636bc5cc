// Entry for Cloudflare Workers (workerd): Workers may not compile Wasm from bytes, so the
// .wasm is imported as a module, which the Workers bundler compiles ahead of time.

import { engineFactory } from "../engine.js";
import wasmModule from "../../build/botsift.wasm";
import { defaultPack } from "./default-pack.js";

export * from "../index.js";

/** Creates an engine with the built-in pack, or the pack in `options.pack`. */
export const createEngine = engineFactory(async () => wasmModule, defaultPack);
