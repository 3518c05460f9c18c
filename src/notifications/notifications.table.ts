import type { Generated } from 'kysely';

export type NotificationKind = 'reply' | 'mention' | 'followed-author';
export type NotificationEmailStatus = 'planned' | 'sending' | 'sent' | 'failed';

/**
 * One thing a reader should know about: a reply to their comment, a mention in a comment, or a new paper by an
 * author they follow. The unique (user_id, subject) makes creating one idempotent: `subject` is `comment:<id>` for
 * replies and mentions (a reply that also mentions its parent's author is one notification) and `paper:<id>` for
 * followed authors (a paper by three followed authors is one notification).
 */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: NotificationKind;
  subject: string;
  paper_id: string;
  /** The reply or the mentioning comment; null for papers. */
  comment_id: number | null;
  created_at: string;
  read_at: string | null;
  /** The notification email that carried it; null until one is planned. */
  email_id: number | null;
}

/** A reader's notification preferences (no row: the defaults, email off). */
export interface NotificationSettingsTable {
  user_id: number;
  email_enabled: number;
  /** When the last email was planned: the next comes an hour later at the earliest. */
  last_email_at: string | null;
  updated_at: string;
}

/**
 * The outbox of notification emails: one row per batch, planned before anything is sent, leased by a worker and
 * marked `handed_over_at` right before the SMTP end-of-data marker (the digest outbox's protocol).
 */
export interface NotificationEmailsTable {
  id: Generated<number>;
  user_id: number;
  email: string;
  message_id: string;
  status: NotificationEmailStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  handed_over_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
}
