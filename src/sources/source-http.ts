import { minIntervalFor, paperboyUserAgent, PoliteHttpClient } from '../ingest/polite-http.js';

export interface SourceHttpOptions {
  readonly publicUrl: string;
  /** Least time between two requests to one host (arXiv hosts never get less than 3 s). */
  readonly minIntervalMs: number;
  /** Retries after a 5xx or network error, backing off from `backoffMs` (doubling). */
  readonly maxRetries?: number;
  readonly backoffMs?: number;
  /** A longer Retry-After ends the run instead; the scheduler comes back when the server asked. */
  readonly maxRetryAfterMs?: number;
  readonly timeoutMs?: number;
}

/**
 * One polite client per host (scheme, name and port), shared by every source that talks to it, so two sources on
 * one host still send at most one request per interval.
 */
export class SourceHttp {
  private readonly clients = new Map<string, PoliteHttpClient>();

  constructor(private readonly options: SourceHttpOptions) {}

  clientFor(url: string): PoliteHttpClient {
    const origin = new URL(url).origin;
    let client = this.clients.get(origin);
    if (!client) {
      const minIntervalMs = minIntervalFor(url, this.options.minIntervalMs);
      client = new PoliteHttpClient({
        minIntervalMs,
        maxRetries: this.options.maxRetries ?? 3,
        backoffMs: this.options.backoffMs ?? Math.max(1000, minIntervalMs),
        maxBackoffMs: 60_000,
        maxRetryAfterMs: this.options.maxRetryAfterMs ?? 60_000,
        timeoutMs: this.options.timeoutMs ?? 30_000,
        userAgent: paperboyUserAgent(this.options.publicUrl),
      });
      this.clients.set(origin, client);
    }
    return client;
  }
}
