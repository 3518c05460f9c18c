import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import { isTemporaryMailError, type MailTransport, type RawMessage } from '../mail/transport.js';
import { composeDigest, composeForYouDigest, DigestRenderer, periodLabel } from './compose.js';
import { parseForYouContent } from './foryou-content.js';
import { forYouUrlOf } from './render/foryou-digest.js';
import { loadDigestPapers } from './digest-papers.js';
import {
  claimDue,
  hasDue,
  LeaseLostError,
  markFailed,
  markHandedOver,
  markRetry,
  markSent,
  recoverAbandoned,
  type OutboxRow,
  type OutboxScope,
} from './outbox.repository.js';
import { weekPeriod } from '../feed/period.js';
import type { DigestPaper } from './render/digest-paper.js';
import { unsubscribeToken } from './unsubscribe-token.js';

/*
 * Exactly once, and where the one unavoidable gap is.
 *
 * SMTP gives no way to ask a server whether it already has a message, so a sender that crashes can only choose
 * between two risks. The outbox narrows the choice to a gap with no network wait in it:
 *
 *   claim (lease) → MAIL/RCPT/DATA → message body, until all of it has left the process → write handed_over_at
 *   → end-of-data marker → 250 → status=sent
 *
 * - Killed before handed_over_at is written: the server never received the end-of-data marker and discards the
 *   partial message (RFC 5321 §4.1.1.4). Recovery re-queues the digest; it is sent once, later.
 * - Killed after handed_over_at is written: the body is already with the kernel, which still delivers the bytes of
 *   a killed process, and the marker follows within the same few event-loop turns, without a round trip. The
 *   server accepts the message; recovery records the digest as sent ("unconfirmed") and never sends it again.
 *   (Were handed_over_at written while part of the body still waited in the process for a slow server, a kill
 *   then would lose the digest: the transport waits for the body to leave first.)
 * - The only window left is between the database acknowledging handed_over_at and the marker's write() — local
 *   CPU work only (microseconds, no I/O wait). A kill exactly there loses that one digest; nothing is ever sent
 *   twice by a crash. Each message carries a Message-ID derived from (subscription, frequency, period), so even a
 *   resend an operator forces by hand is recognisable as the same digest to receivers.
 *
 * Leases keep two workers apart: claims are atomic (FOR UPDATE SKIP LOCKED on PostgreSQL, the single write lock
 * on SQLite), and handed_over_at is only written while the lease is still ours, so a worker whose lease expired
 * can never hand over a digest that someone else has taken.
 */

export interface WorkerOptions {
  readonly owner: string;
  readonly from: string;
  readonly publicUrl: string;
  readonly secret: string;
  readonly now: () => Date;
  /** Parallel deliveries, each with its own connection. */
  readonly lanes: number;
  readonly ratePerSecond: number;
  readonly leaseSeconds: number;
  readonly maxAttempts: number;
  readonly claimBatch?: number;
  readonly scope?: OutboxScope;
  readonly logger?: Logger;
  /** Stop after this many digests (tests and --limit style runs). */
  readonly maxDigests?: number;
}

export interface WorkerSummary {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
  requeued: number;
  presumedSent: number;
}

/** Retry delays: 1 min, 2 min, 4 min, … capped at 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(6 * 3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

/** Spaces hand-overs evenly so the process never exceeds `ratePerSecond`, however many lanes run. */
class RateLimiter {
  private next = 0;
  constructor(private readonly intervalMs: number) {}

