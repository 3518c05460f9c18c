import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root.js';

/**
 * A fetch wrapper for services that ask clients to be gentle (arXiv's OAI-PMH and API, Hugging Face, GitHub): one
 * request at a time, a minimum gap between requests, Retry-After honoured, transient failures retried with backoff.
 */

/** arXiv's terms of use: no more than one request every three seconds, on a single connection. */
export const ARXIV_MIN_INTERVAL_MS = 3000;

/** Statuses worth another try: the server is overloaded, restarting, or asks us to slow down. */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

export interface RetryNotice {
  readonly url: string;
  /** The attempt that failed, counting from 1. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly reason: string;
  readonly delayMs: number;
  /** True when the delay comes from the server's Retry-After header. */
  readonly retryAfter: boolean;
}

export interface PoliteHttpOptions {
  /** Minimum time between the end of one exchange and the start of the next. */
  readonly minIntervalMs?: number;
  /** Retries after the first attempt before giving up. */
  readonly maxRetries?: number;
  /** First backoff delay when the server gives no Retry-After; doubles on every retry. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited out: the request fails with a clear error instead. */
  readonly maxRetryAfterMs?: number;
  /** Per attempt, covering the response body. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** Per-request options of `PoliteHttpClient.get`. */
export interface PoliteGetOptions {
  readonly accept?: string;
  /** Extra request headers (If-None-Match, Authorization …). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Responses the caller handles itself, returned as they are instead of being retried or failed: a 304 after
   * If-None-Match, a 404, a rate-limit answer whose headers the caller reads.
   */
  readonly handBack?: (status: number, headers: Headers) => boolean;
  /** Called for every request sent, retries included (per-source request counters). */
  readonly onAttempt?: () => void;
  /** Aborts the request, and any wait before a retry, when the caller shuts down. */
  readonly signal?: AbortSignal;
}

export interface HttpTextResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** A request that failed for good: a non-retryable status, or the last retry failed too. */
export class HttpRequestError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null,
    readonly attempts: number,
    /** How long the server asked us to wait (Retry-After) before trying again, when it said so. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'HttpRequestError';
  }
}

let cachedVersion: string | null = null;

/** The installed Paperboy version, from package.json. */
export function paperboyVersion(): string {
  if (cachedVersion === null) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
      cachedVersion = typeof pkg.version === 'string' ? pkg.version : '0';
    } catch {
      cachedVersion = '0';
    }
  }
  return cachedVersion;
}

/** `Paperboy/<version> (+<instance URL>)`: who is asking, and where to find out more. */
export function paperboyUserAgent(publicUrl?: string): string {
  return `Paperboy/${paperboyVersion()}${publicUrl ? ` (+${publicUrl})` : ''}`;
}

/**
 * The interval to use against `url`: arXiv hosts never get less than their documented minimum, whatever
 * the configuration says; other hosts (mirrors, local replay servers) get the configured value.
 */
export function minIntervalFor(url: string, configuredMs: number): number {
  const host = new URL(url).hostname.toLowerCase();
  const isArxiv = host === 'arxiv.org' || host.endsWith('.arxiv.org');
  return isArxiv ? Math.max(configuredMs, ARXIV_MIN_INTERVAL_MS) : configuredMs;
}

/**
 * Reads a Retry-After value: delay-seconds or an HTTP-date. Returns milliseconds from `now`, or null when
 * the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date names its weekday and month ("Fri, 10 Jan 2025 12:00:30 GMT").
  if (!/[a-z]/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type Outcome =
  | { readonly kind: 'ok'; readonly response: HttpTextResponse }
  | { readonly kind: 'retry'; readonly reason: string; readonly status: number | null; readonly retryAfterMs: number | null }
  | { readonly kind: 'fail'; readonly reason: string; readonly status: number; readonly retryAfterMs: number | null };

/**
 * Sends GET requests one at a time (so a keep-alive pool never opens a second connection) and spaces
 * them by at least the configured interval, retries included.
 */
export class PoliteHttpClient {
  private readonly minIntervalMs: number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly onRetry: (notice: RetryNotice) => void;
  private lastExchangeEnded = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();
  private sent = 0;

