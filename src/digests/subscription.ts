import type { DigestKinds, Frequency, SubscriptionStatus } from './digests.table.js';

export const FREQUENCIES: readonly Frequency[] = ['daily', 'weekly'];
export const MIN_PAPERS = 5;
export const MAX_PAPERS = 50;
export const DEFAULT_PAPERS = 10;
export const MAX_TOPICS_LENGTH = 500;

export interface Subscription {
  readonly id: number;
  readonly email: string;
  readonly userId: number | null;
  readonly frequency: Frequency;
  readonly topics: string | null;
  readonly maxPapers: number;
  /** Which digests they get: trending (or topic) papers, For you, or both. */
  readonly digestKinds: DigestKinds;
  readonly status: SubscriptionStatus;
  readonly createdAt: string;
  readonly confirmedAt: string | null;
}

export class SubscriptionInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SubscriptionInputError';
  }
}

// Deliberately simple: one @, no spaces or angle brackets, a dot in the domain. The confirmation mail is the real test.
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function normaliseEmail(raw: unknown): string {
  if (typeof raw !== 'string') throw new SubscriptionInputError('email', 'Enter an email address.');
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email))
    throw new SubscriptionInputError('email', 'Enter a valid email address, like ada@example.org.');
  return email;
}

export function parseFrequency(raw: unknown): Frequency {
  if (raw === undefined || raw === null || raw === '') return 'daily';
  if (raw === 'daily' || raw === 'weekly') return raw;
  throw new SubscriptionInputError('frequency', 'Frequency must be "daily" or "weekly".');
}

const CATEGORY = /^[a-z][a-z-]*(\.[a-z-]+)?$/i;

/**
 * A saved search in the query language. A JSON array of arXiv categories is accepted too and becomes
 * `cat:a cat:b` (papers in any of them).
 */
export function parseTopics(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (Array.isArray(raw)) {
    if (!raw.every((c): c is string => typeof c === 'string' && CATEGORY.test(c))) {
      throw new SubscriptionInputError('topics', 'Topics must be a search query, or a list of arXiv categories such as "cs.RO".');
    }
    return parseTopics(raw.map((c) => `cat:${c}`).join(' '));
  }
  if (typeof raw !== 'string') throw new SubscriptionInputError('topics', 'Topics must be a search query (text).');
  const topics = raw.replace(/\s+/g, ' ').trim();
  if (topics.length > MAX_TOPICS_LENGTH)
    throw new SubscriptionInputError('topics', `Topics must be at most ${MAX_TOPICS_LENGTH} characters.`);
  return topics === '' ? null : topics;
}

export function parseMaxPapers(raw: unknown): number {
  const value = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_PAPERS || value > MAX_PAPERS) {
    throw new SubscriptionInputError('max_papers', `The number of papers must be between ${MIN_PAPERS} and ${MAX_PAPERS}.`);
  }
  return value;
}

export const DIGEST_KINDS: readonly DigestKinds[] = ['trending', 'foryou', 'both'];

/** Which digests to send; For you is ranked for an account, so it needs the subscription to be tied to one. */
export function parseDigestKinds(raw: unknown): DigestKinds {
  if (raw === undefined || raw === null || raw === '') return 'trending';
  if (raw === 'trending' || raw === 'foryou' || raw === 'both') return raw;
  throw new SubscriptionInputError('digest_kinds', 'Digest must be "trending", "foryou" or "both".');
}
