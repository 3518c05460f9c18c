import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { MailTransport } from '../mail/transport.js';
import { DeferredWork } from '../security/deferred-work.js';
import { randomToken, tokenDigest } from '../security/tokens.js';
import type { WriteAnnouncer } from '../write-events.js';
import type { DigestKinds, Frequency } from './digests.table.js';
import { confirmationMail } from './render/confirmation-mail.js';
import {
  cancelPlannedDigests,
  findSubscriptionByConfirmHash,
  findSubscriptionById,
  findSubscriptionByEmail,
  findSubscriptionForUser,
  toSubscription,
} from './subscriptions.repository.js';
import {
  DEFAULT_PAPERS,
  normaliseEmail,
  parseDigestKinds,
  parseFrequency,
  parseMaxPapers,
  parseTopics,
  type Subscription,
} from './subscription.js';
import { tokenSubscriptionId, unsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.js';

/** A confirmation mail is not re-sent to the same address more often than this. */
export const CONFIRMATION_RESEND_MS = 10 * 60_000;
/** A confirmation link works for this long. */
export const CONFIRMATION_TTL_MS = 7 * 86_400_000;

export interface SubscribeRequest {
  readonly email: string;
  readonly frequency: Frequency;
  readonly topics: string | null;
  readonly userId?: number | null;
}

export interface SubscriptionSettings {
  readonly frequency: Frequency;
  readonly topics: string | null;
  readonly maxPapers: number;
  readonly paused: boolean;
  readonly digestKinds: DigestKinds;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    e?.code === '23505' ||
    (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT')) ||
    /UNIQUE constraint/i.test(String(e?.message))
  );
}

/**
 * Subscribing, confirming (double opt-in), leaving and settings. Whatever state an address is in, `subscribe`
 * answers the same way, so the form never reveals who is subscribed; only a pending address gets a mail, and
 * only the confirmation mail.
 */
export class SubscriptionService {
  /** The registration and its mail: their duration depends on the address's state, so they run off the response path. */
  private readonly deferred: DeferredWork;

  constructor(
    private readonly store: Store,
    private readonly mail: MailTransport,
    private readonly secret: string,
    private readonly publicUrl: string,
    private readonly now: () => Date,
    private readonly writes: WriteAnnouncer,
    logger: Logger,
  ) {
    this.deferred = new DeferredWork((error) =>
      logger.error('subscription request failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  }

  /** Resolves once every registration started so far is written and mailed (or has failed and been logged). */
  settled(): Promise<void> {
    return this.deferred.settled();
  }

  private announce(id: number): void {
    this.writes.announce({ kind: 'subscription', subscriptionIds: [id] });
  }

  /**
   * Returns before looking the address up: the lookup, the write and the confirmation mail happen off the response
   * path, so new, pending, confirmed and unsubscribed addresses take the same time to answer.
   */
  subscribe(request: SubscribeRequest): void {
    const requestedAt = this.now();
    this.deferred.run(() => this.register(request, requestedAt));
  }

  private async register(request: SubscribeRequest, now: Date): Promise<void> {
    const nowIso = now.toISOString();
    const token = randomToken(32);
    const hash = tokenDigest(token);
    const db = this.store.db;
    let shouldMail = false;
    let written: number | null = null;
    let existing = await findSubscriptionByEmail(db, request.email);
    if (!existing) {
      try {
        const inserted = await db
          .insertInto('subscriptions')
          .values({
            email: request.email,
            user_id: request.userId ?? null,
            frequency: request.frequency,
            topics: request.topics,
            max_papers: DEFAULT_PAPERS,
            status: 'pending',
            confirm_token_hash: hash,
            confirm_sent_at: nowIso,
            created_at: nowIso,
            confirmed_at: null,
            updated_at: nowIso,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        written = Number(inserted.id);
        shouldMail = true;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        existing = await findSubscriptionByEmail(db, request.email);
      }
    }
    if (existing && (existing.status === 'pending' || existing.status === 'unsubscribed')) {
      const lastSent = existing.confirm_sent_at ? Date.parse(existing.confirm_sent_at) : 0;
      if (existing.status === 'unsubscribed' || now.getTime() - lastSent >= CONFIRMATION_RESEND_MS) {
        // The guard on the previous value makes two simultaneous requests send one mail, not two.
        let update = db
          .updateTable('subscriptions')
          .set({
            status: 'pending',
            frequency: request.frequency,
            topics: request.topics,
            user_id: existing.user_id ?? request.userId ?? null,
            confirm_token_hash: hash,
            confirm_sent_at: nowIso,
            updated_at: nowIso,
          })
          .where('id', '=', existing.id)
          .where('status', '=', existing.status);
        update =
          existing.confirm_sent_at === null
            ? update.where('confirm_sent_at', 'is', null)
            : update.where('confirm_sent_at', '=', existing.confirm_sent_at);
        const result = await update.executeTakeFirst();
        shouldMail = Number(result.numUpdatedRows) === 1;
        if (shouldMail) written = existing.id;
      }
    }
    if (written !== null) this.announce(written);
    // Confirmed and paused addresses get nothing, and nobody learns they are subscribed.
    if (shouldMail) await this.sendConfirmation(request, token, hash);
  }

  private async sendConfirmation(request: SubscribeRequest, token: string, hash: string): Promise<void> {
    try {
      await this.mail.send(
        confirmationMail({
          email: request.email,
          confirmUrl: `${this.publicUrl}/confirm/${token}`,
          frequency: request.frequency,
          topics: request.topics,
        }),
      );
    } catch (error) {
      // Let the next attempt send it instead of waiting out the re-send interval.
      await this.store.db
        .updateTable('subscriptions')
        .set({ confirm_sent_at: null })
        .where('email', '=', request.email)
        .where('confirm_token_hash', '=', hash)
        .execute();
      throw error;
    }
  }

  /** The pending subscription a confirmation token belongs to, if the token is valid and not expired. */
  async findPendingByToken(token: string): Promise<Subscription | null> {
    if (!/^[\w-]{20,100}$/.test(token)) return null;
    const row = await findSubscriptionByConfirmHash(this.store.db, tokenDigest(token));
    if (!row || row.status !== 'pending' || !row.confirm_sent_at) return null;
    if (this.now().getTime() - Date.parse(row.confirm_sent_at) > CONFIRMATION_TTL_MS) return null;
    return toSubscription(row);
  }

  async confirm(token: string): Promise<Subscription | null> {
    const pending = await this.findPendingByToken(token);
    if (!pending) return null;
    const nowIso = this.now().toISOString();
    const result = await this.store.db
      .updateTable('subscriptions')
      .set({ status: 'confirmed', confirmed_at: nowIso, confirm_token_hash: null, updated_at: nowIso })
      .where('id', '=', pending.id)
      .where('confirm_token_hash', '=', tokenDigest(token))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    this.announce(pending.id);
    return { ...pending, status: 'confirmed', confirmedAt: nowIso };
  }

  unsubscribeUrl(subscriptionId: number, email: string): string {
    return `${this.publicUrl}/unsubscribe?token=${encodeURIComponent(unsubscribeToken(this.secret, subscriptionId, email))}`;
  }

  /** The subscription a signed unsubscribe token is valid for, or null for a forged, mangled or foreign token. */
  async findByUnsubscribeToken(token: string): Promise<Subscription | null> {
    const id = tokenSubscriptionId(token);
    if (id === null) return null;
    const row = await findSubscriptionById(this.store.db, id);
    if (!row || !verifyUnsubscribeToken(this.secret, token, row.id, row.email)) return null;
    return toSubscription(row);
  }

  async unsubscribeWithToken(token: string): Promise<Subscription | null> {
    const subscription = await this.findByUnsubscribeToken(token);
    if (!subscription) return null;
    await this.setStatus(subscription.id, 'unsubscribed');
    return { ...subscription, status: 'unsubscribed' };
  }

  async forUser(userId: number, email: string): Promise<Subscription | null> {
    const row = await findSubscriptionForUser(this.store.db, userId, email);
    return row ? toSubscription(row) : null;
  }

  /** Applies the settings form of a signed-in user to the subscription they manage. */
  async updateForUser(userId: number, email: string, settings: SubscriptionSettings): Promise<Subscription | null> {
    const row = await findSubscriptionForUser(this.store.db, userId, email);
    if (!row || row.status === 'unsubscribed' || row.status === 'pending') return row ? toSubscription(row) : null;
    const nowIso = this.now().toISOString();
    const status = settings.paused ? 'paused' : 'confirmed';
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('subscriptions')
        .set({
          frequency: settings.frequency,
          topics: settings.topics,
          max_papers: settings.maxPapers,
          digest_kinds: settings.digestKinds,
          status,
          user_id: userId,
          updated_at: nowIso,
        })
        .where('id', '=', row.id)
        .execute();
      if (status === 'paused') await cancelPlannedDigests(trx, row.id, 'cancelled: subscription paused');
      else if (settings.digestKinds !== 'both') {
        const dropped = settings.digestKinds === 'foryou' ? 'trending' : 'foryou';
        await cancelPlannedDigests(trx, row.id, `cancelled: ${dropped} digest no longer chosen`, dropped);
      }
    });
    this.announce(row.id);
    return toSubscription({
      ...row,
      frequency: settings.frequency,
      topics: settings.topics,
      max_papers: settings.maxPapers,
      digest_kinds: settings.digestKinds,
      status,
      user_id: userId,
    });
  }

  async unsubscribeForUser(userId: number, email: string): Promise<Subscription | null> {
    const row = await findSubscriptionForUser(this.store.db, userId, email);
    if (!row) return null;
    await this.setStatus(row.id, 'unsubscribed');
    return toSubscription({ ...row, status: 'unsubscribed' });
  }

  private async setStatus(id: number, status: 'unsubscribed'): Promise<void> {
    const nowIso = this.now().toISOString();
    await this.store.db.transaction().execute(async (trx) => {
      await trx.updateTable('subscriptions').set({ status, confirm_token_hash: null, updated_at: nowIso }).where('id', '=', id).execute();
      await cancelPlannedDigests(trx, id, 'cancelled: unsubscribed');
    });
    this.announce(id);
  }
}

/** What the subscription use-cases need from the app's dependencies. */
export interface SubscriptionDeps {
  readonly subscriptions: SubscriptionService;
}

/** The signed-in account acting, if any. */
export interface SubscriberActor {
  readonly userId: number;
  readonly email: string;
}

/** A form or JSON body as sent: every field is checked here, whatever the route. */
export interface SubscribeInput {
  readonly email: unknown;
  readonly frequency?: unknown;
  readonly topics?: unknown;
}

/**
 * Starts a double opt-in subscription. Answers the same, after the same work, whatever state the address is in:
 * only the input is checked here, the rest runs off the response path (`SubscriptionService.settled()` waits for
 * it). The subscription is tied to the signed-in account only when it is for the account's own address. Throws
 * SubscriptionInputError.
 */
export async function subscribeToDigest(
  deps: SubscriptionDeps,
  actor: SubscriberActor | null,
  input: SubscribeInput,
): Promise<{ email: string }> {
  const email = normaliseEmail(input.email);
  deps.subscriptions.subscribe({
    email,
    frequency: parseFrequency(input.frequency),
    topics: parseTopics(input.topics),
    userId: actor && actor.email.toLowerCase() === email ? actor.userId : null,
  });
  return { email };
}

/** Confirms a pending subscription; the mailed token alone authorises it, whoever is signed in. */
export function confirmSubscription(
  deps: SubscriptionDeps,
  _actor: SubscriberActor | null,
  input: { token: string },
): Promise<Subscription | null> {
  return deps.subscriptions.confirm(input.token);
}

/** Leaves through a signed unsubscribe link (no sign-in needed), or as the signed-in account. */
export function unsubscribe(
  deps: SubscriptionDeps,
  actor: SubscriberActor | null,
  input: { token: string } | { own: true },
): Promise<Subscription | null> {
  if ('token' in input) return deps.subscriptions.unsubscribeWithToken(input.token);
  if (!actor) return Promise.resolve(null);
  return deps.subscriptions.unsubscribeForUser(actor.userId, actor.email);
}

/** Applies the settings form of a signed-in account. Throws SubscriptionInputError. */
export function updateSubscriptionSettings(
  deps: SubscriptionDeps,
  actor: SubscriberActor,
  input: { frequency?: unknown; topics?: unknown; maxPapers?: unknown; paused?: unknown; digestKinds?: unknown },
): Promise<Subscription | null> {
  return deps.subscriptions.updateForUser(actor.userId, actor.email, {
    frequency: parseFrequency(input.frequency),
    topics: parseTopics(input.topics),
    maxPapers: parseMaxPapers(input.maxPapers),
    paused: input.paused === '1' || input.paused === 'on' || input.paused === true,
    digestKinds: parseDigestKinds(input.digestKinds),
  });
}
