import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { postComment } from '../../src/community/comments.service.js';
import { silentLogger } from '../../src/logger.js';
import { SmtpTransport } from '../../src/mail/smtp-transport.js';
import { claimDueEmails, markEmailHandedOver, planEmail } from '../../src/notifications/email-outbox.repository.js';
import { NotificationEmailService } from '../../src/notifications/email-service.js';
import { composeNotificationEmail } from '../../src/notifications/email-compose.js';
import { unreadNotificationsOfEmail } from '../../src/notifications/notifications.repository.js';
import { markNotificationsRead, notificationEmailEnabled, setNotificationEmail } from '../../src/notifications/notifications.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { startSmtpSink, type SmtpSink } from '../digests/smtp-sink.js';

const START = Date.parse('2025-03-03T12:00:00.000Z');
const MINUTE = 60_000;

describeEachStore('notification emails', (get) => {
  let sink: SmtpSink;
  let t: Awaited<ReturnType<typeof testApp>>;
  let deps: AppDeps;
  let clock = START;
  let counter = 0;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await testApp(get(), { SMTP_URL: sink.url, PAPERBOY_DIGEST_LEASE_SECONDS: '60' }, { now: () => new Date(clock) });
    deps = t.deps;
  });

  afterAll(async () => {
    await sink.close();
  });

  const service = () =>
    new NotificationEmailService({
      store: get().store,
      config: t.config,
      secret: deps.secret,
      logger: silentLogger,
      now: () => new Date(clock),
    });
  const mailTo = async (user: SignedIn): Promise<ParsedMail[]> =>
    Promise.all(sink.received.filter((m) => m.to.includes(user.user.email)).map((m) => simpleParser(m.raw)));

  /** A fresh reader with email on, and `n` replies to their comment by someone else. */
  async function readerWithReplies(n: number, emailOn = true) {
    const [alice, bob] = [await signedInUser(deps), await signedInUser(deps)];
    if (emailOn) await setNotificationEmail(deps, alice.user, { enabled: true });
    counter += 1;
    const paperId = `2503.${String(50_000 + counter)}`;
    await upsertPapers(
      get().store.db,
      [paperRecord({ id: paperId, title: `Emailed <i>paper</i> ${paperId}` })],
      new Date(clock).toISOString(),
    );
    const top = await postComment(deps, alice.user, { paperId, parentId: null, body: 'mine' });
    const reply = async (body: string) => (await postComment(deps, bob.user, { paperId, parentId: top.commentId, body })).commentId;
    const replies: number[] = [];
    for (let i = 0; i < n; i++) replies.push(await reply(`reply number ${i}`));
    return { alice, bob, paperId, replies, reply };
  }

  it('sends nothing to readers who did not ask for email (the default)', async () => {
    const { alice } = await readerWithReplies(2, false);
    expect(await notificationEmailEnabled(deps, alice.user)).toBe(false);
    await service().send();
    expect(await mailTo(alice)).toEqual([]);
  });

  it('batches everything unread into one email an hour, each notification once, with one-click unsubscribe', async () => {
    clock += 10 * MINUTE;
    const { alice, paperId, replies, reply } = await readerWithReplies(2);
    const first = await service().send();
    expect(first.sent).toBeGreaterThanOrEqual(1);
    let mails = await mailTo(alice);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe('2 new notifications on Paperboy');
    expect(mail.text).toContain(`http://paperboy.test/papers/${paperId}#comment-${replies[0]}`);
    expect(mail.text).toContain('reply number 1');
    expect(mail.html).not.toContain('<i>paper</i>');
    expect(mail.html).toContain('&lt;i&gt;paper&lt;/i&gt;');
    const raw = sink.received.find((m) => m.to.includes(alice.user.email))!.raw.toString('utf8');
    const unsubscribeUrl = /^List-Unsubscribe: <([^>]+)>$/m.exec(raw)?.[1] ?? '';
    expect(unsubscribeUrl).toMatch(/^http:\/\/paperboy\.test\/notifications\/unsubscribe\?token=/);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(mail.html).toContain(unsubscribeUrl.replace(/&/g, '&amp;'));

    // A new reply 20 minutes later, and a second run: still one email this hour.
    clock += 20 * MINUTE;
    const third = await reply('a third reply');
    await service().send();
    expect(await mailTo(alice)).toHaveLength(1);

    // After the hour: the next email carries only what the first did not.
    clock += 41 * MINUTE;
    await service().send();
    mails = await mailTo(alice);
    expect(mails).toHaveLength(2);
    const second = mails.find((m) => m.messageId !== mail.messageId)!;
    expect(second.text).toContain(`#comment-${third}`);
    expect(second.text).not.toContain(`#comment-${replies[0]}`);

    // Nothing new: no email, however much time passes.
    clock += 120 * MINUTE;
    await service().send();
    expect(await mailTo(alice)).toHaveLength(2);

    // The unsubscribe link from the mail turns the emails off, with no session (RFC 8058 one-click POST).
    const response = await t.app.request(unsubscribeUrl.replace('http://paperboy.test', ''), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect(await notificationEmailEnabled(deps, alice.user)).toBe(false);
  });

  it('sends nothing for notifications read before their email went out', async () => {
    clock += 10 * MINUTE;
    const { alice } = await readerWithReplies(1);
    expect(await planEmail(get().store.db, alice.user.id, new Date(clock), 'paperboy.test')).not.toBeNull();
    await markNotificationsRead(deps, alice.user, { all: true });
    const summary = await service().send();
    expect(summary.cancelled).toBeGreaterThanOrEqual(1);
    expect(await mailTo(alice)).toEqual([]);
  });

  it('a worker that stopped before the hand-over leaves its email to be sent once, later', async () => {
    clock += 10 * MINUTE;
    const { alice } = await readerWithReplies(1);
    const db = get().store.db;
    const emailId = await planEmail(db, alice.user.id, new Date(clock), 'paperboy.test');
    const claimed = await claimDueEmails(db, get().store.capabilities, 'elsewhere:1:gone', new Date(clock), 60_000, 100);
    expect(claimed.map((row) => row.id)).toContain(emailId);

    // While the lease holds, nobody else sends it.
    await service().send();
    expect(await mailTo(alice)).toEqual([]);

    clock += 2 * MINUTE;
    const summary = await service().send();
    expect(summary.requeued).toBeGreaterThanOrEqual(1);
    expect(await mailTo(alice)).toHaveLength(1);
    await service().send();
    expect(await mailTo(alice)).toHaveLength(1);
  });

  it('a worker that stopped right after the hand-over never has its email sent again', async () => {
    clock += 10 * MINUTE;
    const { alice } = await readerWithReplies(1);
    const db = get().store.db;
    const emailId = (await planEmail(db, alice.user.id, new Date(clock), 'paperboy.test'))!;
    const owner = 'elsewhere:2:stopped';
    const [row] = (await claimDueEmails(db, get().store.capabilities, owner, new Date(clock), 60_000, 100)).filter((r) => r.id === emailId);
    // The worker's own steps, up to the end-of-data marker; it stops before recording the email as sent.
    const transport = new SmtpTransport(sink.url, t.config.mailFrom);
    const items = await unreadNotificationsOfEmail(db, alice.user.id, emailId);
    const message = composeNotificationEmail({
      from: t.config.mailFrom,
      messageId: row!.message_id,
      date: new Date(clock),
      content: {
        email: row!.email,
        username: alice.user.username,
        items,
        publicUrl: t.config.publicUrl,
        unsubscribeUrl: 'http://paperboy.test/x',
      },
    });
    await transport.deliver(message, () => markEmailHandedOver(db, emailId, owner, new Date(clock)));
    await transport.close();
    expect(await mailTo(alice)).toHaveLength(1);

    clock += 2 * MINUTE;
    const summary = await service().send();
    expect(summary.presumedSent).toBeGreaterThanOrEqual(1);
    const status = await db
      .selectFrom('notification_emails')
      .select(['status', 'last_error'])
      .where('id', '=', emailId)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('sent');
    expect(status.last_error).toMatch(/^unconfirmed/);
    expect(await mailTo(alice)).toHaveLength(1);
  });

  it('--dry-run counts the readers due without planning or sending', async () => {
    clock += 10 * MINUTE;
    const { alice } = await readerWithReplies(1);
    const lines: string[] = [];
    const dry = await service().send({ dryRun: true, progress: (line) => lines.push(line) });
    expect(dry.planned).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).toMatch(/would plan \d+ email/);
    expect(await mailTo(alice)).toEqual([]);
    expect(await get().store.db.selectFrom('notification_emails').select('id').where('user_id', '=', alice.user.id).execute()).toEqual([]);
  });
});
