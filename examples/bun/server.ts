// Bun.serve behind botsift. Run: bun examples/bun/server.ts
import { protect } from "botsift/fetch";

function app(request: Request): Response {
  const seen: Record<string, string> = {};
  for (const [name, value] of request.headers) if (name.startsWith("x-botsift-")) seen[name] = value;
  return Response.json({ runtime: "bun", path: new URL(request.url).pathname, botsift: seen });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 3000),
  fetch: protect(app, { blockAI: true, allow: ["OAI-SearchBot", "MistralAI-User"], robotsTxt: true }),
});
console.log(`listening on http://127.0.0.1:${server.port}`);
