import type { WriteEvent } from '../write-events.js';

/**
 * Rendered pages for anonymous visitors and public JSON listings (signed-in users see their own vote state and are
 * never served from here). It clears itself on every announced write that can change a page (see `watch`), another
 * instance's included (write-relay.ts forwards them); the short TTL bounds staleness after writes that announce
 * nothing to the servers (a CLI import).
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

  get size(): number {
    return this.entries.size;
  }

  /**
   * Subscribes to write announcements. Subscriptions never show on a page, and neither do private library
   * changes, ratings, follows, notifications or authored papers (libraries are only ever rendered for their owner,
   * never cached); everything else may, and so may writes another instance could not describe (`missed`).
   */
  watch(writes: { subscribe(listener: (event: WriteEvent) => void): () => void }): () => void {
    return writes.subscribe((event) => {
      if (event.kind === 'subscription') return;
      if (event.kind === 'library' && !event.public) return;
      if (event.kind === 'rating' || event.kind === 'follow' || event.kind === 'notification' || event.kind === 'authored') return;
      this.clear();
    });
  }
}
