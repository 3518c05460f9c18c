import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { testApp, testConfig } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

interface Raw {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The bytes on the wire, not decoded. */
  readonly body: Buffer;
}

let nextAddress = 1;

/** A request over a real socket that leaves the body as sent (fetch would decode it). */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

function decode(response: Raw): Buffer {
  switch (response.headers['content-encoding']) {
    case undefined:
      return response.body;
    case 'gzip':
      return zlib.gunzipSync(response.body);
    case 'br':
      return zlib.brotliDecompressSync(response.body);
    default:
      throw new Error(`unexpected coding ${response.headers['content-encoding']}`);
  }
}

const PAPER = '2501.00001';

describeEachStore('HTTP semantics over a real socket', (get) => {
  let server: RunningServer;
  let base: string;
  let user: SignedIn;
  /** A visitor's CSRF cookie, as a browser holds it after its first page. */
  let visitor: string;

  beforeAll(async () => {
    await seedCommunity(get().store);
    // The user is made through the same database and secret the server uses.
    user = await signedInUser((await testApp(get())).deps);
    server = await startServer(testConfig(get(), { PORT: '0', PAPERBOY_DEMO: 'false', PAPERBOY_TRUST_PROXY: 'true' }));
    base = server.url;
    const first = await raw(base, '/');
    visitor = String(first.headers['set-cookie']![0]).split(';')[0]!;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Each test from its own client address, so the API rate limit of one does not reach another. */
  const get_ = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    raw(base, path, { 'x-forwarded-for': `203.0.113.${nextAddress++ % 250}`, ...headers }, method);

  async function vote(): Promise<void> {
    const response = await fetch(`${base}/api/papers/${PAPER}/upvote`, {
      method: 'POST',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrf },
    });
    expect(response.status, await response.text()).toBe(200);
  }

  it('revalidates a feed: 304 without a body for its ETag (weak, in a list or *), 200 for another', async () => {
    const first = await get_('/feeds/trending.atom');
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    expect(first.headers.vary).toBe('Accept-Encoding');
    for (const condition of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await get_('/feeds/trending.atom', { 'if-none-match': condition });
      expect(again.status, condition).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['content-type']).toBeUndefined();
      expect(again.headers['cache-control']).toBe('public, max-age=300');
    }
    const other = await get_('/feeds/trending.atom', { 'if-none-match': '"something-else"' });
    expect(other.status).toBe(200);
    expect(other.body.equals(first.body)).toBe(true);
    const head = await get_('/feeds/trending.atom', { 'if-none-match': etag }, 'HEAD');
    expect(head.status).toBe(304);
    // Metrics count what the client got.
    const metrics = (await get_('/metrics')).body.toString();
    expect(metrics).toMatch(/paperboy_http_requests_total\{method="GET",route="\/feeds\/trending.atom",status="304"\} [1-9]/);
  });

  it('dates shared representations and answers If-Modified-Since, unless If-None-Match disagrees', async () => {
    let lastModified: string | undefined;
    for (let attempt = 0; attempt < 30 && lastModified === undefined; attempt += 1) {
      lastModified = (await get_('/feeds/daily.xml')).headers['last-modified'];
      if (lastModified === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lastModified).toBeDefined();
    expect(Date.parse(lastModified!)).toBeLessThanOrEqual(Date.now());
    expect((await get_('/feeds/daily.xml', { 'if-modified-since': lastModified! })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified!) - 1000).toUTCString();
    expect((await get_('/feeds/daily.xml', { 'if-modified-since': earlier })).status).toBe(200);
    expect((await get_('/feeds/daily.xml', { 'if-modified-since': lastModified!, 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('revalidates an API answer, and a write that changes it gives 200 with a new ETag', async () => {
    const first = await get_(`/api/papers/${PAPER}`);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    expect(first.headers.vary).toBe('Accept-Encoding, Authorization, Cookie');
    const etag = first.headers.etag!;
    expect((await get_(`/api/papers/${PAPER}`, { 'if-none-match': etag })).status).toBe(304);
    const upvotes = (JSON.parse(first.body.toString()) as { upvotes: number }).upvotes;

    await vote();
    const after = await get_(`/api/papers/${PAPER}`, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect((JSON.parse(after.body.toString()) as { upvotes: number }).upvotes).toBe(upvotes + 1);
    expect((await get_(`/api/papers/${PAPER}`, { 'if-none-match': after.headers.etag! })).status).toBe(304);
  });

  it('revalidates an anonymous page privately, per visitor, and sees a change after a write', async () => {
    const page = `/papers/2501.00002`;
    const first = await get_(page, { cookie: visitor });
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.vary).toBe('Accept-Encoding, Cookie');
    const etag = first.headers.etag!;
    expect(etag).toBeDefined();
    expect((await get_(page, { cookie: visitor, 'if-none-match': etag })).status).toBe(304);
    // Another visitor's page holds another CSRF token, so it is another representation.
    const someoneElse = await get_(page, { cookie: 'paperboy_csrf=another-visitor-nonce-of-at-least-32-chars' });
    expect(someoneElse.headers.etag).not.toBe(etag);

    const response = await fetch(`${base}/api/papers/2501.00002/upvote`, {
      method: 'POST',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrf },
    });
    expect(response.status).toBe(200);
    const after = await get_(page, { cookie: visitor, 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
  });

  it('never gives validators to signed-in users or to answers that set a cookie', async () => {
    for (const path of ['/papers/2501.00002', '/', '/feeds/trending.atom', `/api/papers/${PAPER}`]) {
      const signedIn = await get_(path, { cookie: user.cookie, 'if-none-match': '*' });
      expect(signedIn.status, path).toBe(200);
      expect(signedIn.headers['cache-control'], path).toBe('private, no-store');
      expect(signedIn.headers.etag, path).toBeUndefined();
      expect(signedIn.headers['last-modified'], path).toBeUndefined();
    }
    const firstVisit = await get_('/trending', { 'if-none-match': '*' });
    expect(firstVisit.status).toBe(200);
    expect(firstVisit.headers['set-cookie']).toBeDefined();
    expect(firstVisit.headers['cache-control']).toBe('private, no-store');
    expect(firstVisit.headers.etag).toBeUndefined();
  });

  it('compresses with gzip or brotli into the same bytes, with an ETag per coding', async () => {
    for (const path of ['/feeds/trending.atom', '/api/openapi.json', '/api/daily_papers?date=2025-01-06', '/static/app.css']) {
      const plain = await get_(path, { cookie: visitor });
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      const tags = new Set([plain.headers.etag]);
      for (const coding of ['gzip', 'br'] as const) {
        const encoded = await get_(path, { cookie: visitor, 'accept-encoding': coding });
        expect(encoded.status, path).toBe(200);
        expect(encoded.headers['content-encoding'], `${path} ${coding}`).toBe(coding);
        expect(encoded.headers.vary, path).toContain('Accept-Encoding');
        expect(Number(encoded.headers['content-length'])).toBe(encoded.body.length);
        expect(encoded.body.length, path).toBeLessThan(plain.body.length);
        expect(decode(encoded).equals(plain.body), `${path} ${coding}`).toBe(true);
        expect(encoded.headers.etag, path).toBe(plain.headers.etag!.replace(/"$/, `-${coding}"`));
        // Shared answers come from the compressed-body cache the second time: the same bytes.
        const again = await get_(path, { cookie: visitor, 'accept-encoding': coding });
        expect(again.headers.etag).toBe(encoded.headers.etag);
        expect(decode(again).equals(plain.body), `${path} ${coding} again`).toBe(true);
        tags.add(encoded.headers.etag);
        // A client revalidating its own representation gets 304; one holding another coding's gets the content.
        expect((await get_(path, { cookie: visitor, 'accept-encoding': coding, 'if-none-match': encoded.headers.etag! })).status).toBe(304);
        expect((await get_(path, { cookie: visitor, 'accept-encoding': coding, 'if-none-match': plain.headers.etag! })).status).toBe(200);
      }
      expect(tags.size).toBe(3);
    }
    // An anonymous HTML page, compressed for a visitor.
    const page = await get_('/', { cookie: visitor, 'accept-encoding': 'gzip, deflate, br' });
    expect(page.headers['content-encoding']).toBe('br');
    expect(decode(page).toString()).toContain('</html>');
  });

  it('honours q-values and refusals, and leaves HEAD, 304 and session pages uncompressed', async () => {
    const path = '/feeds/trending.atom';
    expect((await get_(path, { 'accept-encoding': 'br;q=0.5, gzip;q=0.8' })).headers['content-encoding']).toBe('gzip');
    expect((await get_(path, { 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await get_(path, { 'accept-encoding': 'gzip;q=0, *' })).headers['content-encoding']).toBe('br');
    expect((await get_(path, { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
    // Small bodies stay as they are, unless identity is refused.
    const small = await get_('/api/no-such-thing', { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    const forced = await get_('/api/no-such-thing', { 'accept-encoding': 'gzip, identity;q=0' });
    expect(forced.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decode(forced).toString())).toMatchObject({ error: { code: 'not_found' } });

    const head = await get_(path, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(head.body.length).toBe(0);
    const encoded = await get_(path, { 'accept-encoding': 'br' });
    const notModified = await get_(path, { 'accept-encoding': 'br', 'if-none-match': encoded.headers.etag! });
    expect(notModified.status).toBe(304);
    expect(notModified.headers['content-encoding']).toBeUndefined();
    // Signed-in pages hold the session's CSRF token beside reflected input: never compressed (BREACH).
    const signedIn = await get_('/search?q=diffusion', { cookie: user.cookie, 'accept-encoding': 'gzip, br' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['content-encoding']).toBeUndefined();
  });

  it('lets any origin read the API and the feeds without credentials, but not write', async () => {
    const origin = 'https://reader.example';
    for (const path of ['/api/daily_papers', `/api/papers/${PAPER}`, '/feeds/daily.atom', '/api/no-such-thing']) {
      const response = await get_(path, { origin });
      expect(response.headers['access-control-allow-origin'], path).toBe('*');
      expect(response.headers['access-control-allow-credentials'], path).toBeUndefined();
      expect(response.headers['access-control-expose-headers'], path).toContain('ETag');
    }
    const preflight = await get_(
      `/api/papers/${PAPER}`,
      { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, HEAD');
    expect(preflight.headers['access-control-allow-headers']).toContain('If-None-Match');
    expect(preflight.headers['access-control-allow-headers']).not.toMatch(/authorization|\*/i);

    const writePreflight = await get_(`/api/papers/${PAPER}/upvote`, { origin, 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(writePreflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(writePreflight.headers['access-control-allow-methods']).toBeUndefined();
    const write = await fetch(`${base}/api/papers/${PAPER}/upvote`, { method: 'POST', headers: { origin, cookie: user.cookie } });
    expect(write.status).toBe(403);
    expect(write.headers.get('access-control-allow-origin')).toBeNull();
    // Pages are not opened to other origins.
    expect((await get_('/', { origin })).headers['access-control-allow-origin']).toBeUndefined();
  });
});
