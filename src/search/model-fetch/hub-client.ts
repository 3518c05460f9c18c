import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseRetryAfter } from '../../ingest/polite-http.js';

/**
 * The parts of the Hugging Face hub protocol a model download needs: the model info API
 * (`GET /api/models/{repo}/revision/{rev}?blobs=true`) and file downloads (`GET /{repo}/resolve/{commit}/{path}`,
 * which answers LFS files with a redirect to a CDN and names the commit and content in `X-Repo-Commit` and
 * `X-Linked-Etag`). Requests go one at a time; 408/429/5xx answers and network failures are retried with backoff,
 * honouring Retry-After; a download cut short continues with `Range` from the bytes already on disk.
 */

/** One file of a model repository, as the info API lists it. */
export interface HubFile {
  readonly path: string;
  /** Bytes of the file's content (for LFS files, of the real content, not the pointer). */
  readonly size: number | null;
  /** Git blob id (sha1) of what git stores: the content for plain files, the pointer for LFS files. */
  readonly blobId: string | null;
  /** sha256 of the content, for files kept in LFS. */
  readonly lfsSha256: string | null;
}

export interface HubModelInfo {
  readonly repo: string;
  /** The commit the requested revision resolved to; downloads are pinned to it. */
  readonly commit: string;
  readonly files: readonly HubFile[];
}

export type HubErrorKind = 'not-found' | 'unauthorized' | 'gated' | 'failed' | 'checksum' | 'format';

export class HubError extends Error {
  constructor(
    message: string,
    readonly kind: HubErrorKind,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export interface HubRetryNotice {
  readonly what: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly reason: string;
  readonly delayMs: number;
}

export interface HubClientOptions {
  /** PAPERBOY_HF_URL, without a trailing slash. */
  readonly baseUrl: string;
  /** HF_TOKEN, sent as `Authorization: Bearer` to the hub (never to the CDN it redirects to). */
  readonly token: string | null;
  readonly userAgent: string;
  /** Retries after the first attempt of one request. */
  readonly maxRetries?: number;
  /** First backoff when the server gives no Retry-After; doubles per retry up to `maxBackoffMs`. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A longer Retry-After fails the request instead of waiting. */
  readonly maxRetryAfterMs?: number;
  /** A response that sends no byte for this long is abandoned and retried (large files have no total timeout). */
  readonly idleTimeoutMs?: number;
  readonly onRetry?: (notice: HubRetryNotice) => void;
}

const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_REDIRECTS = 5;
/** An info document is small; a larger answer is not the hub's. */
const MAX_INFO_BYTES = 8 * 1024 * 1024;

/** A failure worth another attempt. */
class Retryable extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs: number | null,
  ) {
    super(reason);
  }
}

/** `owner/name`, as the hub spells repository ids. */
export const REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;

function encodePath(filePath: string): string {
  return filePath.split('/').map(encodeURIComponent).join('/');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no data received in time';
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}

function unquoteEtag(value: string | null): string | null {
  if (value === null) return null;
  return value.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function parseFile(raw: unknown): HubFile | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const entry = raw as Record<string, unknown>;
  if (typeof entry.rfilename !== 'string') return null;
  const lfs = typeof entry.lfs === 'object' && entry.lfs !== null ? (entry.lfs as Record<string, unknown>) : null;
  const lfsSha256 = lfs && typeof lfs.sha256 === 'string' && /^[0-9a-f]{64}$/.test(lfs.sha256) ? lfs.sha256 : null;
  const lfsSize = lfs && typeof lfs.size === 'number' ? lfs.size : null;
  return {
    path: entry.rfilename,
    size: lfsSize ?? (typeof entry.size === 'number' ? entry.size : null),
    blobId: typeof entry.blobId === 'string' && /^[0-9a-f]{40}$/.test(entry.blobId) ? entry.blobId : null,
    lfsSha256,
  };
}

/** Where a download stands, for progress output. */
export interface DownloadProgress {
  readonly received: number;
  readonly total: number | null;
  /** Bytes that were already on disk when this attempt started (a resumed download). */
  readonly resumedFrom: number;
}

