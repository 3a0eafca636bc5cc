// Signals → verdict record: the most specific signature names the bot, every hit is a
// detection, and the score follows Cloudflare's bands (1 automated, 2–29 likely automated,
// 30–99 likely human).

import { tables } from "./pack";
import { hitList, hitCount, pendingOverflow } from "./matches";
import { verifyClaim, CLAIM_VERIFIED, CLAIM_SPOOFED } from "./verify";
import {
  SIGNATURE_SIZE, VERDICT_SCORE, VERDICT_CLASS, VERDICT_FLAGS, VERDICT_BOT, VERDICT_DETECTION_COUNT,
  VERDICT_DETECTIONS, MAX_DETECTIONS, VERDICT_FLAG_DETECTIONS_OVERFLOW, VERDICT_FLAG_OCCURRENCES_OVERFLOW,
  CLASS_HUMAN, CLASS_BOT, CLASS_VERIFIED_BOT, VERDICT_FLAG_VERIFIED, VERDICT_FLAG_SPOOFED,
} from "../bindings/format";

/**
 * Writes the verdict for the current hits at `out`, judging the claimed bot against the client
 * address (`ipKind` from parseIp). Returns score | class << 8 | (bot + 1) << 16.
 */
export function writeVerdict(out: usize, flags: u32, ipKind: i32): u32 {
  let best: i32 = -1;
  let bestPriority: u32 = 0;
  const n = hitCount;
  const shown = n < <u32>MAX_DETECTIONS ? n : <u32>MAX_DETECTIONS;
  for (let i: u32 = 0; i < n; i++) {
    const sig = load<u32>(hitList + (<usize>i << 2));
    const entry = tables.signatures + <usize>sig * SIGNATURE_SIZE;
    const priority = load<u32>(entry + 8);
    // Ties go to the signature listed first in the pack: sources list specific bots first.
    if (best < 0 || priority > bestPriority || (priority == bestPriority && sig < <u32>best)) {
      best = <i32>sig;
      bestPriority = priority;
    }
    if (i < shown) store<u32>(out + VERDICT_DETECTIONS + (<usize>i << 2), load<u32>(entry + 4));
  }
  if (pendingOverflow) flags |= VERDICT_FLAG_OCCURRENCES_OVERFLOW;
  const bot: i32 = best < 0 ? -1 : <i32>load<u32>(tables.signatures + <usize>best * SIGNATURE_SIZE);
  const score: u32 = best < 0 ? tables.humanScore : tables.botScore;
  let cls: u32 = best < 0 ? CLASS_HUMAN : CLASS_BOT;
  let detections = n;
  const claim = verifyClaim(bot, ipKind);
  if (claim == CLAIM_VERIFIED) {
    cls = CLASS_VERIFIED_BOT;
    flags |= VERDICT_FLAG_VERIFIED;
  } else if (claim == CLAIM_SPOOFED) {
    flags |= VERDICT_FLAG_SPOOFED;
    if (detections < <u32>MAX_DETECTIONS) store<u32>(out + VERDICT_DETECTIONS + (<usize>detections << 2), tables.spoofedDetection);
    detections++;
  }
  if (detections > <u32>MAX_DETECTIONS) flags |= VERDICT_FLAG_DETECTIONS_OVERFLOW;
  store<u8>(out + VERDICT_SCORE, <u8>score);
  store<u8>(out + VERDICT_CLASS, <u8>cls);
  store<u16>(out + VERDICT_FLAGS, <u16>flags);
  store<i32>(out + VERDICT_BOT, bot);
  store<u32>(out + VERDICT_DETECTION_COUNT, detections);
  return score | (cls << 8) | (<u32>(bot + 1) << 16);
}
