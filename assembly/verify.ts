// Verified and spoofed bots: a request that claims a bot which publishes its address ranges is
// verified when its address lies in one of that bot's lists, and spoofed when it does not and
// the lists are authoritative (the operator says it crawls from nowhere else). Without an
// address, or for bots that publish nothing, neither can be said.

import { tables } from "./pack";
import { lookupIp, IP_NONE } from "./ip";
import { BOT_VERIFY_SIZE, BOT_VERIFY_AUTHORITATIVE } from "../bindings/format";

export const CLAIM_UNKNOWN: i32 = 0;
export const CLAIM_VERIFIED: i32 = 1;
export const CLAIM_SPOOFED: i32 = 2;

/** Judges the claim to be `bot` from an address already parsed as `ipKind`. */
export function verifyClaim(bot: i32, ipKind: i32): i32 {
  if (bot < 0 || tables.botVerify == 0 || ipKind == IP_NONE) return CLAIM_UNKNOWN;
  const entry = tables.botVerify + <usize>bot * BOT_VERIFY_SIZE;
  const count = load<u32>(entry + 8);
  if (count == 0) return CLAIM_UNKNOWN;
  const set = lookupIp(ipKind);
  if (set >= 0) {
    const setBase = tables.sets + (<usize>set << 2);
    const members = load<u32>(setBase);
    const lists = tables.verifyLists + (<usize>load<u32>(entry + 4) << 2);
    for (let k: u32 = 0; k < count; k++) {
      const wanted = load<u32>(lists + (<usize>k << 2));
      for (let m: u32 = 0; m < members; m++) if (load<u32>(setBase + (<usize>(m + 1) << 2)) == wanted) return CLAIM_VERIFIED;
    }
  }
  return (load<u32>(entry) & BOT_VERIFY_AUTHORITATIVE) != 0 ? CLAIM_SPOOFED : CLAIM_UNKNOWN;
}
