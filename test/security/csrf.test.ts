import { expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { csrfTokenIn, TEST_ENV, WebClient } from './web-client.js';

async function createToken(browser: WebClient, name: string): Promise<{ token: string; id: number }> {
  const page = await browser.submit('/settings', '/settings/tokens', { name, scope: 'write' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const token = /id="new-token-value"[^>]*value="(pb_[^"]+)"|value="(pb_[^"]+)"/.exec(html);
  const value = token?.[1] ?? token?.[2];
  if (!value) throw new Error('the new token is not on the page');
  const list = (await (await browser.get('/api/me/tokens')).json()) as { tokens: { id: number; name: string }[] };
  const id = list.tokens.find((t) => t.name === name)?.id;
  if (!id) throw new Error('token not listed');
  return { token: value, id };
}

describeEachStore('CSRF protection', (get) => {
  it('rejects form posts without a token or with a wrong one, and accepts the right one', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.get('/signup');
    const fields = { username: 'csrf_form', email: 'csrf_form@example.org', password: 'correct horse battery' };

    const missing = await browser.post('/signup', fields);
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('did not come from this site');
    const wrong = await browser.post('/signup', { ...fields, _csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    // A token minted for another browser is no good either.
    const other = new WebClient(app);
    const otherToken = csrfTokenIn(await (await other.get('/signup')).text());
    expect((await browser.post('/signup', { ...fields, _csrf: otherToken })).status).toBe(403);

    expect((await browser.submit('/signup', '/signup', fields)).status).toBe(303);
  });

  it('protects signed-in forms (log-out, settings) the same way', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('csrf_settings');
    expect((await browser.post('/logout', {})).status).toBe(403);
    expect((await browser.post('/settings/tokens', { name: 'sneaky' })).status).toBe(403);
    expect((await (await browser.get('/api/me/tokens')).json()) as unknown).toEqual({ tokens: [] });
    // The anonymous token stops working once the browser has a session: it is bound to the session now.
    expect((await browser.get('/settings')).status).toBe(200);
  });

  it('rejects a cross-site Origin even with a valid token', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    const token = csrfTokenIn(await (await browser.get('/login')).text());
    const response = await browser.post('/login', { _csrf: token, login: 'x', password: 'y' }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it('requires X-CSRF-Token on API writes made with the session cookie', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('csrf_api');
    const { id } = await createToken(browser, 'laptop');
    const settingsHtml = await (await browser.get('/settings')).text();
    const token = csrfTokenIn(settingsHtml);

    const without = await browser.request(`/api/me/tokens/${id}`, { method: 'DELETE' });
    expect(without.status).toBe(403);
    expect(await without.json()).toMatchObject({ error: { code: 'csrf_failed' } });
    const wrong = await browser.request(`/api/me/tokens/${id}`, { method: 'DELETE', headers: { 'x-csrf-token': 'nope' } });
    expect(wrong.status).toBe(403);
    const right = await browser.request(`/api/me/tokens/${id}`, { method: 'DELETE', headers: { 'x-csrf-token': token } });
    expect(right.status).toBe(204);
  });

  it('authenticates Bearer API tokens, exempts them from CSRF, and stops them when revoked', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('bearer_user');
    const first = await createToken(browser, 'script one');
    const second = await createToken(browser, 'script two');

    const me = await app.request('/api/me', { headers: { authorization: `Bearer ${first.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'bearer_user', authMethod: 'token' });

    // A write with only the Bearer token, no cookie and no CSRF header, goes through.
    const revoke = await app.request(`/api/me/tokens/${second.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(revoke.status).toBe(204);
    expect((await app.request('/api/me', { headers: { authorization: `Bearer ${second.token}` } })).status).toBe(401);

    // Bearer requests ignore cookies entirely: a bad token with a good session cookie is still anonymous.
    const mixed = await browser.request('/api/me', { headers: { authorization: 'Bearer pb_not-a-token' } });
    expect(mixed.status).toBe(401);
    expect(await mixed.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('treats Basic auth from a protecting proxy as ambient: cookies still count and CSRF still applies', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('behind_proxy');
    const { id } = await createToken(browser, 'proxy token');
    const basic = { authorization: `Basic ${Buffer.from('team:door').toString('base64')}` };
    expect(await (await browser.request('/api/me', { headers: basic })).json()).toMatchObject({
      username: 'behind_proxy',
      authMethod: 'session',
    });
    expect((await browser.request(`/api/me/tokens/${id}`, { method: 'DELETE', headers: basic })).status).toBe(403);
  });

  it('escapes what users type when showing it back (token names, rejected form values)', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('escaper');
    const evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const created = await (await browser.submit('/settings', '/settings/tokens', { name: evil.slice(0, 60) })).text();
    expect(created).not.toContain('<script>alert(1)');
    expect(created).not.toContain('<img src=x');
    expect(created).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const rejected = await (await new WebClient(app).submit('/signup', '/signup', { username: evil, email: evil, password: 'x' })).text();
    expect(rejected).not.toContain('<script>alert(1)');
    expect(rejected).toContain('&lt;script&gt;');
  });

  it('hands the visitor CSRF cookie out with pages, not with API or feed responses', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    expect((await app.request('/login')).headers.getSetCookie().some((l) => l.startsWith('paperboy_csrf='))).toBe(true);
    expect((await app.request('/api/me')).headers.getSetCookie()).toEqual([]);
    expect((await app.request('/static/app.css')).headers.getSetCookie()).toEqual([]);
  });

  it('lets anonymous API writes through CSRF (nothing to forge) but requireUser still refuses them', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const response = await app.request('/api/me/tokens/1', { method: 'DELETE' });
    expect(response.status).toBe(401);
  });
});
