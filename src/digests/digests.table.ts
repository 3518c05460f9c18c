import type { Generated } from 'kysely';

export type Frequency = 'daily' | 'weekly';
export type SubscriptionStatus = 'pending' | 'confirmed' | 'paused' | 'unsubscribed';
export type OutboxStatus = 'planned' | 'sending' | 'sent' | 'failed';
/** Which digest an outbox row is: the period's trending papers (or a saved search's), or For you. */
export type DigestKind = 'trending' | 'foryou';
/** Which digests a subscriber gets. */
export type DigestKinds = 'trending' | 'foryou' | 'both';

/** One subscriber address (lower-cased, unique). Double opt-in: nothing but the confirmation goes to `pending`. */
export interface SubscriptionsTable {
  id: Generated<number>;
  email: string;
  user_id: number | null;
  frequency: Frequency;
  /** A saved search in the query language; null means "top trending papers". */
  topics: string | null;
  max_papers: Generated<number>;
  /** For you needs an account: only subscriptions tied to one (`user_id`) get it. */
  digest_kinds: Generated<DigestKinds>;
  status: SubscriptionStatus;
  /** Digest of the pending confirmation token; the token itself only exists in the mail. */
  confirm_token_hash: string | null;
  confirm_sent_at: string | null;
  created_at: string;
  confirmed_at: string | null;
  updated_at: string;
}

/**
 * One digest for one subscriber, period and kind, planned before anything is sent. The unique
 * (subscription_id, frequency, period, kind) makes planning idempotent; the lease columns let several workers share
 * the queue; `handed_over_at` is written just before the end-of-data marker goes to the SMTP server (see worker).
 */
export interface DigestOutboxTable {
  id: Generated<number>;
  subscription_id: number;
  frequency: Frequency;
  /** `YYYY-MM-DD` for daily digests, `YYYY-Www` for weekly ones. */
  period: string;
  email: string;
  /** JSON array of paper ids, in digest order. */
  paper_ids: string;
  /** Deterministic Message-ID, so a resend can be recognised by receivers. */
  message_id: string;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  handed_over_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
  kind: Generated<DigestKind>;
  /** For-you digests: the planned content as JSON (see foryou-digest.ts); null for trending digests. */
  content: string | null;
}

/** Papers already planned into a subscriber's digests: never repeated. */
export interface DigestSentPapersTable {
  subscription_id: number;
  paper_id: string;
  outbox_id: number;
}
