import type { Store } from '../db/database.js';
import { retryDelayMs } from '../digests/worker.js';
import type { Logger } from '../logger.js';
import { isTemporaryMailError, type MailTransport } from '../mail/transport.js';
import { composeNotificationEmail } from './email-compose.js';
import {
  claimDueEmails,
  EmailLeaseLost,
  markEmailFailed,
  markEmailHandedOver,
  markEmailRetry,
  markEmailSent,
  planEmail,
  readersDueForEmail,
  recoverAbandonedEmails,
  type NotificationEmailRow,
} from './email-outbox.repository.js';
import { notificationEmailToken } from './email-token.js';
import { unreadNotificationsOfEmail } from './notifications.repository.js';

/*
 * Notification emails follow the digest outbox's protocol (see digests/worker.ts): a reader's unread notifications
 * are first planned into an outbox row (in one transaction that also takes the reader's hour), then a worker
 * leases the row, and `handed_over_at` is written through the mail layer's `deliver` callback right before the
 * SMTP end-of-data marker. A crash before that write re-queues the email (the server discarded the partial
 * message); after it, the email counts as sent and is never sent twice.
 */

export interface NotificationEmailOptions {
  readonly owner: string;
  readonly from: string;
  readonly publicUrl: string;
  readonly secret: string;
  readonly now: () => Date;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly dryRun?: boolean;
  readonly logger?: Logger;
  /** A line per planned or sent email (the CLI's progress). */
  readonly progress?: (line: string) => void;
}

export interface NotificationEmailSummary {
  /** Readers an email was planned for (with --dry-run: would be). */
  planned: number;
  sent: number;
  retried: number;
  failed: number;
  /** Emails dropped before sending: the reader turned email off, was banned, or read everything meanwhile. */
  cancelled: number;
  requeued: number;
  presumedSent: number;
}

const PLAN_BATCH = 500;
const CLAIM_BATCH = 20;

/** Plans the emails that are due and sends every planned one, then returns. */
export async function runNotificationEmails(
  store: Store,
  createTransport: () => MailTransport,
  options: NotificationEmailOptions,
): Promise<NotificationEmailSummary> {
  const summary: NotificationEmailSummary = { planned: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, requeued: 0, presumedSent: 0 };
  const progress = options.progress ?? (() => undefined);
  const messageIdHost = new URL(options.publicUrl).hostname;

  if (options.dryRun) {
    summary.planned = (await readersDueForEmail(store.db, options.now(), Number.MAX_SAFE_INTEGER)).length;
    progress(`would plan ${summary.planned} email${summary.planned === 1 ? '' : 's'}`);
    return summary;
  }

  const recovered = await recoverAbandonedEmails(store.db, options.now());
  summary.requeued = recovered.requeued;
  summary.presumedSent = recovered.presumedSent;
  if (recovered.requeued + recovered.presumedSent > 0) {
    progress(`recovered emails of a stopped worker: ${recovered.requeued} re-queued, ${recovered.presumedSent} recorded as sent`);
  }

  for (;;) {
    const readers = await readersDueForEmail(store.db, options.now(), PLAN_BATCH);
    let plannedNow = 0;
    for (const userId of readers) {
      if ((await planEmail(store.db, userId, options.now(), messageIdHost)) !== null) plannedNow += 1;
    }
    summary.planned += plannedNow;
    if (plannedNow > 0) progress(`planned ${summary.planned} email${summary.planned === 1 ? '' : 's'}`);
    if (readers.length < PLAN_BATCH || plannedNow === 0) break;
  }

  // Opened on the first claimed email: a round with nothing to send (most minutes) touches no mail server.
  let transport: MailTransport | null = null;
  try {
    for (;;) {
      const rows = await claimDueEmails(store.db, store.capabilities, options.owner, options.now(), options.leaseMs, CLAIM_BATCH);
      if (rows.length === 0) break;
      transport ??= createTransport();
      for (const row of rows) await sendOne(store, transport, row, options, summary);
      progress(`sent ${summary.sent}, retrying ${summary.retried}, failed ${summary.failed}, cancelled ${summary.cancelled}`);
    }
  } finally {
    await transport?.close();
  }
  return summary;
}

async function sendOne(
  store: Store,
  transport: MailTransport,
  row: NotificationEmailRow,
  options: NotificationEmailOptions,
  summary: NotificationEmailSummary,
): Promise<void> {
  const reader = await store.db
    .selectFrom('users')
    .innerJoin('notification_settings', 'notification_settings.user_id', 'users.id')
    .select(['users.username', 'users.email', 'users.banned', 'notification_settings.email_enabled'])
    .where('users.id', '=', row.user_id)
    .executeTakeFirst();
  const cancel = async (reason: string) => {
    await markEmailFailed(store.db, row.id, options.owner, `cancelled: ${reason}`);
    summary.cancelled += 1;
  };
  if (!reader || reader.email_enabled !== 1 || reader.banned !== 0) return cancel('the reader turned notification emails off');
  if (reader.email !== row.email) return cancel('the reader changed their address');
  const items = await unreadNotificationsOfEmail(store.db, row.user_id, row.id);
  if (items.length === 0) return cancel('everything was read, or its paper hidden, before the email went out');

  const token = notificationEmailToken(options.secret, row.user_id, row.email);
  const message = composeNotificationEmail({
    from: options.from,
    messageId: row.message_id,
    date: options.now(),
    content: {
      email: row.email,
      username: reader.username,
      items,
      publicUrl: options.publicUrl,
      unsubscribeUrl: `${options.publicUrl}/notifications/unsubscribe?token=${encodeURIComponent(token)}`,
    },
  });
  try {
    await transport.deliver(message, () => markEmailHandedOver(store.db, row.id, options.owner, options.now()));
  } catch (error) {
    if (error instanceof EmailLeaseLost) {
      options.logger?.error('notification email lease lost before hand-over; left to its new owner', { id: row.id });
      return;
    }
    const temporary = isTemporaryMailError(error);
    const reason = error instanceof Error ? error.message : String(error);
    if (temporary && row.attempts < options.maxAttempts) {
      const next = new Date(options.now().getTime() + retryDelayMs(row.attempts));
      await markEmailRetry(store.db, row.id, options.owner, next, `temporary: ${reason}`);
      summary.retried += 1;
    } else {
      await markEmailFailed(store.db, row.id, options.owner, `${temporary ? 'gave up after temporary failures' : 'permanent'}: ${reason}`);
      summary.failed += 1;
      options.logger?.error('notification email failed', { id: row.id, reason });
    }
    return;
  }
  await markEmailSent(store.db, row.id, options.owner, options.now());
  summary.sent += 1;
}
