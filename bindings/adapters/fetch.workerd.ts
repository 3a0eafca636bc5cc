// botsift/fetch for Cloudflare Workers (workerd condition): protect() with the engine whose Wasm is imported as a module.

import { createEngine } from "../runtime/workerd.js";
import { protectWith } from "./fetch-handler.js";

export type { ProtectOptions, Decision, Action, Reason, BlockResponse } from "./options.js";
export type { OptionsOrFactory } from "./fetch-handler.js";

export const protect = protectWith(createEngine);
