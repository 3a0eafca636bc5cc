// botsift/hono for Cloudflare Workers (workerd condition): Hono middleware with the engine whose Wasm is imported as a module.

import { createEngine } from "../runtime/workerd.js";
import { honoWith } from "./hono-middleware.js";

export type { ProtectOptions, Decision, Action, Reason, BlockResponse } from "./options.js";
export type { BotsiftVariables, HonoContextLike } from "./hono-middleware.js";
export type { OptionsOrFactory } from "./fetch-handler.js";

export const botsift = honoWith(createEngine);
