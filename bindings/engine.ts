// Engine: the host side of the Wasm engine. Encodes requests straight into the instance's
// input region, decodes verdict records, and swaps packs by loading each new pack into a
// fresh instance that replaces the serving one only once it has accepted the pack.

import * as F from "./format.js";
import { EngineFault, PackLoadError, BotsiftError } from "./errors.js";
import { readPackMeta, statusText, type BotInfo, type PackInfo } from "./meta.js";
import { normalizeRequest, type Classifiable, type NormalizedRequest } from "./request.js";
import { recordBound, writeRecord } from "./record.js";
import type { NamedLists } from "./rules/index.js";
// [rate limits] bindings/ratelimit/: options, verdict outcome, in-engine table or external store.
import { RateLimitHost, readOutcome, applyStore, type RateLimitExports, type RateLimitSettings } from "./ratelimit/host.js";
import { rateLimitSettings, type RateLimitOptions } from "./ratelimit/config.js";
import { RateLimitAsyncError, type RateLimitOutcome, type RateLimitStats } from "./ratelimit/types.js";

export type VerdictClass = "human" | "likely_bot" | "bot" | "verified_bot";
const CLASSES: VerdictClass[] = ["human", "likely_bot", "bot", "verified_bot"];

/** The bot a request claims to be, and whether its address bears the claim out. */
export interface ClaimedBot extends BotInfo {
  /** The address is in the bot's published ranges. */
  readonly verified: boolean;
  /** The bot publishes authoritative ranges and the address is outside them. */
  readonly spoofed: boolean;
}

export interface Verdict {
  /** 1 = automated … 99 = human, in Cloudflare's bands (1, 2–29, 30–99). */
  score: number;
  class: VerdictClass;
  /** The bot the most specific matching signature names, or null. */
  bot: ClaimedBot | null;
  /** Detection ids of every signature and check that fired. */
  detections: number[];
  /** botsift's header fingerprint (see the README), or null when no headers were supplied. */
  fingerprint: string | null;
  /** What the pack knows sends that fingerprint (e.g. "curl"), or null. */
  fingerprintLabel: string | null;
  /** A field was longer than the pack's bound and was scanned only up to it. */
  truncated: boolean;
  /** The terminating action of the first custom rule that matched (or "block" from a rate limit), or null. */
  action: "block" | "allow" | "skip" | null;
  /** The id of that rule or rate limit, or null. */
  rule: string | null;
  /** Ids of the matching custom rules whose action is "log", then of rate limits over their rate with action "log". */
  logged: string[];
  /** The rate limit that blocked, else the first that logged; null when no rate limit was exceeded. */
  rateLimit: RateLimitOutcome | null;
}

/** A custom rule: a rules-language expression and what to do when it matches. */
export interface CustomRule {
  id: string;
  expression: string;
  action: "block" | "allow" | "skip" | "log";
}

export type AutomatonForm = "auto" | "dense" | "compact";

export interface EngineOptions extends RateLimitOptions {
  /** A compiled pack (from compilePack or `botsift pack build`); the built-in pack when omitted. */
  pack?: Uint8Array;
  /** Force an automaton form; "auto" picks the dense DFA unless it would be too large. */
  automaton?: AutomatonForm;
  /** Custom rules, run in order after the bot signals: the first block/allow/skip wins, log rules accumulate. */
  rules?: CustomRule[];
  /** Named lists for `$name` in rules: strings, integers, or IP addresses and CIDRs as text. */
  lists?: NamedLists;
  // [rate limits] rateLimits, rateLimitStore, rateLimitEntries, rateLimitSeed, clock: see RateLimitOptions (bindings/ratelimit/config.ts).
}

interface EngineExports extends RateLimitExports {
  memory: WebAssembly.Memory;
  allocPack(len: number): number;
  loadPack(form: number): number;
  automatonForm(): number;
  prefilterStride(): number;
  reserveInput(len: number): number;
  reserveVerdicts(count: number): number;
  classifyUserAgent(len: number, truncated: number, classOnly: number): number;
  classifyRecords(count: number): number;
}

