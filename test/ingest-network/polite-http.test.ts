import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequestError, minIntervalFor, parseRetryAfter, PoliteHttpClient, type RetryNotice } from '../../src/ingest/polite-http.js';
import { ReplayServer } from './replay-server.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-10T12:00:00Z');

  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 10 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 10 Jan 2025 11:59:00 GMT', now)).toBe(0);
  });

  it('returns null for an absent or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('minIntervalFor', () => {
  it('never goes below three seconds against arXiv, whatever is configured', () => {
    expect(minIntervalFor('https://oaipmh.arxiv.org/oai', 50)).toBe(3000);
    expect(minIntervalFor('https://export.arxiv.org/api/query', 0)).toBe(3000);
    expect(minIntervalFor('https://arxiv.org/oai', 5000)).toBe(5000);
    expect(minIntervalFor('http://127.0.0.1:8080/oai', 50)).toBe(50);
    expect(minIntervalFor('https://notarxiv.org/oai', 50)).toBe(50);
  });
});

describe('PoliteHttpClient against a local server', () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await ReplayServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('spaces concurrent callers by the interval and sends them one at a time', async () => {
    server.reset();
    server.route(() => ({ status: 200, body: 'ok' }));
    const client = new PoliteHttpClient({ minIntervalMs: 120 });
    const bodies = await Promise.all([1, 2, 3, 4].map((n) => client.getText(`${server.baseUrl}/r${n}`).then((r) => r.body)));

    expect(bodies).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(server.requests.map((r) => r.url.pathname)).toEqual(['/r1', '/r2', '/r3', '/r4']);
    for (const gap of server.gaps()) expect(gap).toBeGreaterThanOrEqual(120);
    expect(server.maxConcurrent).toBe(1);
  });

  it('waits for an HTTP-date Retry-After before retrying', async () => {
    server.reset();
    // HTTP-dates have one-second resolution: two seconds ahead is at least one second of waiting.
    const retryAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000).toUTCString();
    server.script({ status: 503, headers: { 'retry-after': retryAt } }, { status: 200, body: 'done' });
    const notices: RetryNotice[] = [];
    const client = new PoliteHttpClient({ minIntervalMs: 10, onRetry: (n) => notices.push(n) });
    const response = await client.getText(`${server.baseUrl}/x`);

    expect(response.body).toBe('done');
    expect(server.gaps()[0]).toBeGreaterThanOrEqual(1000);
    expect(notices).toMatchObject([{ attempt: 1, maxAttempts: 6, reason: 'HTTP 503 Service Unavailable', retryAfter: true }]);
  });

  it('retries 429 and 502 with growing backoff, then succeeds', async () => {
    server.reset();
    server.script({ status: 429 }, { status: 502 }, { status: 200, body: 'third time' });
    const notices: RetryNotice[] = [];
    const client = new PoliteHttpClient({ minIntervalMs: 30, onRetry: (n) => notices.push(n) });

    expect((await client.getText(`${server.baseUrl}/x`)).body).toBe('third time');
    expect(notices.map((n) => n.delayMs)).toEqual([30, 60]);
    expect(server.gaps()[1]).toBeGreaterThanOrEqual(60);
  });

  it('does not retry a client error', async () => {
    server.reset();
    server.script({ status: 404, body: 'no such page' });
    const client = new PoliteHttpClient({ minIntervalMs: 10 });
    const failure = await client.getText(`${server.baseUrl}/missing`).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(HttpRequestError);
    expect((failure as HttpRequestError).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/missing failed: HTTP 404 Not Found$/);
    expect((failure as HttpRequestError).status).toBe(404);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the last retry with the attempts and the last error', async () => {
    server.reset();
    server.script('drop', 'drop', 'drop');
    const client = new PoliteHttpClient({ minIntervalMs: 10, maxRetries: 2 });
    const failure = (await client.getText(`${server.baseUrl}/flaky`).catch((error: unknown) => error)) as HttpRequestError;

    expect(failure).toBeInstanceOf(HttpRequestError);
    expect(failure.message).toMatch(/\/flaky failed after 3 attempts; last error: fetch failed/);
    expect(failure.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('refuses to wait out an unreasonably long Retry-After', async () => {
    server.reset();
    server.script({ status: 503, headers: { 'retry-after': '7200' } });
    const client = new PoliteHttpClient({ minIntervalMs: 10, maxRetryAfterMs: 60_000 });

    await expect(client.getText(`${server.baseUrl}/busy`)).rejects.toThrow(
      /asks to retry after 7200s, longer than the 60s this client waits/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('times out a request that never answers and retries it', async () => {
    server.reset();
    server.script('stall', { status: 200, body: 'recovered' });
    const notices: RetryNotice[] = [];
    const client = new PoliteHttpClient({ minIntervalMs: 10, timeoutMs: 300, onRetry: (n) => notices.push(n) });

    expect((await client.getText(`${server.baseUrl}/slow`)).body).toBe('recovered');
    expect(notices.map((n) => n.reason)).toEqual(['timed out']);
    expect(server.requests).toHaveLength(2);
  });
});
