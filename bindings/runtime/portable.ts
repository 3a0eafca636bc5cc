// Entry for Node, Deno, Bun, browsers and anything else with WebAssembly.compile: the Wasm
// bytes are embedded, so no file system or fetch is needed.

import { engineFactory } from "../engine.js";
import { base64ToBytes } from "../base64.js";
import { wasmBase64 } from "../generated/wasm-base64.js";
import { defaultPack } from "./default-pack.js";

export * from "../index.js";

/** Creates an engine with the built-in pack, or the pack in `options.pack`. */
export const createEngine = engineFactory(() => WebAssembly.compile(base64ToBytes(wasmBase64)), defaultPack);
