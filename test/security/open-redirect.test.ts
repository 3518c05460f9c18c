import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/web/viewer.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { csrfTokenIn, TEST_ENV, WebClient } from './web-client.js';

const SITE = 'https://paperboy.test';

/** What a browser would do with the value as a `Location`: it must stay on the site. */
function expectSameSite(location: string): void {
  expect(location.startsWith('/')).toBe(true);
  expect(location.startsWith('//')).toBe(false);
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  expect(location).not.toMatch(/[\u0000-\u0020\u007f-\u009f\\]/);
  // Browsers drop tab, CR and LF anywhere in a URL before resolving it.
  expect(new URL(location.replace(/[\t\r\n]/g, ''), SITE).origin).toBe(SITE);
  expect(() => new Headers({ location })).not.toThrow();
}

const HOSTILE = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\nSet-Cookie: a=b',
  '/\u0000/evil.example',
  '/\u000b/evil.example',
  '/\u000c/evil.example',
  '/%09/evil.example',
  '/%0a/evil.example',
  '/%00',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '/%5Cevil.example',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '/.//evil.example',
  '/..//evil.example',
  '/%2e%2e//evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  ' /evil',
  '/\u202eelpmaxe.live',
  '/\u00a0/evil.example',
  '/\u3000/evil.example',
  '/%E0%A4%A',
];

describe('safeNext', () => {
  it.each(HOSTILE)('refuses %j', (raw) => {
    expect(safeNext(raw, '/fallback')).toBe('/fallback');
  });

  it('keeps ordinary paths with their query and fragment', () => {
    expect(safeNext('/papers/2501.00001?sort=new#comment-3')).toBe('/papers/2501.00001?sort=new#comment-3');
    expect(safeNext('/search?q=diffusion%20models')).toBe('/search?q=diffusion%20models');
    expect(safeNext('/search?q=a+b')).toBe('/search?q=a+b');
    expect(safeNext(undefined, '/x')).toBe('/x');
    expect(safeNext('', '/x')).toBe('/x');
  });

  it('always returns a same-site path or the fallback, for any input', () => {
    const pathy = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `/${s}`),
      fc
        .array(
          fc.constantFrom('/', '\\', '.', '%', '2', 'f', 'F', '5', 'c', 'C', '0', '9', 'a', '\t', '\n', ' ', 'e', ':', '?', '#', '@'),
          {
            maxLength: 24,
          },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(pathy, (raw) => {
        const result = safeNext(raw, '/fallback');
        expectSameSite(result);
      }),
      { numRuns: 5000 },
    );
  });
});

describeEachStore('the login redirect', (get) => {
  it('sends the signed-in browser only to a same-site path, and never answers 5xx', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('next_walker');
    for (const raw of HOSTILE) {
      const response = await browser.get(`/login?next=${encodeURIComponent(raw)}`);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
    }
    const ok = await browser.get(`/login?next=${encodeURIComponent('/settings?tab=tokens')}`);
    expect(ok.headers.get('location')).toBe('/settings?tab=tokens');
    // The probe's exact request.
    const probe = await browser.get('/login?next=/%09/evil.example');
    expect(probe.headers.get('location')).toBe('/');
  });

  it('falls back instead of failing when a posted next holds CR, LF, NUL, VT or FF', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const owner = new WebClient(app);
    await owner.signUp('next_poster');
    for (const control of ['\r', '\n', '\u0000', '\u000b', '\u000c']) {
      const browser = new WebClient(app);
      const token = csrfTokenIn(await (await browser.get('/login')).text());
      const response = await browser.post('/login', {
        _csrf: token,
        login: 'next_poster',
        password: 'correct horse battery',
        next: `/a${control}b`,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
    }
  });

  it('survives random next values through the whole app (no 5xx, same-site Location)', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('next_fuzzer');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 30 }), async (raw) => {
        const response = await browser.get(`/login?next=${encodeURIComponent(`/${raw}`)}`);
        expect(response.status).toBe(303);
        expectSameSite(response.headers.get('location') ?? '');
      }),
      { numRuns: 150 },
    );
  });
});
