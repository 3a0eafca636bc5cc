// A Cloudflare Worker behind botsift: AI bots blocked, two allowed, robots.txt from the pack, packs updated from KV.
import { protect } from "botsift/fetch";

function app(request) {
  const seen = {};
  for (const [name, value] of request.headers) if (name.startsWith("x-botsift-")) seen[name] = value;
  return Response.json({ runtime: "workerd", path: new URL(request.url).pathname, botsift: seen });
}

export default {
  // Options may be a function of env: it runs once, on the first request.
  fetch: protect(app, (env) => ({
    blockAI: true,
    allow: ["OAI-SearchBot", "MistralAI-User"],
    robotsTxt: true,
    updates: env.PACKS && {
      kv: env.PACKS,
      key: "current",
      publicKey: env.BOTSIFT_PUBLIC_KEY,
      interval: Number(env.BOTSIFT_UPDATE_INTERVAL ?? 300),
    },
  })),
};
