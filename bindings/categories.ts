// The category ids of packs/categories.json, for the host and the compiler (a test keeps the three in step).

export const CATEGORIES = [
  "ai_crawler", "ai_search", "ai_assistant", "ai_agent", "ai_coding_agent", "ai_undocumented",
  "search_engine", "seo", "monitoring", "advertising", "social_preview", "feed_fetcher",
  "aggregator", "archiver", "academic", "security", "accessibility", "webhook",
  "http_library", "headless_browser", "other",
] as const;