  constructor(options: PoliteHttpOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? ARXIV_MIN_INTERVAL_MS;
    this.maxRetries = options.maxRetries ?? 5;
    this.backoffMs = options.backoffMs ?? Math.max(this.minIntervalMs, 1);
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 15 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.userAgent = options.userAgent ?? paperboyUserAgent();
    this.onRetry = options.onRetry ?? (() => undefined);
    for (const [name, value] of Object.entries({
      minIntervalMs: this.minIntervalMs,
      maxRetries: this.maxRetries,
      timeoutMs: this.timeoutMs,
    })) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer (got ${value})`);
    }
  }

  /** Requests sent so far, retries included. */
  get requestCount(): number {
    return this.sent;
  }

  /** GETs `url` and returns the body of a 2xx response; throws HttpRequestError otherwise. */
  getText(url: string, accept = 'application/xml'): Promise<HttpTextResponse> {
    return this.get(url, { accept });
  }

  /** GETs `url`: the response when it is 2xx or handed back (see PoliteGetOptions); throws HttpRequestError otherwise. */
  get(url: string, options: PoliteGetOptions = {}): Promise<HttpTextResponse> {
    const run = this.queue.then(() => this.getWithRetries(url, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async getWithRetries(url: string, options: PoliteGetOptions): Promise<HttpTextResponse> {
    const maxAttempts = this.maxRetries + 1;
    for (let attempt = 1; ; attempt += 1) {
      await this.waitForTurn(0, options.signal);
      const outcome = await this.attempt(url, options);
      if (outcome.kind === 'ok') return outcome.response;
      if (outcome.kind === 'fail') {
        throw new HttpRequestError(`GET ${url} failed: ${outcome.reason}`, url, outcome.status, attempt, outcome.retryAfterMs);
      }
      if (attempt >= maxAttempts) {
        throw new HttpRequestError(
          `GET ${url} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}; last error: ${outcome.reason}`,
          url,
          outcome.status,
          attempt,
          outcome.retryAfterMs,
        );
      }
      const backoff = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1));
      if (outcome.retryAfterMs !== null && outcome.retryAfterMs > this.maxRetryAfterMs) {
        throw new HttpRequestError(
          `GET ${url} failed: ${outcome.reason}; the server asks to retry after ${Math.ceil(outcome.retryAfterMs / 1000)}s, ` +
            `longer than the ${Math.round(this.maxRetryAfterMs / 1000)}s this client waits`,
          url,
          outcome.status,
          attempt,
          outcome.retryAfterMs,
        );
      }
      const delayMs = outcome.retryAfterMs ?? backoff;
      this.onRetry({ url, attempt, maxAttempts, reason: outcome.reason, delayMs, retryAfter: outcome.retryAfterMs !== null });
      await this.waitForTurn(delayMs, options.signal);
    }
  }

  /** Waits until both the politeness interval and `extraMs` (a backoff) have passed since the last exchange. */
  private async waitForTurn(extraMs: number, signal?: AbortSignal): Promise<void> {
    const readyAt = this.lastExchangeEnded + Math.max(this.minIntervalMs, extraMs);
    // Timers count whole milliseconds from the event loop's cached clock and can fire a little early: check again.
    for (let wait = readyAt - performance.now(); wait > 0; wait = readyAt - performance.now()) await sleep(Math.ceil(wait), signal);
    signal?.throwIfAborted();
  }

  private async attempt(url: string, options: PoliteGetOptions): Promise<Outcome> {
    this.sent += 1;
    options.onAttempt?.();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(url, {
        headers: { ...options.headers, 'user-agent': this.userAgent, accept: options.accept ?? 'application/xml' },
        redirect: 'follow',
        signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
      });
      // Read the whole body before the next request so the connection is free again.
      const body = await response.text();
      if (response.ok || options.handBack?.(response.status, response.headers)) {
        return { kind: 'ok', response: { url, status: response.status, headers: response.headers, body } };
      }
      const reason = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (RETRYABLE_STATUSES.has(response.status)) return { kind: 'retry', reason, status: response.status, retryAfterMs };
      return { kind: 'fail', reason, status: response.status, retryAfterMs };
    } catch (error) {
      // The caller is shutting down: no retry, no waiting.
      if (options.signal?.aborted) throw options.signal.reason;
      return { kind: 'retry', reason: describeNetworkError(error), status: null, retryAfterMs: null };
    } finally {
      this.lastExchangeEnded = performance.now();
    }
  }
}
