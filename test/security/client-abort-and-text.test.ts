import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLogger } from '../../src/logger.js';
import { containsUnsafeText, stripUnsafeText } from '../../src/security/text-safety.js';
import { startServer } from '../../src/server.js';
import { testApp, testConfig } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV, WebClient } from './web-client.js';

const UNSAFE_SAMPLES = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
];

describe('text safety', () => {
  it('strips NUL, C0/C1 controls and bidi controls, keeps tab and newline, and turns CR line breaks into newlines', () => {
    for (const bad of UNSAFE_SAMPLES) {
      expect(containsUnsafeText(`a${bad}b`), JSON.stringify(bad)).toBe(true);
      expect(stripUnsafeText(`a${bad}b`)).toBe('ab');
    }
    expect(stripUnsafeText('line one\r\nline two\rline three\n\tindented')).toBe('line one\nline two\nline three\n\tindented');
    expect(containsUnsafeText('plain text, émoji 👩‍🔬, ÄÖÜ, 中文, עברית\n\t')).toBe(false);
    expect(stripUnsafeText('evil\u202etxt.exe')).toBe('eviltxt.exe');
    expect(stripUnsafeText('lone \ud800 surrogate')).toBe('lone \ufffd surrogate');
  });

  it('leaves nothing unsafe behind, changes nothing twice, and never touches safe text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const clean = stripUnsafeText(text);
        expect(containsUnsafeText(clean)).toBe(false);
        expect(stripUnsafeText(clean)).toBe(clean);
        if (!containsUnsafeText(text)) expect(clean).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describeEachStore('unsafe characters at the account boundary', (get) => {
  it('refuses usernames and email addresses with NUL or U+202E, and stores none', async () => {
    const { app, deps } = await testApp(get(), TEST_ENV);
    for (const [username, email] of [
      ['nul\u0000user', 'nul@example.org'],
      ['rlo\u202eresu', 'rlo@example.org'],
      ['fine_user', 'fi\u0000ne@example.org'],
      ['fine_user2', 'fi\u202ene@example.org'],
    ] as const) {
      const response = await new WebClient(app).submit('/signup', '/signup', { username, email, password: 'correct horse battery' });
      expect(response.status).toBe(422);
    }
    const rows = await get().store.db.selectFrom('users').select(['username', 'email']).execute();
    for (const row of rows) expect(containsUnsafeText(row.username + row.email)).toBe(false);
    expect(await deps.accounts.findUser('fine_user')).toBeNull();
  });

  it('strips them from API token names', async () => {
    const { deps } = await testApp(get(), TEST_ENV);
    const user = await deps.accounts.signUp({ username: 'token_namer', email: 'namer@example.org', password: 'correct horse battery' });
    if (!user.ok) throw new Error('sign-up failed');
    const created = await deps.accounts.createApiToken(user.value.id, 'lap\u0000top\u202e', ['read']);
    expect(created.ok && created.value.info.name).toBe('laptop');
    expect((await deps.accounts.listApiTokens(user.value.id)).map((t) => t.name)).toEqual(['laptop']);
  });
});

describeEachStore('a client that goes away mid-request', (get) => {
  it('is logged as a closed request, not an unhandled error, and counts as no 5xx', async () => {
    const lines: string[] = [];
    const config = testConfig(get(), { PORT: '0', PAPERBOY_DEMO: 'false', PAPERBOY_LOG: 'info' });
    const server = await startServer(
      config,
      jsonLogger((line) => lines.push(line)),
    );
    try {
      const { port } = new URL(server.url);
      for (const path of ['/login', '/api/subscriptions']) {
        await new Promise<void>((resolve, reject) => {
          const socket = net.connect(Number(port), '127.0.0.1', () => {
            socket.write(
              `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na=b`,
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 150);
          });
          socket.on('error', reject);
        });
      }
      const deadline = Date.now() + 5000;
      while (lines.filter((l) => l.includes('client closed the request')).length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(lines.filter((l) => l.includes('client closed the request'))).toHaveLength(2);
      expect(lines.some((l) => l.includes('unhandled error'))).toBe(false);
      const requests = lines
        .map((l) => JSON.parse(l) as { msg: string; status?: number; path?: string })
        .filter((e) => e.msg === 'request');
      expect(requests.filter((e) => e.path === '/login' || e.path === '/api/subscriptions').map((e) => e.status)).toEqual([499, 499]);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).not.toMatch(/paperboy_http_requests_total\{[^}]*status="5\d\d"\}/);
      expect(metrics).toMatch(/paperboy_http_requests_total\{method="POST",[^}]*status="499"\}/);
    } finally {
      await server.close();
    }
  });
});
