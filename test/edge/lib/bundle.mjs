// Bundles a Worker the way wrangler does: esbuild with the workerd/worker/browser conditions, ESM,
// minified; every .wasm import stays a separate Wasm module (workerd compiles it at load).
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { gzipSync } from "node:zlib";
import { root } from "./servers.mjs";

export const WORKER_CONDITIONS = ["workerd", "worker", "browser"];

/**
 * Returns { js, wasm: { moduleName: absolutePath }, inputs: { file: bytes }, imports: [specifiers left
 * external], gzip: { js, wasm, total } }.
 */
export async function bundleWorker(entry, { conditions = WORKER_CONDITIONS, minify = true } = {}) {
  const wasm = {};
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions,
    minify,
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [{
      name: "wasm-modules",
      setup(b) {
        b.onResolve({ filter: /\.wasm$/ }, async (args) => {
          if (args.pluginData === "wasm") return undefined; // the inner resolve below
          const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: "wasm" });
          const module = `./${basename(resolved.path)}`;
          wasm[module.slice(2)] = resolved.path;
          return { path: module, external: true };
        });
      },
    }],
  });
  const js = result.outputFiles[0].text;
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.fromEntries(Object.entries(output.inputs).map(([file, v]) => [file, v.bytesInOutput]));
  const imports = output.imports.map((i) => i.path);
  const jsGzip = gzipSync(js, { level: 9 }).length;
  const wasmGzip = Object.values(wasm).reduce((n, file) => n + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  return { js, wasm, inputs, imports, gzip: { js: jsGzip, wasm: wasmGzip, total: jsGzip + wasmGzip } };
}