/** Per bot, the three shared verdict objects: claimed, verified, spoofed. */
function claimVariants(bots: BotInfo[]): ClaimedBot[][] {
  return bots.map((b) => [
    Object.freeze({ ...b, verified: false, spoofed: false }),
    Object.freeze({ ...b, verified: true, spoofed: false }),
    Object.freeze({ ...b, verified: false, spoofed: true }),
  ]);
}

const FORMS: Record<AutomatonForm, number> = { auto: F.AUTOMATON_AUTO, dense: F.AUTOMATON_DENSE, compact: F.AUTOMATON_COMPACT };
const BATCH_CHUNK = 256;
const encoder = new TextEncoder();

/** One Wasm instance with one pack, for life. */
class PackInstance {
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private inputView!: Uint8Array;
  private userAgentView!: Uint8Array;
  private input = 0;
  private inputCap = 0;
  private verdicts = 0;
  private verdictCap = 0;
  private readonly maxEncoded: number;
  private dv!: DataView;
  private readonly claims: ClaimedBot[][];
  readonly prefilterStride: number;
  /** Labels of known header fingerprints, from the pack. */
  fingerprintLabels: ReadonlyMap<string, string> = new Map();
  lastNow = 0; // [rate limits]

  constructor(
    private readonly exports: EngineExports,
    readonly info: PackInfo,
    readonly bots: BotInfo[],
    readonly form: "dense" | "compact",
    maxFieldLength: number,
    private readonly ruleIds: readonly string[],
    readonly limiter: RateLimitHost | null = null, // [rate limits]
  ) {
    this.prefilterStride = exports.prefilterStride();
    this.claims = claimVariants(bots);
    this.maxEncoded = maxFieldLength;
    this.reserve(maxFieldLength, BATCH_CHUNK);
  }

  private refreshViews(): void {
    const buffer = this.exports.memory.buffer;
    if (this.u8 === undefined || this.u8.buffer !== buffer) {
      this.u8 = new Uint8Array(buffer);
      this.u32 = new Uint32Array(buffer);
    }
    this.inputView = this.u8.subarray(this.input, this.input + this.inputCap);
    this.dv = new DataView(this.u8.buffer, this.input, this.inputCap);
    this.userAgentView = this.inputView.subarray(0, this.maxEncoded);
  }

  private reserve(inputBytes: number, verdictCount: number): void {
    let moved = this.u8 === undefined || this.u8.buffer !== this.exports.memory.buffer;
    if (inputBytes > this.inputCap) {
      this.input = this.exports.reserveInput(inputBytes);
      this.inputCap = inputBytes;
      moved = true;
    }
    if (verdictCount > this.verdictCap) {
      this.verdicts = this.exports.reserveVerdicts(verdictCount);
      this.verdictCap = verdictCount;
      moved = true;
    }
    // Views are rebuilt only when the region moved or memory grew: most calls allocate nothing here.
    if (moved || this.u8.buffer !== this.exports.memory.buffer) this.refreshViews();
  }

  /**
   * Encodes `ua` at the start of the input region and classifies it into verdict record 0. With
   * `classOnly` only the packed class is meaningful (see the engine's classifyUserAgent).
   */
  classifyUserAgentPacked(ua: string, classOnly = false): number {
    const r = encoder.encodeInto(ua, this.userAgentView);
    return this.exports.classifyUserAgent(r.written, r.read < ua.length ? 1 : 0, classOnly ? 1 : 0);
  }

