// Typed errors of the public API. Every error says what is wrong and where.

/** Base class: every error botsift throws is a BotsiftError with a stable `code`. */
export class BotsiftError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "BotsiftError";
    this.code = code;
  }
}

/** Where in the pack sources a problem was found. */
export interface SourceLocation {
  /** The source's file path when it came from a file, else its `name`. */
  source: string;
  bot?: string;
  /** JSON path of the field, e.g. `bots[3].signatures[0].literal`. */
  field: string;
}

export interface SourceProblem extends SourceLocation {
  message: string;
}

/** Pack sources failed their checks; `problems` lists every one, not just the first. */
export class PackSourceError extends BotsiftError {
  readonly problems: SourceProblem[];
  constructor(problems: SourceProblem[]) {
    const lines = problems.map((p) => `${p.source}: ${p.bot ? `bot "${p.bot}": ` : ""}${p.field}: ${p.message}`);
    super("PACK_SOURCE", `invalid pack source (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  ${lines.join("\n  ")}`);
    this.name = "PackSourceError";
    this.problems = problems;
  }
}

/** A compiled pack was refused by the engine; the engine keeps serving the pack it had. */
export class PackLoadError extends BotsiftError {
  readonly status: number;
  constructor(status: number, reason: string) {
    super("PACK_LOAD", `pack rejected: ${reason} (status ${status})`);
    this.name = "PackLoadError";
    this.status = status;
  }
}

/** The engine trapped (a bug in botsift); that engine instance is no longer used. */
export class EngineFault extends BotsiftError {
  constructor(cause: unknown) {
    super("ENGINE_FAULT", `engine fault: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "EngineFault";
  }
}
