import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { RATE_LIMITS, RateLimitStore } from '../../src/security/rate-limit-store.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { csrfTokenIn, TEST_ENV, WebClient } from './web-client.js';

describe('RateLimitStore', () => {
  it('allows `limit` hits per window, then refuses until the window resets', () => {
    const store = new RateLimitStore();
    const t0 = 1_000_000;
    const decisions = Array.from({ length: 4 }, () => store.hit('k', 3, 60_000, t0));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(store.hit('k', 3, 60_000, t0 + 59_999).allowed).toBe(false);
    expect(store.hit('k', 3, 60_000, t0 + 60_000)).toEqual({ allowed: true, remaining: 2, resetInMs: 60_000 });
    expect(store.hit('other', 3, 60_000, t0).allowed).toBe(true);
  });

  it('forgets expired windows as it grows', () => {
    const store = new RateLimitStore();
    // The first sweep (at 10,000 live windows) finds nothing to drop and doubles the threshold.
    for (let i = 0; i < 19_999; i++) store.hit(`old-${i}`, 1, 1000, 0);
    expect(store.size).toBe(19_999);
    store.hit('new', 1, 1000, 5000);
    expect(store.size).toBe(1);
  });
});

describeEachStore('rate limits', (get) => {
  it('answers 429 with RateLimit, RateLimit-Policy and Retry-After headers once log-in attempts are spent', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const attacker = new WebClient(app);
    const token = csrfTokenIn(await (await attacker.get('/login')).text());
    const { limit, windowMs } = RATE_LIMITS.login;
    for (let i = 0; i < limit; i++) {
      const response = await attacker.post('/login', { _csrf: token, login: 'someone', password: `guess-${i}` });
      expect(response.status).toBe(401);
      // One list item per policy that applies: the address budget first, then the per-account one.
      expect(response.headers.get('ratelimit-policy')).toBe(`"login";q=${limit};w=${windowMs / 1000}, "login-account";q=20;w=3600`);
      expect(response.headers.get('ratelimit')).toMatch(new RegExp(`^"login";r=${limit - i - 1};t=\\d+, "login-account";r=\\d+;t=\\d+$`));
    }
    const blocked = await attacker.post('/login', { _csrf: token, login: 'someone', password: 'one more' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('ratelimit')).toMatch(/^"login";r=0;t=\d+$/);
    expect(blocked.headers.get('ratelimit-policy')).toBe(`"login";q=${limit};w=${windowMs / 1000}`);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain('Too many requests');

    // Another client address has its own budget.
    expect((await new WebClient(app).logIn('someone', 'guess')).status).toBe(401);
  });

  it('limits sign-ups and password-reset requests', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const client = new WebClient(app);
    const token = csrfTokenIn(await (await client.get('/forgot')).text());
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.passwordReset.limit; i++) {
      statuses.push((await client.post('/forgot', { _csrf: token, email: `nobody${i}@example.org` })).status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);

    const signupToken = csrfTokenIn(await (await client.get('/signup')).text());
    const signups: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.signup.limit; i++) {
      signups.push((await client.post('/signup', { _csrf: signupToken, username: 'x', email: 'bad', password: 'short' })).status);
    }
    expect(signups.at(-1)).toBe(429);
  });

  it('also limits per account name and per reset address, whatever the client address', async () => {
    const { app, config, deps } = await testApp(get(), TEST_ENV);
    await new WebClient(app).signUp('target', 'the real password', 'target@example.org');
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.loginAccount.limit; i++)
      statuses.push((await new WebClient(app).logIn('Target', `guess number ${i}`)).status);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);

    const resets: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.passwordResetAddress.limit; i++) {
      resets.push((await new WebClient(app).submit('/forgot', '/forgot', { email: 'TARGET@example.org' })).status);
    }
    expect(resets).toEqual([...Array(RATE_LIMITS.passwordResetAddress.limit).fill(200), 429]);
    await deps.accounts.settled();
    const fs = await import('node:fs');
    const mails = fs.readdirSync(`${config.dataDir}/mail`).filter((f) => f.endsWith('.eml'));
    expect(mails.length).toBeGreaterThanOrEqual(RATE_LIMITS.passwordResetAddress.limit);
  });

  it('applies the general API budget (PAPERBOY_API_RATE_PER_MINUTE) to /api/* and answers JSON when it runs out', async () => {
    const { app, config } = await testApp(get(), { ...TEST_ENV, PAPERBOY_API_RATE_PER_MINUTE: '40' });
    const client = new WebClient(app);
    const first = await client.get('/api/me');
    expect(first.headers.get('ratelimit-policy')).toContain('"api";q=40;w=60');
    for (let i = 1; i < config.apiRatePerMinute; i++) await client.get('/api/me');
    const blocked = await client.get('/api/me');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await blocked.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('is reusable middleware that counts per user once signed in', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const { rateLimit } = await import('../../src/web/middleware/rate-limit.js');
    const { requireUser } = await import('../../src/web/middleware/auth.js');
    // What the voting route does: a named budget per signed-in user.
    app.route(
      '/',
      new Hono().post('/vote-probe', requireUser, rateLimit('vote', { limit: 2, windowMs: 60_000 }), (c) => c.text('ok')) as never,
    );
    const alice = new WebClient(app);
    await alice.signUp('limit_alice');
    const token = csrfTokenIn(await (await alice.get('/settings')).text());
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await alice.post('/vote-probe', { _csrf: token })).status);
    expect(results).toEqual([200, 200, 429]);
  });
});