  async take(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    // Timers cannot wait less than a millisecond: smaller debts are paid by the next wait, so the average holds.
    if (slot - now >= 1) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

function fromOfPeriod(row: OutboxRow): string {
  return row.frequency === 'daily' ? row.period : (weekPeriod(row.period)?.from ?? row.period);
}

/** Sends every due digest in the outbox (optionally limited to a scope), then returns. */
export async function runOutbox(store: Store, createTransport: () => MailTransport, options: WorkerOptions): Promise<WorkerSummary> {
  const summary: WorkerSummary = { sent: 0, retried: 0, failed: 0, cancelled: 0, requeued: 0, presumedSent: 0 };
  const recovered = await recoverAbandoned(store.db, options.now());
  summary.requeued += recovered.requeued;
  summary.presumedSent += recovered.presumedSent;

  const limiter = new RateLimiter(1000 / options.ratePerSecond);
  const paperCache = new Map<string, DigestPaper>();
  const renderer = new DigestRenderer();
  const claimBatch = options.claimBatch ?? 20;
  let budget = options.maxDigests ?? Number.POSITIVE_INFINITY;

  async function papersFor(ids: readonly string[]): Promise<DigestPaper[]> {
    const missing = ids.filter((id) => !paperCache.has(id));
    if (missing.length > 0) {
      if (paperCache.size > 20_000) paperCache.clear();
      for (const [id, paper] of await loadDigestPapers(store.db, missing)) paperCache.set(id, paper);
    }
    return ids.map((id) => paperCache.get(id)).filter((p): p is DigestPaper => p !== undefined);
  }

  function unsubscribeUrlOf(row: OutboxRow): string {
    return `${options.publicUrl}/unsubscribe?token=${encodeURIComponent(unsubscribeToken(options.secret, row.subscription_id, row.email))}`;
  }

  async function trendingMessage(row: OutboxRow, topics: Map<number, string | null>): Promise<RawMessage> {
    const papers = await papersFor(JSON.parse(row.paper_ids) as string[]);
    return composeDigest({
      renderer,
      from: options.from,
      messageId: row.message_id,
      date: options.now(),
      content: {
        email: row.email,
        frequency: row.frequency,
        periodLabel: periodLabel(row.frequency, row.period, fromOfPeriod(row)),
        topics: topics.get(row.subscription_id) ?? null,
        papers,
        publicUrl: options.publicUrl,
        unsubscribeUrl: unsubscribeUrlOf(row),
      },
    });
  }

  /** The For-you digest exactly as planned: its papers, order and reasons come from the outbox row. */
  async function forYouMessage(row: OutboxRow): Promise<RawMessage> {
    const content = parseForYouContent(row.content);
    const papers = new Map((await papersFor(JSON.parse(row.paper_ids) as string[])).map((p) => [p.id, p]));
    return composeForYouDigest({
      from: options.from,
      messageId: row.message_id,
      date: options.now(),
      view: {
        email: row.email,
        frequency: row.frequency,
        periodLabel: periodLabel(row.frequency, row.period, fromOfPeriod(row)),
        recommended: content.recommended.flatMap(({ id, reason }) => (papers.has(id) ? [{ paper: papers.get(id)!, reason }] : [])),
        followed: content.followed.flatMap(({ id, authors }) => (papers.has(id) ? [{ paper: papers.get(id)!, authors }] : [])),
        forYouUrl: forYouUrlOf(options.publicUrl, row.frequency, row.period),
        publicUrl: options.publicUrl,
        unsubscribeUrl: unsubscribeUrlOf(row),
      },
    });
  }

  async function processRow(
    row: OutboxRow,
    transport: MailTransport,
    topics: Map<number, string | null>,
    active: Set<number>,
  ): Promise<void> {
    if (!active.has(row.subscription_id)) {
      await markFailed(store.db, row.id, options.owner, 'cancelled: subscription no longer confirmed');
      summary.cancelled += 1;
      return;
    }
    const message = row.kind === 'foryou' ? await forYouMessage(row) : await trendingMessage(row, topics);
    await limiter.take();
    try {
      await transport.deliver(message, () => markHandedOver(store.db, row.id, options.owner, options.now()));
    } catch (error) {
      if (error instanceof LeaseLostError) {
        options.logger?.error('digest lease lost before hand-over; left to its new owner', { id: row.id });
        return;
      }
      const temporary = isTemporaryMailError(error);
      const reason = error instanceof Error ? error.message : String(error);
      if (temporary && row.attempts < options.maxAttempts) {
        await markRetry(
          store.db,
          row.id,
          options.owner,
          new Date(options.now().getTime() + retryDelayMs(row.attempts)),
          `temporary: ${reason}`,
        );
        summary.retried += 1;
      } else {
        await markFailed(store.db, row.id, options.owner, `${temporary ? 'gave up after temporary failures' : 'permanent'}: ${reason}`);
        summary.failed += 1;
        options.logger?.error('digest failed', { id: row.id, email: row.email, reason });
      }
      return;
    }
    await markSent(store.db, row.id, options.owner, options.now());
    summary.sent += 1;
  }

  async function lane(): Promise<void> {
    const transport = createTransport();
    let emptyClaims = 0;
    try {
      while (budget > 0) {
        const rows = await claimDue(
          store.db,
          store.capabilities,
          options.owner,
          options.now(),
          options.leaseSeconds,
          Math.min(claimBatch, budget),
          options.scope,
        );
        if (rows.length === 0) {
          // Under contention a claim may find every candidate just taken by someone else; stop only when the
          // queue really has nothing due.
          if (emptyClaims++ < 1000 && (await hasDue(store.db, options.now(), options.scope))) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          return;
        }
        budget -= rows.length;
        const subs = await store.db
          .selectFrom('subscriptions')
          .select(['id', 'topics', 'status'])
          .where(
            'id',
            'in',
            rows.map((r) => r.subscription_id),
          )
          .execute();
        const topics = new Map(subs.map((s) => [s.id, s.topics]));
        const active = new Set(subs.filter((s) => s.status === 'confirmed').map((s) => s.id));
        for (const row of rows) await processRow(row, transport, topics, active);
      }
    } finally {
      await transport.close();
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, options.lanes) }, () => lane()));
  return summary;
}
