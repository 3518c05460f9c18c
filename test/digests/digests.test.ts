import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { periodContaining } from '../../src/feed/period.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { confirmedSubscriber, manualClock, seedFeed } from './fixtures.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const MONDAY = '2025-01-06';
const TUESDAY = '2025-01-07';
const WEDNESDAY = '2025-01-08';

function paperIdsIn(mail: ParsedMail): string[] {
  return [...(mail.text ?? '').matchAll(/Read: http:\/\/paperboy\.test\/papers\/(\S+)/g)].map((m) => m[1]!);
}

describeEachStore('digests: planning and sending', { lifetime: 'test' }, (get) => {
  let sink: SmtpSink;
  let flakyAttempts = 0;
  let clock = manualClock('2025-01-06T22:00:00.000Z');

  beforeAll(async () => {
    sink = await startSmtpSink({
      replyFor: (rcpt) => {
        if (rcpt === 'bounce@example.org') return { code: 550, message: 'No such user' };
        if (rcpt === 'flaky@example.org' && flakyAttempts++ === 0) return { code: 451, message: 'Try again later' };
        return null;
      },
    });
  });
  beforeEach(async () => {
    clock = manualClock('2025-01-06T22:00:00.000Z');
    flakyAttempts = 0;
    sink.received.length = 0;
    await seedFeed(get().store, [
      { id: '2501.00001', day: MONDAY, upvotes: 90, title: 'Quantum error correction at scale', code: 'https://github.com/example/qec' },
      { id: '2501.00002', day: MONDAY, upvotes: 70 },
      { id: '2501.00003', day: MONDAY, upvotes: 50 },
      { id: '2501.00004', day: MONDAY, upvotes: 30 },
      { id: '2501.00005', day: MONDAY, upvotes: 20 },
      { id: '2501.00006', day: MONDAY, upvotes: 10, title: 'A <b>bold</b> & "quoted" title' },
      { id: '2501.00001', day: TUESDAY, upvotes: 95, title: 'Quantum error correction at scale', code: 'https://github.com/example/qec' },
      { id: '2501.00007', day: TUESDAY, upvotes: 40 },
      { id: '2501.00008', day: TUESDAY, upvotes: 15 },
    ]);
  });
  afterAll(async () => {
    await sink?.close();
  });

  async function service() {
    const t = get();
    const { deps } = await testApp(t, { SMTP_URL: sink.url, PAPERBOY_DIGEST_RATE: '1000', PAPERBOY_SCHEDULER: 'off' }, { now: clock.now });
    await deps.search.whenReady();
    return deps;
  }

  async function mailsTo(address: string): Promise<ParsedMail[]> {
    return Promise.all(sink.received.filter((m) => m.to.includes(address)).map((m) => simpleParser(m.raw)));
  }

  it('sends the top trending papers of the day once, to confirmed subscribers only, with one-click unsubscribe headers', async () => {
    const { store } = get();
    await confirmedSubscriber(store, 'ada@example.org', { maxPapers: 5 });
    await confirmedSubscriber(store, 'pending@example.org', { status: 'pending' });
    await confirmedSubscriber(store, 'paused@example.org', { status: 'paused' });
    const deps = await service();
    const period = periodContaining('daily', MONDAY);

    const plan = await deps.digests.plan(period);
    expect(plan.planned).toBe(1);
    const sent = await deps.digests.send({ frequency: 'daily', period: MONDAY });
    expect(sent.sent).toBe(1);

    const mails = await mailsTo('ada@example.org');
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(paperIdsIn(mail)).toEqual(['2501.00001', '2501.00002', '2501.00003', '2501.00004', '2501.00005']);
    const ada = await store.db.selectFrom('subscriptions').select('id').where('email', '=', 'ada@example.org').executeTakeFirstOrThrow();
    expect(mail.messageId).toBe(`<digest.daily.${MONDAY}.${ada.id}@paperboy.test>`);
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(String(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line)).toMatch(
      /<http:\/\/paperboy\.test\/unsubscribe\?token=[\w.%-]+>/,
    );
    expect(mail.html).toContain('http://paperboy.test/papers/2501.00001');
    expect(mail.html).toContain('https://github.com/example/qec');
    expect(mail.html).toContain('prefers-color-scheme: dark');
    expect(mail.text).toContain('1. Quantum error correction at scale\n   Ada Lovelace, Alan Turing\n   ▲ 95 upvotes');
    expect(mail.subject).toMatch(/^Daily trending papers/);

    expect(await mailsTo('pending@example.org')).toHaveLength(0);
    expect(await mailsTo('paused@example.org')).toHaveLength(0);

    // Planning and sending the same period again changes nothing.
    const again = await deps.digests.plan(period);
    expect(again.planned).toBe(0);
    expect(again.alreadyPlanned).toBe(1);
    expect((await deps.digests.send()).sent).toBe(0);
    expect(await mailsTo('ada@example.org')).toHaveLength(1);
  });

  it('never repeats a paper a subscriber already received, and sends nothing when nothing is new', async () => {
    await confirmedSubscriber(get().store, 'ada@example.org', { maxPapers: 5 });
    const deps = await service();
    await deps.digests.plan(periodContaining('daily', MONDAY));
    await deps.digests.send();
    expect(await mailsTo('ada@example.org')).toHaveLength(1);
    await deps.digests.plan(periodContaining('daily', TUESDAY));
    await deps.digests.send();
    const mails = await mailsTo('ada@example.org');
    expect(mails).toHaveLength(2);
    // 2501.00001 was featured again on Tuesday but went out on Monday.
    expect(paperIdsIn(mails[1]!)).toEqual(['2501.00007', '2501.00008']);

    const empty = await deps.digests.plan(periodContaining('daily', WEDNESDAY));
    expect(empty.planned).toBe(0);
    await deps.digests.send();
    expect(await mailsTo('ada@example.org')).toHaveLength(2);
  });

  it('escapes paper titles in the HTML part', async () => {
    const { store } = get();
    await confirmedSubscriber(store, 'escape@example.org', { maxPapers: 10 });
    const deps = await service();
    await deps.digests.plan(periodContaining('daily', MONDAY));
    await deps.digests.send();
    const [mail] = await mailsTo('escape@example.org');
    expect(mail!.html).toContain('A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title');
    expect(mail!.html).not.toContain('<b>bold</b>');
  });

  it('topic subscriptions get the matching papers of the period, and no mail when nothing matches', async () => {
    const { store } = get();
    await confirmedSubscriber(store, 'topic@example.org', { topics: 'quantum' });
    await confirmedSubscriber(store, 'nomatch@example.org', { topics: 'cat:astro-ph.GA' });
    const deps = await service();
    const plan = await deps.digests.plan(periodContaining('weekly', MONDAY));
    expect(plan.topicErrors).toBe(0);
    await confirmedSubscriber(store, 'weekly@example.org', { frequency: 'weekly' });
    await store.db
      .updateTable('subscriptions')
      .set({ frequency: 'weekly' })
      .where('email', 'in', ['topic@example.org', 'nomatch@example.org'])
      .execute();
    const weekly = await deps.digests.plan(periodContaining('weekly', MONDAY));
    expect(weekly.planned).toBe(2);
    expect(weekly.empty).toBe(1);
    await deps.digests.send();
    const [topicMail] = await mailsTo('topic@example.org');
    expect(paperIdsIn(topicMail!)).toEqual(['2501.00001']);
    expect(topicMail!.subject).toMatch(/^Weekly papers on your topics/);
    expect(await mailsTo('nomatch@example.org')).toHaveLength(0);
    const [weeklyMail] = await mailsTo('weekly@example.org');
    // The week's papers by the stored trending score (newer days weigh more, see trending-score.ts).
    const byTrending = await store.db.selectFrom('papers').select('id').orderBy('trending_score', 'desc').orderBy('id').execute();
    expect(paperIdsIn(weeklyMail!)).toEqual(byTrending.map((p) => p.id));
    expect(byTrending[0]!.id).toBe('2501.00007');
  });

  it('retries temporary SMTP failures with backoff and records permanent ones', async () => {
    const { store } = get();
    await confirmedSubscriber(store, 'flaky@example.org');
    await confirmedSubscriber(store, 'bounce@example.org');
    const deps = await service();
    await deps.digests.plan(periodContaining('daily', MONDAY));
    const first = await deps.digests.send();
    expect(first.retried).toBe(1);
    expect(first.failed).toBe(1);
    expect(await mailsTo('flaky@example.org')).toHaveLength(0);

    // Not due yet: the backoff holds it back.
    expect((await deps.digests.send()).sent).toBe(0);
    clock.advance(61_000);
    const second = await deps.digests.send();
    expect(second.sent).toBe(1);
    expect(await mailsTo('flaky@example.org')).toHaveLength(1);
    expect(await mailsTo('bounce@example.org')).toHaveLength(0);

    const status = await deps.digests.status();
    expect(status.failures.map((f) => f.email)).toEqual(['bounce@example.org']);
    expect(status.failures[0]!.last_error).toMatch(/^permanent: .*550/);
    // The bounced digest's papers were never delivered: they are not counted as sent.
    const bounced = await store.db
      .selectFrom('subscriptions')
      .select('id')
      .where('email', '=', 'bounce@example.org')
      .executeTakeFirstOrThrow();
    expect(await store.db.selectFrom('digest_sent_papers').select('paper_id').where('subscription_id', '=', bounced.id).execute()).toEqual(
      [],
    );
  });
});

describe('digest message ids', () => {
  it('derive from subscription, frequency and period', async () => {
    const { digestMessageId } = await import('../../src/digests/planner.js');
    expect(digestMessageId('weekly', '2025-W02', 7, 'example.org')).toBe('<digest.weekly.2025-W02.7@example.org>');
  });
});
