/**
 * Last-Modified for shared representations that have no stored modification time of their own. A feed or API
 * listing changes when votes, stars or moderation reorder it, not only when a newer item arrives, so the date of
 * the newest item would answer If-Modified-Since with 304 for content that did change. Instead the clock notes
 * when each URL's entity tag last changed, as seen by this process.
 *
 * HTTP dates have whole seconds. The time is rounded up to the next second and withheld until that second has
 * come (a Last-Modified must not be later than the response's Date), so two versions can never share one date.
 * A restarted or second process sees a later date, which costs a full response, never a wrong 304.
 */
export class ModificationClock {
  private readonly changes = new Map<string, { etag: string; at: number }>();

  constructor(
    private readonly maxUrls = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Last-Modified of `etag` at `url` in milliseconds (a whole second), or null within its first second. */
  lastModified(url: string, etag: string): number | null {
    const now = this.now();
    let change = this.changes.get(url);
    if (change) this.changes.delete(url);
    if (!change || change.etag !== etag) change = { etag, at: Math.ceil(now / 1000) * 1000 };
    this.changes.set(url, change);
    if (this.changes.size > this.maxUrls) this.changes.delete(this.changes.keys().next().value!);
    return change.at <= now ? change.at : null;
  }
}
