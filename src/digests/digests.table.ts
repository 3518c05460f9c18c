import type { Generated } from 'kysely';

export type Frequency = 'daily' | 'weekly';
export type SubscriptionStatus = 'pending' | 'confirmed' | 'paused' | 'unsubscribed';
export type OutboxStatus = 'planned' | 'sending' | 'sent' | 'failed';

/** One subscriber address (lower-cased, unique). Double opt-in: nothing but the confirmation goes to `pending`. */
export interface SubscriptionsTable {
  id: Generated<number>;
  email: string;
  user_id: number | null;
  frequency: Frequency;
  /** A saved search in the query language; null means "top trending papers". */
  topics: string | null;
  max_papers: Generated<number>;
  status: SubscriptionStatus;
  /** Digest of the pending confirmation token; the token itself only exists in the mail. */
  confirm_token_hash: string | null;
  confirm_sent_at: string | null;
  created_at: string;
  confirmed_at: string | null;
  updated_at: string;
}

/**
 * One digest for one subscriber and period, planned before anything is sent. The unique
 * (subscription_id, frequency, period) makes planning idempotent; the lease columns let several workers share
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
}

/** Papers already planned into a subscriber's digests: never repeated. */
export interface DigestSentPapersTable {
  subscription_id: number;
  paper_id: string;
  outbox_id: number;
}
