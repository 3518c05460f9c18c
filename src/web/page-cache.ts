import type { Store } from '../db/database.js';

/**
 * Rendered pages for anonymous visitors and public JSON listings (signed-in users see their own vote state and are never served
 * from here). Every write made through the app clears the whole cache; the short TTL bounds staleness after
 * writes made by another process (a CLI import, a second server).
 */
export class PageCache {
  private readonly entries = new Map<string, { html: string; expires: number }>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 500,
  ) {}

  get(key: string, now = Date.now()): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return null;
    }
    return entry.html;
  }

  set(key: string, html: string, now = Date.now()): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { html, expires: now + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

const caches = new WeakMap<Store, PageCache>();

/** One cache per store, so apps over different databases (tests) never share fragments. */
export function pageCacheFor(store: Store): PageCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new PageCache();
    caches.set(store, cache);
  }
  return cache;
}
