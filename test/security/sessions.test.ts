import { expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV, WebClient } from './web-client.js';

function sessionCookieLine(response: Response, name = 'paperboy_session'): string {
  const line = response.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie set; got ${response.headers.getSetCookie().join(' | ')}`);
  return line;
}

describeEachStore('sessions', (get) => {
  it('signs up, shows the user as signed in, and logs out server-side', async () => {
    const { app, deps } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('Ada_L');
    const token = browser.cookies.get('paperboy_session');
    expect(token).toBeTruthy();

    const settings = await browser.get('/settings');
    expect(settings.status).toBe(200);
    expect(await settings.text()).toContain('Ada_L');

    // The database stores a digest of the cookie, never the cookie itself.
    const rows = await deps.store.db.selectFrom('sessions').select('id').execute();
    expect(rows.map((r) => r.id)).not.toContain(token);

    const logout = await browser.submit('/settings', '/logout', {});
    expect(logout.status).toBe(303);
    expect(browser.cookies.has('paperboy_session')).toBe(false);
    // Replaying the old cookie after log-out does not work: the session is gone on the server.
    const replay = await app.request('/settings', { headers: { cookie: `paperboy_session=${token}` } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/login?next=%2Fsettings');
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, and not Secure over plain http', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const response = await new WebClient(app).signUp('cookie_http');
    const line = sessionCookieLine(response);
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(line).toMatch(/;\s*Path=\//i);
    expect(line).not.toMatch(/;\s*Secure/i);
  });

  it('marks cookies Secure (with the __Host- prefix) when PUBLIC_URL is https', async () => {
    const { app } = await testApp(get(), { ...TEST_ENV, PUBLIC_URL: 'https://papers.example.org' });
    const browser = new WebClient(app);
    const page = await browser.get('/signup');
    const csrfLine = sessionCookieLine(page, '__Host-paperboy_csrf');
    expect(csrfLine).toMatch(/;\s*Secure/i);
    const response = await browser.signUp('cookie_https');
    const line = sessionCookieLine(response, '__Host-paperboy_session');
    expect(line).toMatch(/;\s*Secure/i);
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('rotates the session id on log-in, so a cookie planted before log-in is worthless', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const victim = new WebClient(app);
    await victim.signUp('rotator');
    const before = victim.cookies.get('paperboy_session');
    expect(before).toBeTruthy();

    // Logging in again from a browser that already holds a session (e.g. one planted by an attacker).
    const login = await victim.submit('/settings', '/login', { login: 'rotator', password: 'correct horse battery' });
    expect(login.status).toBe(303);
    const after = victim.cookies.get('paperboy_session');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);

    // An attacker who knew the earlier id gets nothing.
    const attacker = await app.request('/settings', { headers: { cookie: `paperboy_session=${before}` } });
    expect(attacker.status).toBe(303);
    expect((await victim.get('/settings')).status).toBe(200);
  });

  it('refuses wrong passwords and unknown users with the same message', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('careful');
    const stranger = new WebClient(app);
    const wrong = await stranger.logIn('careful', 'not the password');
    const unknown = await stranger.logIn('nobody_here', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong username or password.');
    expect(await unknown.text()).toContain('Wrong username or password.');
    expect(stranger.cookies.has('paperboy_session')).toBe(false);
  });

  it('keeps an active session alive: use renews both the server-side expiry and the cookie', async () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const { app } = await testApp(get(), TEST_ENV, { now: () => clock });
    const browser = new WebClient(app);
    await browser.signUp('regular');
    clock = new Date('2026-01-25T00:00:00Z');
    const renewed = await browser.get('/settings');
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie().find((l) => l.startsWith('paperboy_session='))).toMatch(/Max-Age=2592000/);
    // Right after, nothing is written again.
    expect((await browser.get('/settings')).headers.getSetCookie().some((l) => l.startsWith('paperboy_session='))).toBe(false);
    clock = new Date('2026-02-20T00:00:00Z');
    expect((await browser.get('/settings')).status).toBe(200);
  });

  it('ends a session at its expiry', async () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const { app } = await testApp(get(), TEST_ENV, { now: () => clock });
    const browser = new WebClient(app);
    await browser.signUp('expiring');
    expect((await browser.get('/settings')).status).toBe(200);
    clock = new Date('2026-03-01T00:00:00Z');
    expect((await browser.get('/settings')).status).toBe(303);
  });
});
