import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { dailyFileUnit } from '../../src/ingest/hf-daily.js';
import { runImport } from '../../src/ingest/import-runner.js';
import type { AppEnv } from '../../src/web/env.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { dailyEntry } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/stores.js';
import { csrfTokenIn, WebClient } from '../security/web-client.js';

/** Each run is one request (or two); a run that takes longer than this has hung. */
const RUN_TIMEOUT_MS = 5_000;
/** A failing request is reported as found, not shrunk: shrinking would resend it hundreds of times into rate limits. */
const REPORT = { timeout: RUN_TIMEOUT_MS, endOnFailure: true } as const;
const SITE = 'http://localhost';
const PAPERS = ['2611.00001', '2611.00002', '2611.00003'];

let app: Hono<AppEnv>;
let deps: AppDeps;
let store: Store;
let dataDir: string;
let voters: SignedIn[];

beforeAll(async () => {
  dataDir = tempDir();
  const file = path.join(dataDir, 'paperboy.db');
  store = openSqlite(file);
  await migrateToLatest(store);
  const daily = path.join(dataDir, '2026-11-02.json');
  fs.writeFileSync(daily, JSON.stringify(PAPERS.map((id, i) => dailyEntry({ id, day: `2026-11-0${i + 1}` }))));
  await runImport(store, [dailyFileUnit(daily)]);
  ({ app, deps } = await testApp({ kind: 'sqlite', store, databaseUrl: `sqlite:${file}`, dataDir }, { PAPERBOY_TRUST_PROXY: 'true' }));
  // Votes are limited per user: enough voters that the runs below stay within the budget.
  voters = [];
  for (let i = 0; i < 5; i++) voters.push(await signedInUser(deps));
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Fails the run when the answer is a server error or sends the browser to another site. */
function expectSafe(response: Response, what: string): void {
  expect(response.status, what).toBeLessThan(500);
  const location = response.headers.get('location');
  if (location === null) return;
  // Resolved as a browser does: tabs and newlines dropped, backslashes read as slashes, `//host` leaving the site.
  expect(new URL(location, `${SITE}/papers/x`).origin, `${what} → Location ${JSON.stringify(location)}`).toBe(SITE);
  // A real HTTP server refuses to send control characters in a header (in-process they pass through unchecked).
  // eslint-disable-next-line no-control-regex
  expect(location, `${what} → Location ${JSON.stringify(location)}`).not.toMatch(/[\u0000-\u001f\u007f]/);
}

let address = 0;
/** A fresh client address per request, so per-address rate limits never answer instead of the route. */
function freshAddress(): string {
  address += 1;
  return `2001:db8::${address.toString(16)}`;
}

/** `next` values: arbitrary text, and text built from what open redirects and header injection are made of. */
const nextValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.constantFrom(
          '/',
          '//',
          '\\',
          '/\\',
          '\t',
          '\n',
          '\r',
          '\u0000',
          '\u000b',
          '\u000c',
          ' ',
          '%09',
          '%0a',
          '%0d',
          '%2f',
          '%5c',
          '%00',
          'evil.example',
          '@evil.example',
          'http:',
          'https:',
          'javascript:alert(1)',
          '..',
          '.',
          '?',
          '#',
          'papers',
          'é',
          '\u202e',
          '\u3000',
          '\ufeff',
          ':',
        ),
        { maxLength: 8 },
      )
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.webUrl() },
);

/** Values an adversarial probe found (tab and control characters in `next`), always tried first. */
const KNOWN_NEXT = ['/\t/evil.example', '/\n/evil.example', '/\r\nSet-Cookie: a=b', '/\u0000', '/\u000b', '/\u000c'];

/** Day, week and month values near and far from valid, and arbitrary text. */
const periodValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', '+', '-', '0', ' '),
        fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(1990, 1991, 2026, 9999, 275_760, 999_999)),
        fc.integer({ min: -1, max: 60 }),
        fc.integer({ min: -1, max: 33 }),
        fc.constantFrom('day', 'month', 'week'),
      )
      .map(([sign, year, a, b, shape]) => {
        const y = `${sign}${String(year).padStart(4, '0')}`;
        const two = (n: number) => String(n).padStart(2, '0');
        if (shape === 'day') return `${y}-${two(a % 14)}-${two(b)}`;
        if (shape === 'month') return `${y}-${two(a % 14)}`;
        return `${y}-W${two(a)}`;
      }),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

