// Live pack updates: fetch a signed pack from a URL (with ETag), a Workers KV namespace or an R2
// bucket; verify its signature and sequence; swap it into the engine. Any failure keeps the
// serving pack and is reported through `onUpdate`.
//
// Ordering: a pack is taken only when its envelope sequence is higher than the serving one's
// (`currentSequence` at start, 0 by default: the built-in pack). An equal sequence is the pack
// already serving; a lower one is refused as older, so a replayed old pack never rolls back.

import { BotsiftError } from "../errors.js";
import type { Engine } from "../engine.js";
import type { PackInfo } from "../meta.js";
import { isSignedPack, readSignedPack, verifySignedPack } from "./envelope.js";

/** The parts of a Workers KV namespace the updater uses. */
export interface KvNamespaceLike {
  get(key: string, options: { type: "arrayBuffer" }): Promise<ArrayBuffer | null>;
}

/** The parts of a Workers R2 bucket the updater uses. */
export interface R2BucketLike {
  get(key: string, options?: { onlyIf?: { etagDoesNotMatch?: string } }): Promise<{ httpEtag?: string; etag?: string; arrayBuffer?: () => Promise<ArrayBuffer> } | null>;
}

export interface UpdaterOptions {
  engine: Engine | Promise<Engine>;
  /** Trusted public keys (base64, from `botsift pack keygen`); one or several for rotation. */
  publicKey: string | string[];
  /** Where the signed pack is: exactly one of url, kv or r2 (with key). */
  url?: string | URL;
  kv?: KvNamespaceLike;
  r2?: R2BucketLike;
  key?: string;
  /** Seconds between checks (default 300). */
  interval?: number;
  /** Seconds a check may take before it is abandoned (default 10). */
  timeout?: number;
  /** The sequence of the pack the engine starts with; only higher ones are taken (default 0). */
  currentSequence?: number;
  /** Largest pack accepted, in bytes (default 16 MiB). */
  maxBytes?: number;
  /** The fetch to use for `url` (default: the global fetch). */
  fetch?: typeof fetch;
  /** Every check's result; refused and failed ones say why. */
  onUpdate?: (result: UpdateResult) => void;
}

/**
 * updated: the new pack serves. unchanged: nothing newer (304, or the same sequence).
 * refused: a pack arrived but was not taken (unsigned, bad signature, older, corrupt).
 * failed: no pack arrived (network, timeout, HTTP status, missing key).
 */
export interface UpdateResult {
  status: "updated" | "unchanged" | "refused" | "failed";
  reason: string | null;
  /** The sequence serving after the check. */
  sequence: number;
  /** The serving pack after the check, when known. */
  pack: PackInfo | null;
}

export interface PackUpdater {
  /** Checks now; concurrent calls share one check. Never rejects. */
  check(): Promise<UpdateResult>;
  /** Starts a check when `interval` has passed since the last one began, else returns null. */
  checkIfDue(): Promise<UpdateResult> | null;
  /** Checks now and then every `interval` on a timer that does not keep the process alive. Not for Workers: use checkIfDue from requests. */
  start(): void;
  stop(): void;
  readonly sequence: number;
}

type Fetched = { bytes: Uint8Array; etag: string | null } | "not-modified";

class Refused extends Error {}
class Failed extends Error {}

function problem(message: string): never {
  throw new BotsiftError("OPTIONS", `createPackUpdater: ${message}`);
}

function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, seconds: number): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Failed(`timed out after ${seconds} s`));
    }, seconds * 1000);
  });
  return Promise.race([work(controller.signal), expired]).finally(() => clearTimeout(timer));
}