  verdictAt(index: number): Verdict {
    const base = this.verdicts + index * F.VERDICT_SIZE;
    const u8 = this.u8, u32 = this.u32;
    const flags = u8[base + F.VERDICT_FLAGS] | (u8[base + F.VERDICT_FLAGS + 1] << 8);
    const bot = u32[(base + F.VERDICT_BOT) >>> 2] | 0;
    const count = Math.min(u32[(base + F.VERDICT_DETECTION_COUNT) >>> 2], F.MAX_DETECTIONS);
    const detections: number[] = new Array(count);
    const d = (base + F.VERDICT_DETECTIONS) >>> 2;
    for (let i = 0; i < count; i++) detections[i] = u32[d + i];
    const claim = (flags & F.VERDICT_FLAG_VERIFIED) !== 0 ? 1 : (flags & F.VERDICT_FLAG_SPOOFED) !== 0 ? 2 : 0;
    const fingerprint = this.fingerprintAt(base + F.VERDICT_FINGERPRINT);
    return {
      score: u8[base + F.VERDICT_SCORE],
      class: CLASSES[u8[base + F.VERDICT_CLASS]] ?? "human",
      bot: bot >= 0 ? this.claims[bot]?.[claim] ?? null : null,
      detections,
      fingerprint,
      fingerprintLabel: fingerprint === null ? null : this.fingerprintLabels.get(fingerprint) ?? null,
      truncated: (flags & F.VERDICT_FLAG_TRUNCATED) !== 0,
      ...this.ruleOutcome(base),
    };
  }

  private ruleOutcome(base: number): Pick<Verdict, "action" | "rule" | "logged" | "rateLimit"> {
    return readOutcome(this.u8, this.u32, base, this.ruleIds, this.limiter); // [rate limits] decodes custom rules too
  }

  private fingerprintAt(at: number): string | null {
    const u8 = this.u8;
    if (u8[at] === 0) return null;
    // ASCII by construction; concatenating beats spreading a typed array into fromCharCode.
    let text = "";
    for (let i = at; i < at + F.FINGERPRINT_SIZE && u8[i] !== 0; i++) text += String.fromCharCode(u8[i]);
    return text;
  }

  /** Classifies full requests: one crossing into the engine per chunk of BATCH_CHUNK. */
  classifyRequests(reqs: NormalizedRequest[]): Verdict[] {
    const out: Verdict[] = [];
    if (this.limiter) this.lastNow = this.limiter.tick(); // [rate limits] the host's clock, once per call
    for (let from = 0; from < reqs.length; from += BATCH_CHUNK) {
      const count = Math.min(BATCH_CHUNK, reqs.length - from);
      let need = count * 4;
      for (let i = 0; i < count; i++) need += recordBound(reqs[from + i], this.maxEncoded);
      this.reserve(need, count);
      const u32 = this.u32, base = this.input;
      let at = count * 4;
      for (let i = 0; i < count; i++) {
        u32[(base >>> 2) + i] = at;
        at += writeRecord(this.inputView, this.dv, at, reqs[from + i], this.maxEncoded);
      }
      const status = this.exports.classifyRecords(count);
      if (status !== F.STATUS_OK) throw new BotsiftError("ENGINE_STATUS", `engine refused the batch: ${statusText(status)}`);
      for (let i = 0; i < count; i++) out.push(this.verdictAt(i));
    }
    return out;
  }
}

/** The custom rules (and rate limits) to add to every pack this engine serves. */
interface RuleConfig { rules: readonly CustomRule[]; lists: NamedLists; rateLimit: RateLimitSettings | null }

/** `pack` with `config`'s rules compiled against its bots; the compiler is loaded only when there are rules. */
async function withRules(pack: Uint8Array, config: RuleConfig): Promise<Uint8Array> {
  let out = pack;
  if (config.rules.length > 0) {
    const { withRules: splice } = await import("./custom-rules.js");
    out = splice(out, config.rules, config.lists);
  }
  if (config.rateLimit) { // [rate limits]
    const { withRateLimits } = await import("./ratelimit/compile.js");
    out = withRateLimits(out, config.rateLimit.limits, config.lists);
  }
  return out;
}

