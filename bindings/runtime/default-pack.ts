// The built-in pack, decoded once on first use and shared by every engine of the process.

import { defaultPackBase64 } from "../generated/default-pack.js";
import { base64ToBytes } from "../base64.js";

let decoded: Uint8Array | undefined;

export function defaultPack(): Uint8Array {
  decoded ??= base64ToBytes(defaultPackBase64);
  return decoded;
}
