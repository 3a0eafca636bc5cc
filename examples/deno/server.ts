// Deno.serve behind botsift. Run: deno run --allow-net=127.0.0.1 --allow-env=PORT examples/deno/server.ts
import { protect } from "botsift/fetch";

function app(request: Request): Response {
  const seen: Record<string, string> = {};
  for (const [name, value] of request.headers) if (name.startsWith("x-botsift-")) seen[name] = value;
  return Response.json({ runtime: "deno", path: new URL(request.url).pathname, botsift: seen });
}

Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT") ?? 8000), onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`) },
  protect(app, { blockAI: true, allow: ["OAI-SearchBot", "MistralAI-User"], robotsTxt: true }),
);
