// botsift/hono for Deno, Bun, Node and browsers: Hono middleware with the portable engine.

import { createEngine } from "../runtime/portable.js";
import { honoWith } from "./hono-middleware.js";

export type { ProtectOptions, Decision, Action, Reason, BlockResponse } from "./options.js";
export type { BotsiftVariables, HonoContextLike } from "./hono-middleware.js";
export type { OptionsOrFactory } from "./fetch-handler.js";

export const botsift = honoWith(createEngine);