export class HubClient {
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: HubClientOptions) {
    this.maxRetries = options.maxRetries ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 5 * 60_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  }

  /** The files of `repo` at `revision` (a branch, tag or commit) and the commit it resolves to. */
  async modelInfo(repo: string, revision: string): Promise<HubModelInfo> {
    const url = `${this.options.baseUrl}/api/models/${encodePath(repo)}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const body = await this.withRetries(`model info of ${repo}`, async () => {
      const response = await this.request(url, {}, `${repo}@${revision}`);
      return readLimitedText(response, MAX_INFO_BYTES, this.idleTimeoutMs);
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new HubError(`The hub's model info for ${repo} is not JSON`, 'format');
    }
    const info = parsed as { sha?: unknown; siblings?: unknown };
    if (typeof info.sha !== 'string' || !/^[0-9a-f]{40}$/.test(info.sha) || !Array.isArray(info.siblings)) {
      throw new HubError(`The hub's model info for ${repo} has no commit or file list`, 'format');
    }
    const files = info.siblings.map(parseFile).filter((file): file is HubFile => file !== null);
    return { repo, commit: info.sha, files };
  }

  /**
   * Downloads `file` of `repo` at `commit` into `partPath`, continuing from the bytes already there. Checksums are
   * the caller's job; this checks that the hub served the pinned commit and, for LFS files, the expected content.
   */
  async download(
    repo: string,
    commit: string,
    file: HubFile,
    partPath: string,
    onProgress: (progress: DownloadProgress) => void,
  ): Promise<void> {
    const url = `${this.options.baseUrl}/${encodePath(repo)}/resolve/${commit}/${encodePath(file.path)}`;
    await this.withRetries(file.path, async () => {
      const have = fs.existsSync(partPath) ? fs.statSync(partPath).size : 0;
      if (file.size !== null && have === file.size) return;
      if (file.size !== null && have > file.size) fs.truncateSync(partPath, 0);
      const from = file.size !== null && have > file.size ? 0 : have;
      const response = await this.request(url, from > 0 ? { range: `bytes=${from}-` } : {}, `${repo}/${file.path}`, (headers) =>
        this.checkServedVersion(headers, repo, commit, file),
      );
      let start = 0;
      if (response.status === 206) {
        const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
        if (!range || Number(range[1]) !== from) {
          await response.body?.cancel();
          fs.truncateSync(partPath, 0);
          throw new Retryable(
            `the server resumed at the wrong offset (${response.headers.get('content-range') ?? 'no Content-Range'})`,
            null,
          );
        }
        start = from;
      }
      const lengthHeader = response.headers.get('content-length');
      const total = file.size ?? (lengthHeader !== null ? start + Number(lengthHeader) : null);
      let received = start;
      onProgress({ received, total, resumedFrom: start });
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          onProgress({ received, total, resumedFrom: start });
          callback(null, chunk);
        },
      });
      const idle = new IdleTimer(this.idleTimeoutMs);
      try {
        await pipeline(
          Readable.fromWeb(response.body as never),
          idle.watch(),
          counter,
          fs.createWriteStream(partPath, { flags: start > 0 ? 'a' : 'w' }),
          { signal: idle.signal },
        );
      } catch (error) {
        throw new Retryable(`the download broke off after ${received} bytes: ${describeNetworkError(error)}`, null);
      } finally {
        idle.stop();
      }
      if (file.size !== null && received !== file.size) {
        throw new Retryable(`the download ended after ${received} of ${file.size} bytes`, null);
      }
    });
  }

  /** A served file must come from the pinned commit and, for LFS files, carry the listed content hash. */
  private checkServedVersion(headers: Headers, repo: string, commit: string, file: HubFile): void {
    const servedCommit = headers.get('x-repo-commit');
    if (servedCommit !== null && servedCommit !== commit) {
      throw new HubError(`The hub served ${repo}/${file.path} from commit ${servedCommit}, not the pinned ${commit}`, 'checksum');
    }
    const linked = unquoteEtag(headers.get('x-linked-etag'));
    if (file.lfsSha256 !== null && linked !== null && /^[0-9a-f]{64}$/.test(linked) && linked !== file.lfsSha256) {
      throw new HubError(`The hub names ${repo}/${file.path} ${linked}, but its file list says ${file.lfsSha256}`, 'checksum');
    }
  }

  /**
   * One GET, following redirects by hand so that the hub's own headers can be checked and the token is never sent to
   * another host. Returns a 2xx response whose body the caller reads; throws HubError or Retryable otherwise.
   */
  private async request(
    url: string,
    headers: Record<string, string>,
    what: string,
    onHubHeaders?: (headers: Headers) => void,
  ): Promise<Response> {
    const hubOrigin = new URL(this.options.baseUrl).origin;
    let current = url;
    for (let hop = 0; ; hop++) {
      const sameOrigin = new URL(current).origin === hubOrigin;
      const requestHeaders: Record<string, string> = { ...headers, 'user-agent': this.options.userAgent, 'accept-encoding': 'identity' };
      if (sameOrigin && this.options.token !== null) requestHeaders.authorization = `Bearer ${this.options.token}`;
      const headersTimeout = AbortSignal.timeout(this.idleTimeoutMs);
      let response: Response;
      try {
        response = await fetch(current, { headers: requestHeaders, redirect: 'manual', signal: headersTimeout });
      } catch (error) {
        throw new Retryable(describeNetworkError(error), null);
      }
      if (sameOrigin) onHubHeaders?.(response.headers);
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new HubError(`Too many redirects for ${what}`, 'failed');
        current = new URL(response.headers.get('location')!, current).toString();
        continue;
      }
      if (response.ok) return response;
      await response.body?.cancel();
      throw this.failureOf(response, what);
    }
  }

  private failureOf(response: Response, what: string): Error {
    const code = response.headers.get('x-error-code');
    const reason = `HTTP ${response.status}${code ? ` ${code}` : ''}`;
    if (RETRYABLE_STATUSES.has(response.status)) return new Retryable(reason, parseRetryAfter(response.headers.get('retry-after')));
    const base = this.options.baseUrl;
    if (code === 'GatedRepo') {
      return new HubError(`${what} is gated on ${base}: accept its conditions on the model page and set HF_TOKEN (${reason})`, 'gated');
    }
    if (code === 'RevisionNotFound') return new HubError(`${what}: no such revision on ${base} (${reason})`, 'not-found');
    if (code === 'EntryNotFound') return new HubError(`${what}: no such file on ${base} (${reason})`, 'not-found');
    if (response.status === 404 || code === 'RepoNotFound') {
      return new HubError(
        `${what} was not found on ${base} (${reason}); check the name, and set HF_TOKEN for a private model`,
        'not-found',
      );
    }
    if (response.status === 401 || response.status === 403) {
      return new HubError(`${what}: ${base} refused access (${reason}); set HF_TOKEN to a token that may read it`, 'unauthorized');
    }
    return new HubError(`${what}: ${base} answered ${reason}`, 'failed');
  }

  private async withRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    const maxAttempts = this.maxRetries + 1;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof Retryable)) throw error;
        if (n >= maxAttempts) {
          throw new HubError(`${what} failed after ${n} attempt${n === 1 ? '' : 's'}; last error: ${error.reason}`, 'failed');
        }
        if (error.retryAfterMs !== null && error.retryAfterMs > this.maxRetryAfterMs) {
          throw new HubError(
            `${what} failed: ${error.reason}; the hub asks to retry after ${Math.ceil(error.retryAfterMs / 1000)} s`,
            'failed',
          );
        }
        const delayMs = error.retryAfterMs ?? Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (n - 1));
        this.options.onRetry?.({ what, attempt: n, maxAttempts, reason: error.reason, delayMs });
        await sleep(delayMs);
      }
    }
  }
}

/** Aborts a stream that goes quiet for `ms`; every chunk that passes through `watch()` restarts the clock. */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.timer = setTimeout(() => this.controller.abort(new Error(`no data for ${ms} ms`)), ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    this.timer.refresh();
  }

  watch(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.touch();
        callback(null, chunk);
      },
    });
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

async function readLimitedText(response: Response, maxBytes: number, idleTimeoutMs: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const idle = new IdleTimer(idleTimeoutMs);
  try {
    const reader = Readable.fromWeb(response.body as never);
    idle.signal.addEventListener('abort', () => reader.destroy(idle.signal.reason as Error), { once: true });
    for await (const chunk of reader) {
      idle.touch();
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new HubError(`The hub's answer is larger than ${maxBytes} bytes`, 'format');
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof HubError) throw error;
    throw new Retryable(describeNetworkError(error), null);
  } finally {
    idle.stop();
  }
  return Buffer.concat(chunks).toString('utf8');
}
