import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { exportAccountData } from '../../src/accounts/account-data.js';
import { PERSONAL_TABLES, personalTables } from '../../src/accounts/personal-tables.js';
import { postComment } from '../../src/community/comments.service.js';
import { votePaper } from '../../src/community/voting.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { saveToLibrary, setTagVisibility } from '../../src/library/library.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';

const NOW = '2025-03-03T12:00:00.000Z';
const DAY = '2025-03-01';
const PASSWORD = 'correct horse battery staple';
const P1 = '2502.40001';
const P2 = '2502.40002';
const SUBMITTED = '2502.40003';

/** Every (table, column) whose values name a user: `user_id`, `*_user_id`, `*_by`, and users.id itself. */
async function userColumns(t: TestStore): Promise<{ table: string; column: string }[]> {
  const db = t.store.db;
  const found: { table: string; column: string }[] = [];
  const rows =
    t.kind === 'sqlite'
      ? (
          await sql<{ table_name: string; column_name: string }>`
            select m.name as table_name, c.name as column_name
            from sqlite_master m join pragma_table_info(m.name) c
            where m.type = 'table' and m.name not like 'sqlite_%'`.execute(db)
        ).rows
      : (
          await sql<{ table_name: string; column_name: string }>`
            select table_name, column_name from information_schema.columns
            where table_schema = current_schema()`.execute(db)
        ).rows;
  for (const row of rows) {
    if (/(^|_)user_id$|_by$/.test(row.column_name) || (row.table_name === 'users' && row.column_name === 'id')) {
      found.push({ table: row.table_name, column: row.column_name });
    }
  }
  return found;
}

