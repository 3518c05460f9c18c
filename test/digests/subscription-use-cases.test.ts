import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { SubscriptionInputError } from '../../src/digests/subscription.js';
import {
  confirmSubscription,
  subscribeToDigest,
  unsubscribe,
  updateSubscriptionSettings,
} from '../../src/digests/subscriptions.service.js';
import type { WriteEvent } from '../../src/write-events.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV } from '../security/web-client.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

describeEachStore('subscription use-cases', (get) => {
  let sink: SmtpSink;
  let deps: AppDeps;
  const events: WriteEvent[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    ({ deps } = await testApp(get(), { ...TEST_ENV, SMTP_URL: sink.url, PAPERBOY_SCHEDULER: 'off' }));
    deps.writes.subscribe((event) => events.push(event));
  });
  afterAll(async () => {
    await sink?.close();
  });
  beforeEach(() => {
    events.length = 0;
  });

  async function subscriptionId(email: string): Promise<number> {
    const row = await get().store.db.selectFrom('subscriptions').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async function confirmationToken(email: string): Promise<string> {
    const mails = await Promise.all(sink.received.filter((m) => m.to.includes(email)).map((m) => simpleParser(m.raw)));
    return /\/confirm\/([\w-]+)/.exec(mails.at(-1)!.text ?? '')![1]!;
  }

  it('subscribes, confirms and unsubscribes, announcing the subscription at each write', async () => {
    const { email } = await subscribeToDigest(deps, null, { email: ' Lin@Example.org ', frequency: 'weekly' });
    expect(email).toBe('lin@example.org');
    await deps.subscriptions.settled();
    const id = await subscriptionId(email);
    expect(events).toEqual([{ kind: 'subscription', subscriptionIds: [id] }]);

    // Asking again within the re-send interval writes nothing, so nothing is announced.
    await subscribeToDigest(deps, null, { email, frequency: 'weekly' });
    await deps.subscriptions.settled();
    expect(events).toHaveLength(1);

    const confirmed = await confirmSubscription(deps, null, { token: await confirmationToken(email) });
    expect(confirmed?.status).toBe('confirmed');
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({ kind: 'subscription', subscriptionIds: [id] });

    const left = await unsubscribe(deps, null, { token: deps.subscriptions.unsubscribeUrl(id, email).split('token=')[1]! });
    expect(left?.status).toBe('unsubscribed');
    expect(events).toEqual([
      { kind: 'subscription', subscriptionIds: [id] },
      { kind: 'subscription', subscriptionIds: [id] },
      { kind: 'subscription', subscriptionIds: [id] },
    ]);
  });

  it('ties a subscription to the account only for its own address, and updates settings of that account', async () => {
    const signUp = await deps.accounts.signUp({
      username: 'reader',
      email: 'reader@example.org',
      password: 'correct horse battery staple',
    });
    if (!signUp.ok) throw new Error('sign-up failed');
    const actor = { userId: signUp.value.id, email: signUp.value.email };
    await subscribeToDigest(deps, actor, { email: 'someone-else@example.org' });
    await subscribeToDigest(deps, actor, { email: 'READER@example.org' });
    await deps.subscriptions.settled();
    const rows = await get()
      .store.db.selectFrom('subscriptions')
      .select(['email', 'user_id'])
      .where('email', 'in', ['someone-else@example.org', 'reader@example.org'])
      .orderBy('email')
      .execute();
    expect(rows.map((r) => [r.email, r.user_id === null ? null : Number(r.user_id)])).toEqual([
      ['reader@example.org', actor.userId],
      ['someone-else@example.org', null],
    ]);
    await confirmSubscription(deps, actor, { token: await confirmationToken('reader@example.org') });
    events.length = 0;

    const updated = await updateSubscriptionSettings(deps, actor, {
      frequency: 'daily',
      topics: 'cat:cs.RO',
      maxPapers: '25',
      paused: 'on',
    });
    expect(updated).toMatchObject({ status: 'paused', maxPapers: 25, topics: 'cat:cs.RO' });
    const id = await subscriptionId('reader@example.org');
    expect(events).toEqual([{ kind: 'subscription', subscriptionIds: [id] }]);

    await unsubscribe(deps, actor, { own: true });
    expect(events).toHaveLength(2);
  });

  it('refuses malformed input naming the field, writing and announcing nothing', async () => {
    const refused = await subscribeToDigest(deps, null, { email: 'not-an-address' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SubscriptionInputError);
    expect((refused as SubscriptionInputError).field).toBe('email');
    const badFrequency = await subscribeToDigest(deps, null, { email: 'ok@example.org', frequency: 'hourly' }).catch((e: unknown) => e);
    expect((badFrequency as SubscriptionInputError).field).toBe('frequency');
    expect(await confirmSubscription(deps, null, { token: 'x'.repeat(30) })).toBeNull();
    expect(await unsubscribe(deps, null, { token: 'forged' })).toBeNull();
    await deps.subscriptions.settled();
    expect(events).toEqual([]);
  });
});
