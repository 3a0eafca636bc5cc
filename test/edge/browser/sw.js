// Service worker under test (bundled by browser.test.js): protect() guards /guarded/*, logs /logged/*, serves /robots.txt.
import { protect } from "botsift/fetch";

const forward = (request) => fetch(request);
const options = { blockAI: true, deny: ["category:headless_browser"], robotsTxt: true };
const guarded = protect(forward, options);
const logged = protect(forward, { ...options, mode: "log" });

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const path = new URL(event.request.url).pathname;
  if (path.startsWith("/guarded/") || path === "/robots.txt") event.respondWith(guarded(event.request, undefined, event));
  else if (path.startsWith("/logged/")) event.respondWith(logged(event.request, undefined, event));
});
