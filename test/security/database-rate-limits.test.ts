import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/database.js';
import { loadConfig } from '../../src/config.js';
import { DatabaseRateLimits } from '../../src/security/database-rate-limits.js';
import { RATE_LIMITS } from '../../src/security/rate-limit-store.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { csrfTokenIn, TEST_ENV, WebClient } from './web-client.js';

let nextKey = 0;
/** Keys of their own per test: the suite shares one database. */
const freshKey = () => `test-key-${process.pid}-${nextKey++}-${Math.random()}`;

describeEachStore('rate-limit windows in the database', (get) => {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  /** A second connection to the same database, as another instance would have. */
  function anotherInstance(): DatabaseRateLimits {
    const t = get();
    const store = openStore(loadConfig({ DATABASE_URL: t.databaseUrl, PAPERBOY_DATA_DIR: t.dataDir }).database);
    opened.push(store);
    return new DatabaseRateLimits(store);
  }

  it('allows `limit` hits per window, then refuses until the window ends', async () => {
    const limits = new DatabaseRateLimits(get().store);
    const key = freshKey();
    const t0 = 1_000_000;
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limits.hit(key, 3, 60_000, t0 + i));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions.map((d) => d.resetInMs)).toEqual([60_000, 59_999, 59_998, 59_997]);
    expect((await limits.hit(key, 3, 60_000, t0 + 59_999)).allowed).toBe(false);
    expect(await limits.hit(key, 3, 60_000, t0 + 60_000)).toEqual({ allowed: true, remaining: 2, resetInMs: 60_000 });
    expect((await limits.hit(freshKey(), 3, 60_000, t0)).allowed).toBe(true);
  });

  it('shares one budget between instances, also under concurrent requests', async () => {
    const first = new DatabaseRateLimits(get().store);
    const second = anotherInstance();
    const key = freshKey();
    const now = Date.now();
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? first : second).hit(key, 20, 60_000, now)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    expect(decisions.map((d) => d.remaining).sort((a, b) => a - b)).toEqual([
      ...Array.from({ length: 11 }, () => 0),
      ...Array.from({ length: 19 }, (_, i) => i + 1),
    ]);
  });

  it('keeps hashed keys only, and sweeps ended windows', async () => {
    const limits = new DatabaseRateLimits(get().store);
    const key = `password-reset-address\0someone-${Math.random()}@example.org`;
    await limits.hit(key, 3, 1_000, 5_000);
    const keys = (await get().store.db.selectFrom('rate_limit_windows').select('key').execute()).map((r) => r.key);
    expect(keys.some((k) => k.includes('example.org'))).toBe(false);
    expect(keys).toHaveLength(new Set(keys).size);
    expect(await limits.sweep(6_000)).toBeGreaterThanOrEqual(1);
    expect(await get().store.db.selectFrom('rate_limit_windows').select('key').where('reset_at', '<=', 6_000).execute()).toEqual([]);
  });

  it('two apps on one database refuse the log-in that exceeds their shared budget', async () => {
    const env = { ...TEST_ENV, PAPERBOY_RATE_LIMITS: 'database' };
    const one = await testApp(get(), env);
    const otherStore = anotherStore();
    opened.push(otherStore);
    const other = await testApp({ ...get(), store: otherStore }, env);
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const headers = { 'x-forwarded-for': address };
    // One browser: its session and CSRF token come from the first app and are good on the second (same secret).
    const browser = new WebClient(one.app);
    const token = csrfTokenIn(await (await browser.get('/login', headers)).text());
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.login.limit; i++) {
      const app = i % 2 === 0 ? one.app : other.app;
      const response = await app.request('/login', {
        method: 'POST',
        body: new URLSearchParams({ _csrf: token, login: 'nobody', password: `guess ${i}` }).toString(),
        headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  function anotherStore(): Store {
    const t = get();
    return openStore(loadConfig({ DATABASE_URL: t.databaseUrl, PAPERBOY_DATA_DIR: t.dataDir }).database);
  }
});