export function createPackUpdater(options: UpdaterOptions): PackUpdater {
  const sources = ["url", "kv", "r2"].filter((k) => options[k as "url"] !== undefined);
  if (sources.length !== 1) problem("give exactly one of url, kv or r2");
  if ((options.kv || options.r2) && typeof options.key !== "string") problem("kv and r2 need a key");
  const publicKeys = Array.isArray(options.publicKey) ? options.publicKey : [options.publicKey];
  if (publicKeys.length === 0 || publicKeys.some((k) => typeof k !== "string")) problem("publicKey must be a base64 public key (botsift pack keygen) or a list of them");
  const interval = options.interval ?? 300;
  const timeout = options.timeout ?? 10;
  const maxBytes = options.maxBytes ?? 16 << 20;
  for (const [name, v] of [["interval", interval], ["timeout", timeout], ["maxBytes", maxBytes]] as const) {
    if (typeof v !== "number" || !(v > 0)) problem(`${name} must be a positive number`);
  }
  let sequence = options.currentSequence ?? 0;
  if (!Number.isSafeInteger(sequence) || sequence < 0) problem("currentSequence must be a non-negative integer");
  let etag: string | null = null;
  let lastStart = -Infinity;
  let inflight: Promise<UpdateResult> | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function fetchPack(signal: AbortSignal): Promise<Fetched> {
    if (options.kv) {
      const value = await options.kv.get(options.key!, { type: "arrayBuffer" });
      if (value === null) throw new Failed(`KV key "${options.key}" not found`);
      return { bytes: new Uint8Array(value), etag: null };
    }
    if (options.r2) {
      const object = await options.r2.get(options.key!, etag ? { onlyIf: { etagDoesNotMatch: etag } } : undefined);
      if (object === null) throw new Failed(`R2 object "${options.key}" not found`);
      if (typeof object.arrayBuffer !== "function") return "not-modified"; // precondition failed: same ETag
      return { bytes: new Uint8Array(await object.arrayBuffer()), etag: object.httpEtag ?? object.etag ?? null };
    }
    const doFetch = options.fetch ?? fetch;
    const headers: Record<string, string> = etag ? { "if-none-match": etag } : {};
    const response = await doFetch(String(options.url), { headers, signal });
    if (response.status === 304) {
      await response.body?.cancel();
      return "not-modified";
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Failed(`HTTP ${response.status} from ${String(options.url)}`);
    }
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > maxBytes) throw new Failed(`pack of ${length} bytes exceeds maxBytes ${maxBytes}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { bytes, etag: response.headers.get("etag") };
  }

  async function run(): Promise<UpdateResult> {
    const engine = await options.engine;
    const result = (status: UpdateResult["status"], reason: string | null): UpdateResult => ({ status, reason, sequence, pack: engine.packInfo });
    try {
      const fetched = await withTimeout(fetchPack, timeout);
      if (fetched === "not-modified") return result("unchanged", null);
      const { bytes } = fetched;
      if (bytes.length > maxBytes) throw new Failed(`pack of ${bytes.length} bytes exceeds maxBytes ${maxBytes}`);
      if (!isSignedPack(bytes)) throw new Refused("not a signed pack (no BSPK envelope); sign it with `botsift pack sign`");
      const claimed = readSignedPack(bytes).sequence;
      if (claimed === sequence) {
        etag = fetched.etag;
        return result("unchanged", null);
      }
      if (claimed < sequence) throw new Refused(`sequence ${claimed} is older than the serving ${sequence}`);
      const signed = await verifySignedPack(bytes, publicKeys);
      await engine.swap(signed.pack.slice());
      sequence = signed.sequence;
      etag = fetched.etag;
      return result("updated", null);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const failed = e instanceof Failed || (!(e instanceof Refused) && !(e instanceof BotsiftError));
      return result(failed ? "failed" : "refused", reason);
    }
  }

  function report(r: UpdateResult): UpdateResult {
    try {
      options.onUpdate?.(r);
    } catch {
      // A throwing callback must not turn a finished check into a failure.
    }
    return r;
  }

  const updater: PackUpdater = {
    check() {
      lastStart = Date.now();
      inflight ??= run()
        .catch((e): UpdateResult => ({ status: "failed", reason: `engine unavailable: ${e instanceof Error ? e.message : String(e)}`, sequence, pack: null }))
        .then(report)
        .finally(() => { inflight = null; });
      return inflight;
    },
    checkIfDue() {
      if (inflight || Date.now() - lastStart < interval * 1000) return null;
      return updater.check();
    },
    start() {
      if (timer !== undefined) return;
      void updater.check();
      timer = setInterval(() => void updater.check(), interval * 1000);
      (timer as { unref?: () => void }).unref?.();
      const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
      if (deno?.unrefTimer && typeof timer === "number") deno.unrefTimer(timer);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    get sequence() {
      return sequence;
    },
  };
  return updater;
}
