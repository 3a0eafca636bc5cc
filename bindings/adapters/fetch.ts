// botsift/fetch for Deno, Bun, Node, browsers and service workers: protect() with the portable engine.

import { createEngine } from "../runtime/portable.js";
import { protectWith } from "./fetch-handler.js";

export type { ProtectOptions, Decision, Action, Reason, BlockResponse } from "./options.js";
export type { OptionsOrFactory } from "./fetch-handler.js";

export const protect = protectWith(createEngine);
