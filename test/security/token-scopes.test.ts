import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { openPostgres, openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { testApp } from '../helpers/app.js';
import { migrateUpTo } from '../helpers/migrate-up-to.js';
import { createPostgresDatabase, describeEachStore, postgresAvailable, tempDir } from '../helpers/stores.js';
import { csrfTokenIn, TEST_ENV, WebClient } from './web-client.js';

/** Creates a token through the settings form, as a signed-in browser does. */
async function tokenFromSettings(browser: WebClient, name: string, scope?: string): Promise<string> {
  const page = await browser.submit('/settings', '/settings/tokens', scope === undefined ? { name } : { name, scope });
  expect(page.status).toBe(200);
  const value = /value="(pb_[^"]+)"/.exec(await page.text())?.[1];
  if (!value) throw new Error('the new token is not on the page');
  return value;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeEachStore('API token scopes', (get) => {
  it('creates read-only tokens by default from the settings page, and read-write ones on request', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('scope_chooser');
    const readOnly = await tokenFromSettings(browser, 'reader');
    const readWrite = await tokenFromSettings(browser, 'writer', 'write');
    expect(await (await app.request('/api/me', { headers: bearer(readOnly) })).json()).toMatchObject({
      authMethod: 'token',
      scopes: ['read'],
    });
    expect(await (await app.request('/api/me', { headers: bearer(readWrite) })).json()).toMatchObject({ scopes: ['read', 'write'] });
    const settings = await (await browser.get('/settings')).text();
    expect(settings).toContain('read only');
    expect(settings).toContain('read and write');
    const bad = await browser.submit('/settings', '/settings/tokens', { name: 'odd', scope: 'admin' });
    expect(bad.status).toBe(422);
  });

  it('refuses writes with a read-only token with a clear 403, and lets a write token do them', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('scope_writer');
    const readOnly = await tokenFromSettings(browser, 'reader', 'read');
    const readWrite = await tokenFromSettings(browser, 'writer', 'write');
    const { tokens } = (await (await app.request('/api/me/tokens', { headers: bearer(readOnly) })).json()) as {
      tokens: { id: number; name: string }[];
    };
    const writerId = tokens.find((t) => t.name === 'writer')?.id;
    const readerId = tokens.find((t) => t.name === 'reader')?.id;

    const refused = await app.request(`/api/me/tokens/${writerId}`, { method: 'DELETE', headers: bearer(readOnly) });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'insufficient_scope', message: expect.stringContaining('read-only') } });
    const subscribe = await app.request('/api/subscriptions', {
      method: 'POST',
      headers: { ...bearer(readOnly), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'reader@example.org' }),
    });
    expect(subscribe.status).toBe(403);
    expect((await app.request('/api/papers/2501.00001/upvote', { method: 'POST', headers: bearer(readOnly) })).status).toBe(403);

    expect((await app.request(`/api/me/tokens/${readerId}`, { method: 'DELETE', headers: bearer(readWrite) })).status).toBe(204);
    expect((await app.request('/api/me', { headers: bearer(readOnly) })).status).toBe(401);
  });

  it('ignores tokens outside /api/: HTML forms with only a token act anonymously and are refused', async () => {
    const { app, deps } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('form_token');
    const token = await tokenFromSettings(browser, 'all', 'write');
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    for (const [route, fields] of [
      ['/settings/tokens', { name: 'minted', scope: 'write' }],
      ['/settings/email', { email: 'taken@example.org', currentPassword: 'x' }],
      ['/submit', { id: '2501.00001' }],
      ['/logout', {}],
    ] as const) {
      const response = await app.request(route, form(fields));
      expect([401, 403, 303], route).toContain(response.status);
      if (response.status === 303) expect(response.headers.get('location')).toMatch(/^\/login/);
    }
    // A page does not see the token's user either.
    const settings = await app.request('/settings', { headers: bearer(token) });
    expect(settings.status).toBe(303);
    expect(settings.headers.get('location')).toMatch(/^\/login/);
    const user = await deps.accounts.findUser('form_token');
    expect((await deps.accounts.listApiTokens(user!.id)).map((t) => t.name)).toEqual(['all']);
  });

  it('creates tokens over the API only from a signed-in session, never with a token', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const browser = new WebClient(app);
    await browser.signUp('api_minter');
    const token = await tokenFromSettings(browser, 'writer', 'write');
    const withToken = await app.request('/api/me/tokens', {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'child', scopes: ['read'] }),
    });
    expect(withToken.status).toBe(403);
    expect(await withToken.json()).toMatchObject({
      error: { code: 'forbidden', message: expect.stringContaining('cannot create tokens') },
    });

    const csrf = csrfTokenIn(await (await browser.get('/settings')).text());
    const json = { 'content-type': 'application/json', 'x-csrf-token': csrf };
    const created = await browser.request('/api/me/tokens', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'ci', scopes: ['read'] }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { token: string; scopes: string[] };
    expect(body.scopes).toEqual(['read']);
    expect(await (await app.request('/api/me', { headers: bearer(body.token) })).json()).toMatchObject({
      username: 'api_minter',
      scopes: ['read'],
    });
    const unknown = await browser.request('/api/me/tokens', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'x', scopes: ['root'] }),
    });
    expect(unknown.status).toBe(400);
    // Without the CSRF header, the session cookie alone cannot mint one.
    const forged = await browser.request('/api/me/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'forged', scopes: ['read', 'write'] }),
    });
    expect(forged.status).toBe(403);
  });
});

async function migrateBefore009ThenLatest(store: Store): Promise<void> {
  await migrateUpTo(store, '009');
  await sql`INSERT INTO users (username, email, password_hash, created_at) VALUES ('old_timer', 'old@example.org', 'x', '2025-01-01')`.execute(
    store.db,
  );
  await sql`INSERT INTO api_tokens (user_id, name, token_hash, created_at) SELECT id, 'legacy', 'digest', '2025-01-01' FROM users`.execute(
    store.db,
  );
  await migrateToLatest(store);
}

it('migration 009 gives tokens made before scopes read and write [sqlite]', async () => {
  const store = openSqlite(path.join(tempDir(), 'paperboy.db'));
  try {
    await migrateBefore009ThenLatest(store);
    expect(await store.db.selectFrom('api_tokens').select('scopes').execute()).toEqual([{ scopes: 'read,write' }]);
  } finally {
    await store.close();
  }
});

it.runIf(postgresAvailable)('migration 009 gives tokens made before scopes read and write [postgres]', async () => {
  const database = await createPostgresDatabase();
  const store = openPostgres(database.url, 2);
  try {
    await migrateBefore009ThenLatest(store);
    expect(await store.db.selectFrom('api_tokens').select('scopes').execute()).toEqual([{ scopes: 'read,write' }]);
  } finally {
    await store.close();
    await database.drop();
  }
});