describeEachStore('download my data and delete my account', { lifetime: 'test' }, (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const request = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const deps = () => ({ ...t.deps, now: () => new Date(NOW) });

  beforeEach(async () => {
    t = await testApp(get());
    const db = get().store.db;
    await upsertPapers(
      db,
      [P1, P2, SUBMITTED].map((id) => paperRecord({ id, title: `Paper ${id}` })),
      NOW,
    );
    await upsertFeedEntries(
      db,
      [P1, P2].map((paperId) => ({ day: DAY, paperId, upvotes: 3, comments: 0, source: 'test' })),
      NOW,
    );
  });

  /** A reader with a row in every personal table; returns what was seeded. */
  async function seedReader(reader: SignedIn, label: string) {
    const db = get().store.db;
    const actor = reader.user;
    await votePaper(deps(), actor, { paperId: P1, action: 'add' });
    const top = await postComment(deps(), actor, { paperId: P1, parentId: null, body: `${label} top comment` });
    const alone = await postComment(deps(), actor, { paperId: P2, parentId: null, body: `${label} lonely comment` });
    await saveToLibrary(deps(), actor, { paperId: P1, tags: ['reading', 'shared'], note: `${label} private note` });
    await setTagVisibility(deps(), actor, { tag: 'shared', public: true });
    const token = await t.deps.accounts.createApiToken(actor.id, `${label} script`, ['read']);
    if (!token.ok) throw new Error('token');
    await db
      .insertInto('password_resets')
      .values({ token_hash: `${label}-reset-hash`, user_id: actor.id, created_at: NOW, expires_at: NOW, used_at: null })
      .execute();
    const subscription = await db
      .insertInto('subscriptions')
      .values({
        email: actor.email,
        user_id: actor.id,
        frequency: 'daily',
        topics: 'transformers',
        status: 'confirmed',
        confirm_token_hash: null,
        confirm_sent_at: null,
        created_at: NOW,
        confirmed_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('digest_outbox')
      .values({
        subscription_id: subscription.id,
        frequency: 'daily',
        period: DAY,
        email: actor.email,
        paper_ids: JSON.stringify([P1]),
        message_id: `<${label}@paperboy.test>`,
        status: 'planned',
        next_attempt_at: NOW,
        lease_owner: null,
        lease_expires_at: null,
        handed_over_at: null,
        last_error: null,
        sent_at: null,
        created_at: NOW,
      })
      .execute();
    return { top, alone, token: token.value, subscriptionId: subscription.id };
  }

  async function seedPair() {
    const a = await signedInUser(t.deps);
    const b = await signedInUser(t.deps);
    const seededA = await seedReader(a, 'alice');
    await seedReader(b, 'bob');
    await get()
      .store.db.insertInto('feed_entries')
      .values({
        day: DAY,
        paper_id: SUBMITTED,
        imported_upvotes: 0,
        imported_comments: 0,
        submitted_by: a.user.id,
        source: 'local',
        created_at: NOW,
      })
      .execute();
    // Bob replies to Alice's top comment: the thread must survive her deletion.
    const reply = await postComment(deps(), b.user, { paperId: P1, parentId: seededA.top.commentId, body: 'bob replies to alice' });
    return { a, b, seededA, reply };
  }

  it('exports exactly the reader’s rows and nothing of another reader, through the settings form and the API', async () => {
    const { a, seededA } = await seedPair();
    const data = await exportAccountData(deps(), a.user);
    expect(data.account).toEqual({ username: a.user.username, email: a.user.email, is_admin: 0, banned: 0, created_at: a.user.createdAt });
    const tables = data.tables as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(tables).sort()).toEqual(
      personalTables()
        .filter((s) => s.erase !== 'account')
        .map((s) => s.table)
        .sort(),
    );
    expect(tables.votes).toEqual([{ paper_id: P1, created_at: expect.any(String) }]);
    expect(tables.comments!.map((c) => [c.id, c.body, c.deleted, c.hidden])).toEqual(
      [
        [seededA.top.commentId, 'alice top comment', 0, 0],
        [seededA.alone.commentId, 'alice lonely comment', 0, 0],
      ].sort((x, y) => Number(x[0]) - Number(y[0])),
    );
    expect(tables.library_items).toEqual([
      { paper_id: P1, note: 'alice private note', created_at: expect.any(String), updated_at: expect.any(String) },
    ]);
    expect(tables.library_item_tags).toEqual([
      { paper_id: P1, tag: 'reading' },
      { paper_id: P1, tag: 'shared' },
    ]);
    expect(tables.library_public_tags).toEqual([{ tag: 'shared', made_public_at: expect.any(String) }]);
    expect(tables.api_tokens).toEqual([
      { id: seededA.token.info.id, name: 'alice script', scopes: 'read', created_at: expect.any(String), last_used_at: null },
    ]);
    expect(tables.subscriptions).toHaveLength(1);
    expect(tables.subscriptions![0]).toMatchObject({
      id: seededA.subscriptionId,
      email: a.user.email,
      topics: 'transformers',
      status: 'confirmed',
    });
    expect(tables.feed_entries).toEqual([{ paper_id: SUBMITTED, day: DAY, created_at: NOW }]);
    expect(tables.digest_outbox).toEqual([
      {
        frequency: 'daily',
        period: DAY,
        kind: 'trending',
        paper_ids: JSON.stringify([P1]),
        content: null,
        status: 'planned',
        sent_at: null,
        created_at: NOW,
      },
    ]);
    expect(tables.password_resets).toHaveLength(1);
    expect(tables.sessions).toHaveLength(1);

    const text = JSON.stringify(data);
    for (const secret of ['bob', 'password_hash', 'argon2', 'token_hash', 'csrf_secret', 'reset-hash', seededA.token.token]) {
      expect(text).not.toContain(secret);
    }

    const viaForm = await request('/settings/export', a.form({}));
    expect(viaForm.status).toBe(200);
    expect(viaForm.headers.get('content-disposition')).toBe(`attachment; filename="paperboy-${a.user.username}-data.json"`);
    expect(viaForm.headers.get('cache-control')).toContain('no-store');
    const formData = (await viaForm.json()) as typeof data;
    expect({ ...formData, exportedAt: null, tables: { ...formData.tables, api_tokens: null } }).toEqual({
      ...data,
      exportedAt: null,
      tables: { ...data.tables, api_tokens: null },
    });

    const viaToken = await request('/api/me/export', { headers: { authorization: `Bearer ${seededA.token.token}` } });
    expect(viaToken.status).toBe(200);
    expect(viaToken.headers.get('cache-control')).toContain('no-store');
    const tokenData = (await viaToken.json()) as typeof data;
    expect(tokenData.account).toEqual(data.account);
    expect(tokenData.tables.library_items).toEqual(data.tables.library_items);
    expect(JSON.stringify(tokenData)).not.toContain('bob');

    expect((await request('/api/me/export')).status).toBe(401);
    const forged = await request('/settings/export', { method: 'POST', headers: { cookie: a.cookie } });
    expect(forged.status).toBe(403);
  });

  it('deletes every personal row in one go, keeps vote counts, threads and submissions, and logs the reader out', async () => {
    const { a, b, seededA, reply } = await seedPair();
    const db = get().store.db;
    const upvotesBefore = await db.selectFrom('papers').select(['id', 'local_upvotes']).orderBy('id').execute();
    const bobBefore = await exportAccountData(deps(), b.user);

    const page = await (await request('/settings', { headers: { cookie: a.cookie } })).text();
    expect(page).toContain('action="/settings/delete"');
    expect(page).toContain('action="/settings/export"');

    const deleted = await request('/settings/delete', a.form({ password: PASSWORD, confirmation: a.user.username }));
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/account-deleted');
    expect(deleted.headers.get('set-cookie')).toMatch(/paperboy_session=;|Max-Age=0/);
    const confirmation = await request('/account-deleted');
    expect(confirmation.status).toBe(200);
    expect(await confirmation.text()).toContain('Your account has been deleted');

    // The schema walk: no column naming a user still names Alice, except her placeholder comments' owner.
    for (const { table, column } of await userColumns(get())) {
      const rows = (
        await sql<Record<string, unknown>>`select * from ${sql.table(table)} where ${sql.ref(column)} = ${a.user.id}`.execute(db)
      ).rows;
      if (table === 'comments') {
        expect(rows.map((r) => [r.id, r.body, Number(r.deleted)])).toEqual([[seededA.top.commentId, '', 1]]);
      } else if (table === 'users') {
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ banned: 1, is_admin: 0 });
        expect(JSON.stringify(rows[0])).not.toContain(a.user.username);
        expect(JSON.stringify(rows[0])).not.toContain(a.user.email);
      } else {
        expect({ table, column, rows }).toEqual({ table, column, rows: [] });
      }
    }
    expect(await db.selectFrom('digest_outbox').select('email').where('email', '=', a.user.email).execute()).toEqual([]);
    expect(await db.selectFrom('comments').select('id').where('id', '=', seededA.alone.commentId).execute()).toEqual([]);

    expect(await db.selectFrom('papers').select(['id', 'local_upvotes']).orderBy('id').execute()).toEqual(upvotesBefore);
    expect(await db.selectFrom('votes').select('paper_id').where('paper_id', '=', P1).execute()).toHaveLength(1);
    expect(await db.selectFrom('feed_entries').select('submitted_by').where('paper_id', '=', SUBMITTED).execute()).toEqual([
      { submitted_by: null },
    ]);

    const thread = await (await request(`/papers/${P1}`)).text();
    expect(thread).toContain('[deleted by its author]');
    expect(thread).toContain('bob replies to alice');
    expect(thread).not.toContain('alice top comment');
    expect(thread).not.toContain(a.user.username);
    expect(await db.selectFrom('comments').select('parent_id').where('id', '=', reply.commentId).executeTakeFirst()).toEqual({
      parent_id: seededA.top.commentId,
    });

    expect((await request('/settings', { headers: { cookie: a.cookie } })).status).toBe(303);
    expect((await request('/api/me', { headers: { authorization: `Bearer ${seededA.token.token}` } })).status).toBe(401);
    expect((await t.deps.accounts.authenticate(a.user.username, PASSWORD)).ok).toBe(false);
    expect((await t.deps.accounts.authenticate(a.user.email, PASSWORD)).ok).toBe(false);
    expect((await t.deps.accounts.authenticate(b.user.username, PASSWORD)).ok).toBe(true);

    const bobAfter = await exportAccountData(deps(), b.user);
    expect({ ...bobAfter, exportedAt: null }).toEqual({ ...bobBefore, exportedAt: null });
  });

  it('removes the users row itself when no comment of the reader has replies, and DELETE /api/me does it with the session', async () => {
    const reader = await signedInUser(t.deps);
    await votePaper(deps(), reader.user, { paperId: P2, action: 'add' });
    await postComment(deps(), reader.user, { paperId: P2, parentId: null, body: 'first' });
    const db = get().store.db;
    const own = await postComment(deps(), reader.user, { paperId: P2, parentId: null, body: 'second' });
    await postComment(deps(), reader.user, { paperId: P2, parentId: own.commentId, body: 'replying to myself' });
    const before = await db.selectFrom('papers').select('local_upvotes').where('id', '=', P2).executeTakeFirstOrThrow();

    const response = await request('/api/me', {
      method: 'DELETE',
      headers: { cookie: reader.cookie, 'x-csrf-token': reader.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD, confirmation: reader.user.username }),
    });
    expect(response.status).toBe(204);
    expect(await db.selectFrom('users').select('id').where('id', '=', reader.user.id).execute()).toEqual([]);
    expect(await db.selectFrom('comments').select('id').where('paper_id', '=', P2).execute()).toEqual([]);
    expect(await db.selectFrom('papers').select('local_upvotes').where('id', '=', P2).executeTakeFirstOrThrow()).toEqual(before);
    expect((await request('/api/me', { headers: { cookie: reader.cookie } })).status).toBe(401);
  });

  it('treats a subscription made for the account’s address before signing in as the reader’s', async () => {
    const reader = await signedInUser(t.deps);
    const db = get().store.db;
    await db
      .insertInto('subscriptions')
      .values({
        email: reader.user.email,
        user_id: null,
        frequency: 'weekly',
        topics: null,
        status: 'pending',
        confirm_token_hash: 'pending-hash',
        confirm_sent_at: NOW,
        created_at: NOW,
        confirmed_at: null,
        updated_at: NOW,
      })
      .execute();
    const data = await exportAccountData(deps(), reader.user);
    expect(data.tables.subscriptions).toEqual([
      expect.objectContaining({ email: reader.user.email, frequency: 'weekly', status: 'pending' }),
    ]);
    expect(JSON.stringify(data)).not.toContain('pending-hash');
    const deleted = await request('/settings/delete', reader.form({ password: PASSWORD, confirmation: reader.user.username }));
    expect(deleted.status).toBe(303);
    expect(await db.selectFrom('subscriptions').select('id').where('email', '=', reader.user.email).execute()).toEqual([]);
  });

  it('refuses a wrong password, a missing confirmation, a token, and a request without the CSRF token', async () => {
    const reader = await signedInUser(t.deps);
    const token = await t.deps.accounts.createApiToken(reader.user.id, 'rw', ['read', 'write']);
    if (!token.ok) throw new Error('token');
    const stillThere = async () => (await t.deps.accounts.findUserById(reader.user.id))?.username;

    const wrong = await request('/settings/delete', reader.form({ password: 'not my password', confirmation: reader.user.username }));
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('Your password is not right.');
    const unconfirmed = await request('/settings/delete', reader.form({ password: PASSWORD, confirmation: '' }));
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain('to confirm');
    const forged = await request('/settings/delete', {
      method: 'POST',
      headers: { cookie: reader.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: PASSWORD, confirmation: reader.user.username }).toString(),
    });
    expect(forged.status).toBe(403);

    const body = JSON.stringify({ password: PASSWORD, confirmation: reader.user.username });
    const apiNoCsrf = await request('/api/me', {
      method: 'DELETE',
      headers: { cookie: reader.cookie, 'content-type': 'application/json' },
      body,
    });
    expect(apiNoCsrf.status).toBe(403);
    const apiToken = await request('/api/me', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token.value.token}`, 'content-type': 'application/json' },
      body,
    });
    expect(apiToken.status).toBe(403);
    const apiWrong = await request('/api/me', {
      method: 'DELETE',
      headers: { cookie: reader.cookie, 'x-csrf-token': reader.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'nope', confirmation: reader.user.username }),
    });
    expect(apiWrong.status).toBe(403);
    expect(await stillThere()).toBe(reader.user.username);
    expect((await request('/settings', { headers: { cookie: reader.cookie } })).status).toBe(200);
  });

  it('refuses to delete the last administrator, and allows it once there is another', async () => {
    const admin = await signedInUser(t.deps, { admin: true });
    const refused = await request('/settings/delete', admin.form({ password: PASSWORD, confirmation: admin.user.username }));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('last administrator');
    const api = await request('/api/me', {
      method: 'DELETE',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD, confirmation: admin.user.username }),
    });
    expect(api.status).toBe(409);
    expect((await t.deps.accounts.findUserById(admin.user.id))?.isAdmin).toBe(true);

    await signedInUser(t.deps, { admin: true });
    const allowed = await request('/settings/delete', admin.form({ password: PASSWORD, confirmation: admin.user.username }));
    expect(allowed.status).toBe(303);
    expect(await t.deps.accounts.findUserById(admin.user.id)).toBeNull();
  });

  it('covers every table with a column naming a user, in the export and the deletion', async () => {
    const declared = new Map(personalTables().map((s) => [s.table as string, s.owner]));
    const columns = await userColumns(get());
    expect(columns.length).toBeGreaterThan(5);
    for (const { table, column } of columns) {
      expect({ table, column, covered: declared.get(table) === column }).toEqual({ table, column, covered: true });
    }
    expect(Object.keys(PERSONAL_TABLES)).toContain('users');
  });
});
