// Fetches one URL from a JavaScript runtime (node, deno or bun) with the API named in the first argument:
// "fetch" (the runtime's global fetch; undici in node) or "http" (node:http / node:https get). Library
// defaults only, no extra headers. Used by ../capture.mjs.
const argv = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [api, url] = argv;
if (api === "fetch") {
  const res = await fetch(url);
  await res.text();
} else if (api === "http") {
  const mod = url.startsWith("https:") ? await import("node:https") : await import("node:http");
  await new Promise((resolve, reject) => {
    mod.get(url, (res) => { res.resume(); res.on("end", resolve); }).on("error", reject);
  });
} else {
  throw new Error(`unknown api ${api}`);
}
