import net from 'node:net';
import { expect, it } from 'vitest';
import { COMMENT_BODY_LIMIT_BYTES, DEFAULT_BODY_LIMIT_BYTES, MAX_FORM_FIELDS } from '../../src/security/request-limits.js';
import { startServer } from '../../src/server.js';
import { testApp, testConfig } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { csrfTokenIn, TEST_ENV, WebClient } from './web-client.js';

const CSRF_CHECKED_ROUTES = [
  '/login',
  '/signup',
  '/forgot',
  '/logout',
  '/subscribe',
  '/submit',
  '/settings/email',
  '/papers/2501.00001/comments',
];

function multipart(boundary: string, body: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
}

describeEachStore('request bodies', (get) => {
  it('answers 400, never 500, to a malformed multipart body on every CSRF-checked route', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.get('/login');
    const malformed = [
      multipart('xyz', '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated'),
      multipart('xyz', 'not a multipart body at all'),
      { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: '--x\r\n\r\n' },
    ];
    for (const path of CSRF_CHECKED_ROUTES) {
      for (const init of malformed) {
        const response = await browser.request(path, init);
        expect(response.status, path).toBe(400);
        expect(await response.text()).toContain('could not be read');
      }
    }
  });

  it('answers 403 to a well-formed multipart form without a CSRF token, and accepts one with it', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    const token = csrfTokenIn(await (await browser.get('/login')).text());
    const part = (name: string, value: string) => `--b1\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const missing = await browser.request('/login', multipart('b1', `${part('login', 'x')}${part('password', 'y')}--b1--\r\n`));
    expect(missing.status).toBe(403);
    const withToken = await browser.request(
      '/login',
      multipart('b1', `${part('_csrf', token)}${part('login', 'nobody')}${part('password', 'y')}--b1--\r\n`),
    );
    expect(withToken.status).toBe(401);
  });

  it('refuses a body over the limit with 413 before parsing it, whether or not it announces its length', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.get('/login');
    const fields = 'a=1&'.repeat(2_600_000);
    const started = performance.now();
    const announced = await browser.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(fields.length) },
      body: fields,
    });
    expect(announced.status).toBe(413);
    expect(await announced.text()).toContain(`${DEFAULT_BODY_LIMIT_BYTES / 1024} KB`);

    const chunk = new TextEncoder().encode('a=1&'.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10_000_000) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const chunked = await browser.request('/api/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    // It stopped reading soon after the limit instead of taking in all 10 MB.
    expect(sent).toBeLessThan(DEFAULT_BODY_LIMIT_BYTES + 4 * chunk.length);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a form with too many fields with 413, even when it is small', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.get('/login');
    const tooMany = Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => `f${i}=`).join('&');
    const response = await browser.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tooMany,
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain(`at most ${MAX_FORM_FIELDS} fields`);
    const parts = Array.from(
      { length: MAX_FORM_FIELDS + 1 },
      (_, i) => `--b\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`,
    ).join('');
    expect((await browser.request('/login', multipart('b', `${parts}--b--\r\n`))).status).toBe(413);
    // At the cap it goes on to the CSRF check.
    const atCap = Array.from({ length: MAX_FORM_FIELDS }, (_, i) => `f${i}=`).join('&');
    expect(
      (await browser.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: atCap }))
        .status,
    ).toBe(403);
  });

  it('gives comment forms room for 10,000 characters of any script, and no more than their own limit', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('long_commenter');
    const token = csrfTokenIn(await (await browser.get('/settings')).text());
    const body = new URLSearchParams({ _csrf: token, body: '中'.repeat(10_000) }).toString();
    expect(body.length).toBeGreaterThan(DEFAULT_BODY_LIMIT_BYTES);
    const edit = await browser.request('/comments/999999/edit', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(edit.status).not.toBe(413);
    expect(edit.status).toBeLessThan(500);
    const huge = 'x'.repeat(COMMENT_BODY_LIMIT_BYTES + 1);
    const tooLarge = await browser.request('/comments/999999/edit', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: huge,
    });
    expect(tooLarge.status).toBe(413);
    // Other forms keep the small limit.
    expect(
      (await browser.request('/settings/email', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }))
        .status,
    ).toBe(413);
  });
});

/** Sends raw bytes over a socket and resolves with what the server answered once it closed the connection. */
function rawExchange(url: string, write: (socket: net.Socket) => void): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(Number(port), hostname, () => write(socket));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (data) => (answer += data));
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, ms: performance.now() - started }));
  });
}

describeEachStore('a real server', (get) => {
  it('times out a body that trickles in, and headers that never end, with 408', async () => {
    const config = testConfig(get(), { PORT: '0', PAPERBOY_DEMO: 'false' });
    const server = await startServer(config, undefined, {
      headersTimeout: 600,
      requestTimeout: 1200,
      keepAliveTimeout: 500,
      checkIntervalMs: 200,
    });
    try {
      const slowBody = await rawExchange(server.url, (socket) => {
        socket.write(
          'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na=',
        );
        const drip = setInterval(() => (socket.writable ? socket.write('b') : clearInterval(drip)), 100);
        socket.on('close', () => clearInterval(drip));
      });
      expect(slowBody.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(slowBody.ms).toBeLessThan(5000);

      const slowHeaders = await rawExchange(server.url, (socket) => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        const drip = setInterval(() => (socket.writable ? socket.write('X-Drip: 1\r\n') : clearInterval(drip)), 100);
        socket.on('close', () => clearInterval(drip));
      });
      expect(slowHeaders.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(slowHeaders.ms).toBeLessThan(5000);

      // An ordinary request on the same server is unaffected.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers 413 to a 10 MB form over the socket and stays responsive', async () => {
    const config = testConfig(get(), { PORT: '0', PAPERBOY_DEMO: 'false' });
    const server = await startServer(config);
    try {
      const response = await fetch(`${server.url}/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&'.repeat(2_600_000),
      }).catch((error: unknown) => error);
      // The server may answer and close before the client has finished sending; either way it never parsed it.
      if (response instanceof Response) expect(response.status).toBe(413);
      const started = performance.now();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await server.close();
    }
  });
});