async function instantiate(module: WebAssembly.Module, original: Uint8Array, form: AutomatonForm, config: RuleConfig): Promise<PackInstance> {
  if (!(original instanceof Uint8Array)) throw new PackLoadError(F.STATUS_BAD_LENGTH, "a pack must be a Uint8Array");
  // A pack that fails its own checks is refused before rules are spliced into it.
  if (config.rules.length > 0 || config.rateLimit) await instantiate(module, original, form, { rules: [], lists: {}, rateLimit: null });
  const pack = await withRules(original, config);
  const instance = await WebAssembly.instantiate(module, {});
  const exports = instance.exports as unknown as EngineExports;
  let status: number;
  try {
    const ptr = exports.allocPack(pack.length);
    new Uint8Array(exports.memory.buffer, ptr, pack.length).set(pack);
    status = exports.loadPack(FORMS[form] ?? F.AUTOMATON_AUTO);
  } catch (e) {
    throw new PackLoadError(F.STATUS_OUT_OF_MEMORY, `engine trapped while loading: ${(e as Error).message}`);
  }
  if (status !== F.STATUS_OK) throw new PackLoadError(status, status === F.STATUS_BAD_RATE_LIMITS ? "invalid rate-limit section" : statusText(status));
  const limiter = config.rateLimit ? new RateLimitHost(exports, config.rateLimit) : null; // [rate limits]
  const meta = readPackMeta(pack);
  const maxField = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
  const serving = new PackInstance(exports, meta.info, meta.bots, exports.automatonForm() === F.AUTOMATON_DENSE ? "dense" : "compact", readMaxFieldLength(maxField), config.rules.map((r) => r.id), limiter);
  serving.fingerprintLabels = meta.fingerprints;
  return serving;
}

function readMaxFieldLength(view: DataView): number {
  const count = view.getUint32(F.HEADER_SECTION_COUNT, true);
  for (let i = 0; i < count; i++) {
    const e = F.HEADER_SIZE + i * F.SECTION_ENTRY_SIZE;
    if (view.getUint32(e, true) === F.SECTION_PARAMS) return view.getUint32(view.getUint32(e + 4, true) + F.PARAM_MAX_FIELD_LENGTH, true);
  }
  return 8192;
}

/**
 * The bot-detection engine. Calls are synchronous; `swap` prepares the new pack on the side
 * and switches only when it was accepted, so every call sees exactly one pack.
 */
export class Engine {
  private current: PackInstance;
  private faulted: EngineFault | null = null;

  /** @internal use createEngine */
  constructor(private readonly module: WebAssembly.Module, first: PackInstance, private readonly form: AutomatonForm, private readonly config: RuleConfig) {
    this.current = first;
  }

  /** The serving pack: name, version, size, checksum, counts. */
  get packInfo(): PackInfo {
    return this.current.info;
  }

  /** The automaton form serving requests. */
  get automaton(): "dense" | "compact" {
    return this.current.form;
  }

  /** The trigram prefilter's sampling stride (1 or 2), or 0 when the scan runs unfiltered. */
  get prefilterStride(): number {
    return this.current.prefilterStride;
  }

  /** Every bot of the serving pack. */
  get bots(): readonly BotInfo[] {
    return this.current.bots;
  }

  /** The error to throw for `e`; a trap is a bug in the engine: that instance stops serving. */
  private fault(e: unknown): Error {
    if (e instanceof BotsiftError) return e;
    this.faulted = new EngineFault(e);
    return this.faulted;
  }

  private guard<T>(run: () => T): T {
    if (this.faulted) throw this.faulted;
    try {
      return run();
    } catch (e) {
      throw this.fault(e);
    }
  }

  /**
   * Classifies one request: a Fetch Request (headers, URL, Workers' `cf`), a RequestInfo, or a
   * user-agent string (the fast path: the user agent alone decides).
   */
  classify(req: Classifiable): Verdict {
    if (this.faulted) throw this.faulted;
    try {
      if (typeof req === "string") {
        this.current.classifyUserAgentPacked(req);
        return this.current.verdictAt(0);
      }
      if (this.config.rateLimit?.store) throw new RateLimitAsyncError("classify"); // [rate limits]
      return this.current.classifyRequests([normalizeRequest(req)])[0];
    } catch (e) {
      throw this.fault(e);
    }
  }

