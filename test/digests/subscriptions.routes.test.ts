import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { unsubscribeToken } from '../../src/digests/unsubscribe-token.js';
import { buildDeps } from '../../src/runtime.js';
import type { Logger } from '../../src/logger.js';
import { createApp } from '../../src/web/app.js';
import { testApp, testConfig } from '../helpers/app.js';
import { signedInUser } from '../helpers/community.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV, WebClient, csrfTokenIn } from '../security/web-client.js';
import { confirmedSubscriber } from './fixtures.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

describeEachStore('subscription routes', (get) => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  async function app() {
    return testApp(get(), { ...TEST_ENV, SMTP_URL: sink.url, PAPERBOY_SCHEDULER: 'off' });
  }

  async function mailsTo(address: string) {
    return Promise.all(sink.received.filter((m) => m.to.includes(address)).map((m) => simpleParser(m.raw)));
  }

  async function statusOf(email: string) {
    const row = await get().store.db.selectFrom('subscriptions').selectAll().where('email', '=', email).executeTakeFirst();
    return row ?? null;
  }

  it('double opt-in: the form sends one confirmation mail, the link confirms after a click', async () => {
    const { app: web, deps } = await app();
    const client = new WebClient(web);
    const response = await client.submit('/', '/subscribe', { email: '  Grace@Example.org ', frequency: 'weekly' });
    expect(response.status).toBe(202);
    expect(await response.text()).toContain('Check your inbox');
    await deps.subscriptions.settled();
    expect((await statusOf('grace@example.org'))?.status).toBe('pending');

    const [mail] = await mailsTo('grace@example.org');
    expect(mail!.subject).toBe('Confirm your Paperboy subscription');
    const link = /http:\/\/paperboy\.test(\/confirm\/[\w-]+)/.exec(mail!.text ?? '')![1]!;

    // Opening the link (or a mail scanner prefetching it) changes nothing; the button does.
    const page = await client.get(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Confirm subscription');
    expect((await statusOf('grace@example.org'))?.status).toBe('pending');
    const confirmed = await client.post(link, { _csrf: csrfTokenIn(html) });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are subscribed');
    const row = await statusOf('grace@example.org');
    expect(row?.status).toBe('confirmed');
    expect(row?.frequency).toBe('weekly');

    // The link is single-use.
    expect((await client.get(link)).status).toBe(400);
  });

  it('re-subscribing answers the same way, creates no duplicate and mails a confirmed address nothing', async () => {
    await confirmedSubscriber(get().store, 'known@example.org', { frequency: 'weekly' });
    const { app: web, deps } = await app();
    const client = new WebClient(web);
    const known = await client.submit('/', '/subscribe', { email: 'known@example.org', frequency: 'daily' });
    const unknown = await client.submit('/', '/subscribe', { email: 'newcomer@example.org', frequency: 'daily' });
    expect(known.status).toBe(unknown.status);
    const strip = (text: string) => text.replace(/known@example\.org|newcomer@example\.org/g, 'ADDRESS').replace(/value="[^"]*"/g, '');
    expect(strip(await known.text())).toBe(strip(await unknown.text()));
    await deps.subscriptions.settled();
    const rows = await get().store.db.selectFrom('subscriptions').select('id').where('email', '=', 'known@example.org').execute();
    expect(rows).toHaveLength(1);
    expect(await mailsTo('known@example.org')).toHaveLength(0);
    expect((await statusOf('known@example.org'))?.frequency).toBe('weekly');

    // A pending address asking again within minutes gets no second mail either.
    await client.submit('/', '/subscribe', { email: 'newcomer@example.org', frequency: 'daily' });
    await deps.subscriptions.settled();
    expect(await mailsTo('newcomer@example.org')).toHaveLength(1);
  });

  it('when the confirmation mail cannot be sent, the visitor gets the same answer, the failure is logged and the next attempt sends it', async () => {
    const logged: string[] = [];
    const logger: Logger = { info: () => undefined, error: (message) => logged.push(message) };
    const downConfig = testConfig(get(), { ...TEST_ENV, SMTP_URL: 'smtp://127.0.0.1:1', PAPERBOY_SCHEDULER: 'off' });
    const downDeps = await buildDeps(downConfig, get().store, logger);
    const down = createApp(downConfig, downDeps);
    const failed = await new WebClient(down).submit('/', '/subscribe', { email: 'retry@example.org', frequency: 'daily' });
    expect(failed.status).toBe(202);
    expect(await failed.text()).toContain('Check your inbox');
    await downDeps.subscriptions.settled();
    expect(logged).toEqual(['subscription request failed']);
    const row = await statusOf('retry@example.org');
    expect(row?.status).toBe('pending');
    expect(row?.confirm_sent_at).toBeNull();

    // Within the re-send interval, yet the failed mail does not hold the next attempt back.
    const { app: up, deps } = await app();
    expect((await new WebClient(up).submit('/', '/subscribe', { email: 'retry@example.org', frequency: 'daily' })).status).toBe(202);
    await deps.subscriptions.settled();
    const [mail, ...more] = await mailsTo('retry@example.org');
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Confirm your Paperboy subscription');
    expect((await statusOf('retry@example.org'))?.confirm_sent_at).not.toBeNull();
  });

  it('POST /api/subscriptions takes JSON and validates it', async () => {
    const { app: web, deps } = await app();
    const ok = await web.request('/api/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ email: 'api@example.org', frequency: 'daily', topics: 'cat:cs.RO "vision-language-action"' }),
    });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ status: 'pending_confirmation' });
    await deps.subscriptions.settled();
    expect((await statusOf('api@example.org'))?.topics).toBe('cat:cs.RO "vision-language-action"');

    const categories = await web.request('/api/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ email: 'cats@example.org', frequency: 'weekly', topics: ['cs.RO', 'cs.CV'] }),
    });
    expect(categories.status).toBe(202);
    await deps.subscriptions.settled();
    expect((await statusOf('cats@example.org'))?.topics).toBe('cat:cs.RO cat:cs.CV');

    const bad = await web.request('/api/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ email: 'not-an-address', frequency: 'hourly' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', field: 'email' } });
  });

  it('unsubscribes with a signed token: GET asks, POST (RFC 8058 one-click) does it; forged tokens are refused', async () => {
    await confirmedSubscriber(get().store, 'leaver@example.org');
    const { app: web, deps } = await app();
    const row = (await statusOf('leaver@example.org'))!;
    const other = await get()
      .store.db.insertInto('subscriptions')
      .values({
        email: 'victim@example.org',
        user_id: null,
        frequency: 'daily',
        topics: null,
        max_papers: 10,
        status: 'confirmed',
        confirm_token_hash: null,
        confirm_sent_at: null,
        created_at: '2025-01-01T00:00:00Z',
        confirmed_at: '2025-01-01T00:00:00Z',
        updated_at: '2025-01-01T00:00:00Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = unsubscribeToken(deps.secret, row.id, row.email);

    const forged = [
      unsubscribeToken('another-secret-another-secret-another-secret', other.id, 'victim@example.org'),
      // The leaver's valid signature under the victim's id: bound to the address, so refused.
      `${other.id}.${token.split('.')[1]}`,
      unsubscribeToken(deps.secret, other.id, 'leaver@example.org'),
      'garbage',
    ];
    for (const bad of forged) {
      const response = await web.request(`/unsubscribe?token=${encodeURIComponent(bad)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(response.status).toBe(400);
    }
    expect((await statusOf('victim@example.org'))?.status).toBe('confirmed');

    const ask = await web.request(`/unsubscribe?token=${encodeURIComponent(token)}`);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Stop sending Paperboy digests to leaver@example.org?');
    expect((await statusOf('leaver@example.org'))?.status).toBe('confirmed');

    const oneClick = await web.request(`/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await statusOf('leaver@example.org'))?.status).toBe('unsubscribed');
  });

  it("a signed-in user subscribing someone else's address does not get to manage it", async () => {
    const { app: web, deps } = await app();
    const user = await signedInUser(deps);
    const response = await web.request('/subscribe', user.form({ email: 'someone-else@example.org', frequency: 'daily' }));
    expect(response.status).toBe(202);
    await deps.subscriptions.settled();
    expect((await statusOf('someone-else@example.org'))?.user_id).toBeNull();
    const settings = await web.request('/settings/subscription', { headers: { cookie: user.cookie } });
    expect(await settings.text()).not.toContain('someone-else@example.org');
  });

  it('signed-in users manage frequency, topics, size, pause and unsubscribe on /settings/subscription', async () => {
    const { app: web, deps } = await app();
    const anonymous = await web.request('/settings/subscription');
    expect(anonymous.status).toBe(303);

    const user = await signedInUser(deps);
    const email = user.user.email;
    await get()
      .store.db.insertInto('subscriptions')
      .values({
        email,
        user_id: null,
        frequency: 'daily',
        topics: null,
        max_papers: 10,
        status: 'confirmed',
        confirm_token_hash: null,
        confirm_sent_at: null,
        created_at: '2025-01-01T00:00:00Z',
        confirmed_at: '2025-01-01T00:00:00Z',
        updated_at: '2025-01-01T00:00:00Z',
      })
      .execute();
    const page = await web.request('/settings/subscription', { headers: { cookie: user.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Digests go to <strong>${email}</strong>`);

    const saved = await web.request(
      '/settings/subscription',
      user.form({ frequency: 'weekly', topics: 'cat:cs.RO robots', max_papers: '25', paused: '1' }),
    );
    expect(saved.status).toBe(303);
    let row = (await statusOf(email))!;
    expect(row).toMatchObject({ frequency: 'weekly', topics: 'cat:cs.RO robots', max_papers: 25, status: 'paused', user_id: user.user.id });

    const tooMany = await web.request('/settings/subscription', user.form({ frequency: 'weekly', max_papers: '51' }));
    expect(tooMany.status).toBe(422);
    expect(await tooMany.text()).toContain('between 5 and 50');

    const withoutCsrf = await web.request('/settings/subscription', {
      method: 'POST',
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'frequency=daily&max_papers=10',
    });
    expect(withoutCsrf.status).toBe(403);

    await web.request('/settings/subscription', user.form({ frequency: 'daily', topics: '', max_papers: '10' }));
    row = (await statusOf(email))!;
    expect(row).toMatchObject({ frequency: 'daily', topics: null, status: 'confirmed' });

    const left = await web.request('/settings/subscription/unsubscribe', user.form({}));
    expect(left.status).toBe(303);
    expect((await statusOf(email))?.status).toBe('unsubscribed');
  });
});
