// `botsift pack build|keygen|sign|info` and `botsift robots`: make, sign and inspect packs, and
// print the robots.txt a middleware configuration serves.

import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { createEngine } from "../runtime/portable.js";
import { compilePack, type NamedSource } from "../compile/index.js";
import type { Engine } from "../engine.js";
import { Policy } from "../adapters/policy.js";
import { robotsTxt } from "../robots/index.js";
import { generateSigningKey, isSignedPack, readSignedPack, signPack, verifySignedPack } from "../update/envelope.js";

export const PACK_HELP = `  botsift pack build [--no-builtin] [SOURCE.json…] -o OUT.pack
                                   compile pack sources (with the built-in ones unless --no-builtin)
  botsift pack keygen [-o NAME]    make an Ed25519 key pair: NAME.key (secret) and NAME.pub
  botsift pack sign --key NAME.key [--sequence N] IN.pack -o OUT.bspk
                                   sign a pack for live updates (sequence: default Unix seconds)
  botsift pack info [--public-key NAME.pub] FILE
                                   describe a pack or signed pack; verify it with the key if given
  botsift robots [--block-ai] [--allow A,B] [--deny C] [--pack FILE] [--append FILE]
                                   print the robots.txt the middleware serves for these options`;

interface Parsed {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

/** Splits argv into positionals, `--name value` options (from `valued`) and bare flags (from `bare`). */
function parse(args: string[], valued: string[], bare: string[]): Parsed {
  const out: Parsed = { positional: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (valued.includes(a)) {
      if (i + 1 >= args.length) throw new Error(`${a} needs a value`);
      out.values.set(a, args[++i]);
    } else if (bare.includes(a)) out.flags.add(a);
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}

const packageFile = (path: string) => new URL(`../../${path}`, import.meta.url);

/** The built-in pack's sources, found by the source names its metadata lists (packs/<name>.json). */
async function builtinSources(): Promise<NamedSource[]> {
  const engine = await createEngine();
  return engine.packInfo.sources.map(({ name }) => {
    const file = packageFile(`packs/${name}.json`);
    if (!existsSync(file)) throw new Error(`built-in source "${name}" not found at packs/${name}.json; use --no-builtin and list the sources`);
    return { label: `packs/${name}.json`, source: JSON.parse(readFileSync(file, "utf8")) };
  });
}

function readJson(path: string): NamedSource {
  try {
    return { label: path, source: JSON.parse(readFileSync(path, "utf8")) };
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function writeNew(path: string, data: string | Uint8Array): void {
  if (existsSync(path)) throw new Error(`${path} exists; not overwriting it`);
  writeFileSync(path, data);
}

function describePack(engine: Engine): string[] {
  const p = engine.packInfo;
  return [
    `pack      ${p.name} ${p.version}`,
    `bytes     ${p.bytes}`,
    `checksum  ${p.checksum.toString(16).padStart(8, "0")}`,
    `bots      ${p.bots}`,
    `signatures ${p.signatures}`,
    `sources   ${p.sources.map((s) => `${s.name} ${s.version}`).join(", ")}`,
  ];
}

/** A public key given inline (base64) or as a file written by keygen. */
function publicKeyArg(value: string): string {
  return existsSync(value) ? readFileSync(value, "utf8").trim() : value.trim();
}

async function build(args: string[]): Promise<number> {
  const p = parse(args, ["-o", "--output"], ["--no-builtin"]);
  const out = p.values.get("-o") ?? p.values.get("--output");
  if (!out) throw new Error("pack build needs -o OUT.pack");
  const sources = [...(p.flags.has("--no-builtin") ? [] : await builtinSources()), ...p.positional.map(readJson)];
  if (sources.length === 0) throw new Error("no sources: list SOURCE.json files or drop --no-builtin");
  const pack = await compilePack(sources);
  const engine = await createEngine({ pack });
  writeFileSync(out, pack);
  console.log(`wrote ${out}\n${describePack(engine).join("\n")}`);
  return 0;
}

async function keygen(args: string[]): Promise<number> {
  const p = parse(args, ["-o", "--output"], []);
  const base = p.values.get("-o") ?? p.values.get("--output") ?? "botsift-pack";
  const key = await generateSigningKey();
  writeNew(`${base}.key`, key.privateKey);
  chmodSync(`${base}.key`, 0o600);
  writeNew(`${base}.pub`, `${key.publicKey}\n`);
  console.log(`wrote ${base}.key (secret: keep it out of version control) and ${base}.pub\nkey id      ${key.keyId}\npublic key  ${key.publicKey}`);
  return 0;
}

async function sign(args: string[]): Promise<number> {
  const p = parse(args, ["-o", "--output", "--key", "--sequence"], []);
  const keyFile = p.values.get("--key");
  const out = p.values.get("-o") ?? p.values.get("--output");
  if (!keyFile || !out || p.positional.length !== 1) throw new Error("usage: botsift pack sign --key NAME.key [--sequence N] IN.pack -o OUT.bspk");
  const seqText = p.values.get("--sequence");
  const sequence = seqText === undefined ? Math.floor(Date.now() / 1000) : Number(seqText);
  const pack = new Uint8Array(readFileSync(p.positional[0]));
  if (isSignedPack(pack)) throw new Error(`${p.positional[0]} is already signed`);
  await createEngine({ pack }); // refuse to sign what no engine would load
  const signed = await signPack(pack, readFileSync(keyFile, "utf8"), sequence);
  writeFileSync(out, signed);
  const env = readSignedPack(signed);
  console.log(`wrote ${out}: sequence ${env.sequence}, key id ${env.keyId}, ${signed.length} bytes`);
  return 0;
}

async function info(args: string[]): Promise<number> {
  const p = parse(args, ["--public-key"], ["--json"]);
  if (p.positional.length !== 1) throw new Error("usage: botsift pack info [--public-key NAME.pub] FILE");
  const bytes = new Uint8Array(readFileSync(p.positional[0]));
  const lines: string[] = [`file      ${basename(p.positional[0])}`];
  let pack: Uint8Array = bytes;
  let ok = true;
  if (isSignedPack(bytes)) {
    const env = readSignedPack(bytes);
    pack = env.pack;
    lines.push(`signed    sequence ${env.sequence}, key id ${env.keyId}`);
    const key = p.values.get("--public-key");
    if (key) {
      try {
        await verifySignedPack(bytes, [publicKeyArg(key)]);
        lines.push("signature valid");
      } catch (e) {
        ok = false;
        lines.push(`signature INVALID: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else lines.push("signature not checked (give --public-key)");
  } else lines.push("signed    no (plain pack)");
  const engine = await createEngine({ pack });
  console.log([...lines, ...describePack(engine)].join("\n"));
  return ok ? 0 : 1;
}

async function loadPack(path: string | undefined): Promise<Engine> {
  if (path === undefined) return createEngine();
  const bytes = new Uint8Array(readFileSync(path));
  return createEngine({ pack: isSignedPack(bytes) ? readSignedPack(bytes).pack : bytes });
}

const list = (s: string | undefined) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean);

export async function robots(args: string[]): Promise<number> {
  const p = parse(args, ["--allow", "--deny", "--pack", "--append"], ["--block-ai"]);
  if (p.positional.length) throw new Error(`unexpected argument ${p.positional[0]}`);
  const engine = await loadPack(p.values.get("--pack"));
  const policy = new Policy({ blockAI: p.flags.has("--block-ai"), allow: list(p.values.get("--allow")), deny: list(p.values.get("--deny")) });
  for (const e of policy.unmatched(engine.bots)) console.error(`botsift robots: warning: "${e}" names no bot, operator or category of the pack`);
  const appendFile = p.values.get("--append");
  process.stdout.write(robotsTxt(engine.bots, { blocks: (b) => policy.blocksGenuine(b), pack: engine.packInfo, append: appendFile ? readFileSync(appendFile, "utf8") : "" }));
  return 0;
}

export async function pack(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const run = { build, keygen, sign, info }[sub as "build"];
  if (!run) {
    console.error(`botsift pack: unknown subcommand "${sub ?? ""}"\n\n${PACK_HELP}`);
    return 2;
  }
  return run(rest);
}
