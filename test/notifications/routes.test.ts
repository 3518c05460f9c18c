import { beforeAll, expect, it } from 'vitest';
import { postComment } from '../../src/community/comments.service.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { notificationEmailToken } from '../../src/notifications/email-token.js';
import { notificationEmailEnabled } from '../../src/notifications/notifications.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-03-03T12:00:00.000Z';
const DAY = '2025-03-01';

interface ApiList {
  notifications: {
    id: number;
    kind: string;
    paperId: string;
    commentId: number | null;
    actor: string | null;
    url: string;
    readAt: string | null;
  }[];
  unreadCount: number;
  total: number;
  hasMore: boolean;
}

describeEachStore('notification routes', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let counter = 0;

  beforeAll(async () => {
    t = await testApp(get());
  });

  const request = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const as = (user: SignedIn, path: string) => request(path, { headers: { cookie: user.cookie } });
  const json = (user: SignedIn, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(path, {
      method,
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** Alice's comment on a fresh paper with `replies` replies by Bob: `replies` notifications for Alice. */
  async function thread(alice: SignedIn, bob: SignedIn, replies: number) {
    counter += 1;
    const paperId = `2503.${String(40_000 + counter)}`;
    const db = get().store.db;
    await upsertPapers(db, [paperRecord({ id: paperId, title: `Paper <b>${paperId}</b>` })], NOW);
    await upsertFeedEntries(db, [{ day: DAY, paperId, upvotes: 1, comments: 0, source: 'test' }], NOW);
    const top = await postComment(t.deps, alice.user, { paperId, parentId: null, body: 'mine' });
    const ids: number[] = [];
    for (let i = 0; i < replies; i++) {
      ids.push(
        (await postComment(t.deps, bob.user, { paperId, parentId: top.commentId, body: `reply ${i} <script>x</script>` })).commentId,
      );
    }
    return { paperId, replyIds: ids };
  }

  it('lists a reader’s notifications newest first with links, and shows the unread count in the header', async () => {
    const [alice, bob] = [await signedInUser(t.deps), await signedInUser(t.deps)];
    const { paperId, replyIds } = await thread(alice, bob, 2);
    const page = await as(alice, '/notifications');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`href="/papers/${paperId}#comment-${replyIds[1]}"`);
    expect(html.indexOf(`#comment-${replyIds[1]}`)).toBeLessThan(html.indexOf(`#comment-${replyIds[0]}`));
    expect(html).toContain(`${bob.user.username} replied to your comment`);
    expect(html).not.toContain('<script>x</script>');
    expect(html).not.toContain(`<b>${paperId}</b>`);
    expect(html).toMatch(/Notifications <span class="badge" aria-label="2 unread">2<\/span>/);

    const bobs = await (await as(bob, '/')).text();
    expect(bobs).toContain('href="/notifications">Notifications</a>');
    const anonymous = await (await request('/')).text();
    expect(anonymous).not.toContain('/notifications');
    const visitor = await request('/notifications');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toMatch(/^\/login/);
  });

  it('paginates thirty to a page', async () => {
    const [alice, bob] = [await signedInUser(t.deps), await signedInUser(t.deps)];
    const { replyIds } = await thread(alice, bob, 31);
    const first = await (await as(alice, '/notifications')).text();
    expect(first).toContain('href="/notifications?page=2"');
    expect(first).not.toContain(`#comment-${replyIds[0]}"`);
    const second = await (await as(alice, '/notifications?page=2')).text();
    expect(second).toContain(`#comment-${replyIds[0]}"`);
    expect(second).not.toContain('?page=3');
    expect(second).toMatch(/99\+|31 unread/);
  });

  it('marks one and all read through CSRF-checked forms, only the reader’s own', async () => {
    const [alice, bob] = [await signedInUser(t.deps), await signedInUser(t.deps)];
    await thread(alice, bob, 3);
    const list = (await (await json(alice, 'GET', '/api/me/notifications')).json()) as ApiList;
    const [first] = list.notifications;

    const forged = await request('/notifications/read', {
      method: 'POST',
      headers: { cookie: alice.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: String(first!.id) }).toString(),
    });
    expect(forged.status).toBe(403);
    const byBob = await request('/notifications/read', bob.form({ id: String(first!.id) }));
    expect(byBob.status).toBe(303);
    expect(((await (await json(alice, 'GET', '/api/me/notifications')).json()) as ApiList).unreadCount).toBe(3);

    const one = await request('/notifications/read', alice.form({ id: String(first!.id), next: '/notifications' }));
    expect(one.status).toBe(303);
    expect(one.headers.get('location')).toBe('/notifications');
    expect(((await (await json(alice, 'GET', '/api/me/notifications')).json()) as ApiList).unreadCount).toBe(2);
    expect(await (await as(alice, '/notifications')).text()).toContain('aria-label="2 unread"');

    expect((await request('/notifications/read', alice.form({ all: '1' }))).status).toBe(303);
    const after = (await (await json(alice, 'GET', '/api/me/notifications')).json()) as ApiList;
    expect(after.unreadCount).toBe(0);
    expect(after.notifications.every((n) => n.readAt !== null)).toBe(true);
    expect(await (await as(alice, '/notifications')).text()).not.toContain('class="badge"');
  });

  it('serves the API to the session or a token, never another reader’s notifications', async () => {
    const [alice, bob] = [await signedInUser(t.deps), await signedInUser(t.deps)];
    const { paperId, replyIds } = await thread(alice, bob, 2);
    expect((await request('/api/me/notifications')).status).toBe(401);

    const body = (await (await json(alice, 'GET', '/api/me/notifications?unread=1')).json()) as ApiList;
    expect(body.unreadCount).toBe(2);
    expect(body.total).toBe(2);
    expect(body.notifications[0]).toMatchObject({
      kind: 'reply',
      paperId,
      commentId: replyIds[1],
      actor: bob.user.username,
      url: `http://paperboy.test/papers/${paperId}#comment-${replyIds[1]}`,
      readAt: null,
    });
    const bobs = (await (await json(bob, 'GET', '/api/me/notifications')).json()) as ApiList;
    expect(bobs.notifications).toEqual([]);

    // Bob names Alice's notification: nothing changes for her.
    const ids = body.notifications.map((n) => n.id);
    const bobMarks = await json(bob, 'POST', '/api/me/notifications/read', { ids });
    expect(await bobMarks.json()).toEqual({ marked: 0, unreadCount: 0 });

    expect((await json(alice, 'POST', '/api/me/notifications/read', { ids: [ids[0]] }, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await json(alice, 'POST', '/api/me/notifications/read', {})).status).toBe(400);

    const readOnly = await t.deps.accounts.createApiToken(alice.user.id, 'reader', ['read']);
    const writer = await t.deps.accounts.createApiToken(alice.user.id, 'writer', ['read', 'write']);
    if (!readOnly.ok || !writer.ok) throw new Error('token');
    const bearer = (token: string, method: string, path: string, payload?: unknown) =>
      request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
    expect((await bearer(readOnly.value.token, 'GET', '/api/me/notifications')).status).toBe(200);
    expect((await bearer(readOnly.value.token, 'POST', '/api/me/notifications/read', { all: true })).status).toBe(403);
    const marked = await bearer(writer.value.token, 'POST', '/api/me/notifications/read', { ids: [ids[0]] });
    expect(await marked.json()).toEqual({ marked: 1, unreadCount: 1 });
  });

  it('turns the email on and off on the settings page, and off with a signed one-click link', async () => {
    const alice = await signedInUser(t.deps);
    const settings = await (await as(alice, '/settings')).text();
    expect(settings).toContain('action="/settings/notifications"');
    expect(settings).toContain('Email me my notifications');
    expect(await notificationEmailEnabled(t.deps, alice.user)).toBe(false);

    const forged = await request('/settings/notifications', {
      method: 'POST',
      headers: { cookie: alice.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=on',
    });
    expect(forged.status).toBe(403);
    const on = await request('/settings/notifications', alice.form({ email: 'on' }));
    expect(on.headers.get('location')).toBe('/settings?notice=notification-email-on');
    expect(await notificationEmailEnabled(t.deps, alice.user)).toBe(true);
    expect(await (await as(alice, '/settings')).text()).toContain('Stop notification emails');

    const wrong = notificationEmailToken(t.deps.secret, alice.user.id, 'someone@else.org');
    expect((await request(`/notifications/unsubscribe?token=${encodeURIComponent(wrong)}`, { method: 'POST' })).status).toBe(400);
    expect(await notificationEmailEnabled(t.deps, alice.user)).toBe(true);

    const token = notificationEmailToken(t.deps.secret, alice.user.id, alice.user.email);
    const confirm = await request(`/notifications/unsubscribe?token=${encodeURIComponent(token)}`);
    expect(await confirm.text()).toContain('method="post"');
    expect(await notificationEmailEnabled(t.deps, alice.user)).toBe(true);
    const oneClick = await request(`/notifications/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await notificationEmailEnabled(t.deps, alice.user)).toBe(false);
  });
});