describe('HTTP parameters (property-based, in-process app over a real SQLite file)', () => {
  it('GET /login?next= never fails and never redirects a signed-in user off the site', async () => {
    await fc.assert(
      fc.asyncProperty(nextValue, fc.boolean(), async (next, signedIn) => {
        const headers: Record<string, string> = { 'x-forwarded-for': freshAddress() };
        if (signedIn) headers.cookie = voters[0]!.cookie;
        const response = await app.request(`/login?${new URLSearchParams({ next })}`, { headers });
        expectSafe(response, `GET /login?next=${JSON.stringify(next)}`);
        if (signedIn) expect(response.status).toBe(303);
      }),
      { numRuns: 200, ...REPORT, examples: KNOWN_NEXT.map((next) => [next, true] as [string, boolean]) },
    );
  });

  it('POST /papers/:id/upvote with next never fails and never redirects off the site', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(nextValue, fc.constantFrom(...PAPERS), fc.constantFrom('add', 'remove'), async (next, id, action) => {
        const voter = voters[run++ % voters.length]!;
        const form = voter.form({ action, next });
        const response = await app.request(`/papers/${id}/upvote`, {
          ...form,
          headers: { ...form.headers, 'x-forwarded-for': freshAddress() },
        });
        expectSafe(response, `POST upvote next=${JSON.stringify(next)}`);
        expect(response.status).toBe(303);
      }),
      { numRuns: 200, ...REPORT, examples: KNOWN_NEXT.map((next) => [next, PAPERS[0]!, 'add'] as [string, string, string]) },
    );
  });

  it('POST /login with next never fails and never redirects off the site', async () => {
    // Signing in hashes a password, so this property runs fewer times; the account budget allows 20 an hour each.
    const accounts = ['fuzzlogin1', 'fuzzlogin2'];
    for (const username of accounts) {
      await deps.accounts.signUp({ username, email: `${username}@example.org`, password: 'correct horse battery staple' });
    }
    let run = 0;
    await fc.assert(
      fc.asyncProperty(nextValue, async (next) => {
        const client = new WebClient(app);
        const headers = { 'x-forwarded-for': freshAddress() };
        const token = csrfTokenIn(await (await client.get('/login', headers)).text());
        const login = accounts[run++ % accounts.length]!;
        const response = await client.post('/login', { _csrf: token, login, password: 'correct horse battery staple', next }, headers);
        expectSafe(response, `POST /login next=${JSON.stringify(next)}`);
        expect(response.status).toBe(303);
      }),
      { numRuns: 36, ...REPORT, examples: KNOWN_NEXT.map((next) => [next]) },
    );
  });

  it('period parameters of pages, the API and search never fail', async () => {
    const routes: Record<string, (value: string, other: string) => string> = {
      day: (v) => `/papers/date/${encodeURIComponent(v)}`,
      week: (v) => `/papers/week/${encodeURIComponent(v)}`,
      month: (v) => `/papers/month/${encodeURIComponent(v)}`,
      apiDate: (v) => `/api/daily_papers?${new URLSearchParams({ date: v })}`,
      apiWeek: (v) => `/api/daily_papers?${new URLSearchParams({ week: v })}`,
      apiMonth: (v) => `/api/daily_papers?${new URLSearchParams({ month: v })}`,
      search: (v, w) => `/search?${new URLSearchParams({ q: 'study', after: v, before: w })}`,
      searchDates: (v, w) => `/search?${new URLSearchParams({ q: `things after:${v} before:${w}` })}`,
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(routes)), periodValue, periodValue, async (route, value, other) => {
        const url = routes[route]!(value, other);
        const response = await app.request(url, { headers: { 'x-forwarded-for': freshAddress() } });
        expectSafe(response, `GET ${url}`);
      }),
      {
        numRuns: 300,
        ...REPORT,
        examples: [
          ['month', '9999-12', ''],
          ['day', '9999-12-31', ''],
          ['week', '9999-W52', ''],
          ['apiMonth', '9999-12', ''],
          ['day', '+275760-09-13', ''],
          ['search', '9999-12-31', '1991-01-01'],
        ],
      },
    );
  });
});