  /** Classifies many requests with one crossing into the engine per chunk of 256. */
  classifyBatch(reqs: readonly Classifiable[]): Verdict[] {
    return this.guard(() => {
      if (this.config.rateLimit?.store) throw new RateLimitAsyncError("classifyBatch"); // [rate limits]
      return this.current.classifyRequests(reqs.map(normalizeRequest));
    });
  }

  /**
   * [rate limits] Classifies one request and, when rate limits count in an external store
   * (`rateLimitStore`), asks the store about every rate limit the request matches. Works on
   * every engine; rejects with RateLimitStoreError when the store fails.
   */
  async classifyAsync(req: Classifiable): Promise<Verdict> {
    const instance = this.current;
    const limiter = instance.limiter;
    if (!limiter?.external || typeof req === "string") return this.classify(req);
    const verdict = this.guard(() => instance.classifyRequests([normalizeRequest(req)])[0]);
    return applyStore(verdict, limiter.matches(), limiter, instance.lastNow);
  }

  /** [rate limits] True when rate limits count in an external store: then only classifyAsync classifies full requests. */
  get usesRateLimitStore(): boolean {
    return this.config.rateLimit?.store != null;
  }

  /** [rate limits] The in-engine counter table: capacity, entries used, evictions; null without one. */
  rateLimitStats(): RateLimitStats | null {
    return this.current.limiter?.stats() ?? null;
  }

  /** True when the user agent is automated (any class but human). The fastest call. */
  isBot(userAgent: string): boolean {
    // The hot path: no closure, one crossing into the engine, no verdict object.
    if (this.faulted) throw this.faulted;
    try {
      return (this.current.classifyUserAgentPacked(userAgent, true) & 0xff00) !== F.CLASS_HUMAN << 8;
    } catch (e) {
      throw this.fault(e);
    }
  }

  /**
   * Replaces the pack. The new pack is validated in a fresh instance; on any failure this throws
   * a PackLoadError and the old pack keeps serving. Resolves to the new pack's info.
   */
  async swap(pack: Uint8Array): Promise<PackInfo> {
    const next = await instantiate(this.module, pack, this.form, this.config);
    if (next.limiter && this.current.limiter) next.limiter.adopt(this.current.limiter); // [rate limits] counters survive swaps
    this.current = next;
    this.faulted = null;
    return next.info;
  }
}

/** Builds a createEngine for one way of obtaining the Wasm module and the default pack. */
export function engineFactory(loadModule: () => Promise<WebAssembly.Module>, defaultPack: () => Uint8Array) {
  let modulePromise: Promise<WebAssembly.Module> | undefined;
  return async function createEngine(options: EngineOptions = {}): Promise<Engine> {
    modulePromise ??= loadModule();
    const module = await modulePromise;
    const form = options.automaton ?? "auto";
    if (!(form in FORMS)) throw new BotsiftError("OPTIONS", `automaton must be "auto", "dense" or "compact", not "${String(form)}"`);
    const config: RuleConfig = { rules: options.rules ?? [], lists: options.lists ?? {}, rateLimit: null };
    const ids = new Set<string>();
    for (const r of config.rules) {
      if (!r || typeof r.id !== "string" || typeof r.expression !== "string") throw new BotsiftError("OPTIONS", "each rule needs an id and an expression");
      if (ids.has(r.id)) throw new BotsiftError("OPTIONS", `duplicate rule id "${r.id}"`);
      ids.add(r.id);
    }
    config.rateLimit = rateLimitSettings(options, [...ids]); // [rate limits]
    const first = await instantiate(module, options.pack ?? defaultPack(), form, config);
    return new Engine(module, first, form, config);
  };
}
