import type { FeedRecord, PaperRecord, SourceSubmitter } from './paper.js';

/**
 * The largest values a paper may carry, enforced on every import. arXiv's own limits are far smaller (abstracts
 * 1,920 characters, titles a few hundred); the caps leave room for any real record and stop junk that would make
 * every page, feed and index that shows the paper large or slow.
 *
 * A record with an over-long identifying or linking field (title, abstract, a category, DOI, licence, URL,
 * organisation, thumbnail, a feed entry's title, summary, submitter or media URL) is skipped with the reason: cutting
 * those would store something the source never said. Lists and free-text annotations are truncated instead, because a
 * shortened one is still true: the first authors of a 5,000-author collaboration, the first categories, the start of
 * the comments or journal reference, the start of an author "name" that is really a run of names the source failed to
 * split (arXiv has some of 500 characters), the start of a generated summary and the first generated keywords.
 */
export const PAPER_LIMITS = {
  /** Characters of a title. */
  title: 1_000,
  /** Characters of an abstract (or the HF summary). */
  abstract: 10_000,
  /** Characters of one author name kept (truncated with an ellipsis). */
  authorName: 300,
  /** Authors kept (the largest real author lists, ATLAS and CMS papers, have about 5,200); the rest are dropped. */
  authors: 6_000,
  /** Characters of one category (e.g. `cond-mat.stat-mech`). */
  category: 40,
  /** Categories kept; the rest are dropped. */
  categories: 20,
  /** Characters of the comments field kept (truncated with an ellipsis). */
  comments: 2_000,
  /** Characters of the journal reference kept (truncated with an ellipsis). */
  journalRef: 1_000,
  /** Characters of a DOI (several DOIs may be listed). */
  doi: 500,
  /** Characters of a licence (a URL). */
  license: 500,
  /** Characters of a URL: project page and code repository. */
  url: 2_000,
  /** Characters of an organisation's handle or display name, and of a submitter's handle, full name or type. */
  organization: 300,
  /** Characters of a generated summary kept (HF `ai_summary`, truncated with an ellipsis). */
  aiSummary: 5_000,
  /** Generated keywords kept (HF `ai_keywords`); the rest are dropped. */
  aiKeywords: 100,
  /** Characters of one generated keyword kept (truncated with an ellipsis). */
  aiKeyword: 200,
  /** Media URLs of a feed entry kept; the rest are dropped. */
  mediaUrls: 20,
  /** Largest upvote, comment or star count (stored in 32-bit integer columns). */
  count: 1_000_000_000,
} as const;

/** Papers, versions and feed days lie between arXiv's first year and the last year an ISO day can spell. */
export const FIRST_PAPER_YEAR = 1991;
export const LAST_PAPER_YEAR = 9999;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function isCalendarDayInRange(year: string, month: string, day: string): boolean {
  const y = Number(year);
  if (y < FIRST_PAPER_YEAR || y > LAST_PAPER_YEAR) return false;
  const date = new Date(Date.UTC(y, Number(month) - 1, Number(day)));
  return date.getUTCFullYear() === y && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

/** A real calendar day `YYYY-MM-DD` within the paper years. */
export function isPaperDay(value: string): boolean {
  const match = ISO_DAY.exec(value);
  return match !== null && isCalendarDayInRange(match[1]!, match[2]!, match[3]!);
}

/** A UTC timestamp as `Date.toISOString()` writes it, on a day within the paper years. */
export function isPaperTimestamp(value: string): boolean {
  const match = ISO_TIMESTAMP.exec(value);
  return match !== null && isCalendarDayInRange(match[1]!, match[2]!, match[3]!);
}

function truncated(text: string, max: number): string {
  if (text.length <= max) return text;
  // Cut on a code-point boundary, leaving room for the ellipsis.
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

function tooLong(field: string, length: number, max: number): string {
  return `${field} is ${length} characters long (at most ${max})`;
}

function tooMany(field: string, value: number): string {
  return `${field} ${value} is larger than ${PAPER_LIMITS.count}`;
}

function badDate(field: string, value: string): string {
  return `${field} "${value.slice(0, 40)}" is not a date from ${FIRST_PAPER_YEAR} to ${LAST_PAPER_YEAR}`;
}

export type PaperCheck = { readonly ok: true; readonly paper: PaperRecord } | { readonly ok: false; readonly problem: string };

/**
 * Holds a record to PAPER_LIMITS and the paper years: the record with its lists and annotations truncated, or the
 * reason it must be skipped.
 */
export function checkPaperRecord(record: PaperRecord): PaperCheck {
  const fail = (problem: string): PaperCheck => ({ ok: false, problem });
  if (record.title.length > PAPER_LIMITS.title) return fail(tooLong('title', record.title.length, PAPER_LIMITS.title));
  if (record.abstract.length > PAPER_LIMITS.abstract) {
    return fail(tooLong('abstract', record.abstract.length, PAPER_LIMITS.abstract));
  }
  const authors = record.authors.slice(0, PAPER_LIMITS.authors).map((name) => truncated(name, PAPER_LIMITS.authorName));
  const categories = record.categories && record.categories.slice(0, PAPER_LIMITS.categories);
  for (const category of categories ?? []) {
    if (category.length > PAPER_LIMITS.category) return fail(tooLong('a category', category.length, PAPER_LIMITS.category));
  }
  const fields = [
    ['doi', record.doi, PAPER_LIMITS.doi],
    ['license', record.license, PAPER_LIMITS.license],
    ['project page URL', record.projectPage, PAPER_LIMITS.url],
    ['organization name', record.organization?.name, PAPER_LIMITS.organization],
    ['organization fullname', record.organization?.fullname, PAPER_LIMITS.organization],
    ['organization avatar URL', record.organization?.avatar, PAPER_LIMITS.url],
    ['thumbnail URL', record.thumbnail, PAPER_LIMITS.url],
    ['code repository URL', record.codeRepo?.url, PAPER_LIMITS.url],
  ] as const;
  for (const [field, value, max] of fields) if (value && value.length > max) return fail(tooLong(field, value.length, max));
  const dates = [
    ['publishedAt', record.publishedAt],
    ['updatedAt', record.updatedAt],
    ['star count date', record.codeRepo?.countedAt],
  ] as const;
  for (const [field, value] of dates) if (value && !isPaperTimestamp(value)) return fail(badDate(field, value));
  const stars = record.codeRepo?.stars;
  if (stars !== undefined && stars !== null && stars > PAPER_LIMITS.count) return fail(tooMany('star count', stars));

  const paper: PaperRecord = {
    ...record,
    authors,
    ...(categories ? { categories } : {}),
    ...(record.comments ? { comments: truncated(record.comments, PAPER_LIMITS.comments) } : {}),
    ...(record.journalRef ? { journalRef: truncated(record.journalRef, PAPER_LIMITS.journalRef) } : {}),
    ...(record.aiSummary ? { aiSummary: truncated(record.aiSummary, PAPER_LIMITS.aiSummary) } : {}),
    ...(record.aiKeywords
      ? { aiKeywords: record.aiKeywords.slice(0, PAPER_LIMITS.aiKeywords).map((k) => truncated(k, PAPER_LIMITS.aiKeyword)) }
      : {}),
  };
  return { ok: true, paper };
}

export type FeedCheck = { readonly ok: true; readonly feed: FeedRecord } | { readonly ok: false; readonly problem: string };

function submitterProblem(submitter: SourceSubmitter): string | null {
  const texts = [
    ['submitter name', submitter.name, PAPER_LIMITS.organization],
    ['submitter user', submitter.user, PAPER_LIMITS.organization],
    ['submitter fullname', submitter.fullname, PAPER_LIMITS.organization],
    ['submitter type', submitter.type, PAPER_LIMITS.organization],
    ['submitter avatar URL', submitter.avatarUrl, PAPER_LIMITS.url],
  ] as const;
  for (const [field, value, max] of texts) if (value && value.length > max) return tooLong(field, value.length, max);
  return null;
}

/**
 * Holds a feed entry to PAPER_LIMITS: its day a real day of the paper years, counts that fit, its own title,
 * summary, submitter and media URLs within bounds (the media list is truncated), its timestamps real.
 */
export function checkFeedRecord(feed: FeedRecord): FeedCheck {
  const fail = (problem: string): FeedCheck => ({ ok: false, problem });
  if (!isPaperDay(feed.day)) return fail(badDate('feed day', feed.day));
  if (feed.upvotes > PAPER_LIMITS.count) return fail(tooMany('upvote count', feed.upvotes));
  if (feed.comments > PAPER_LIMITS.count) return fail(tooMany('comment count', feed.comments));
  if (feed.title && feed.title.length > PAPER_LIMITS.title)
    return fail(tooLong("the entry's title", feed.title.length, PAPER_LIMITS.title));
  if (feed.summary && feed.summary.length > PAPER_LIMITS.abstract) {
    return fail(tooLong("the entry's summary", feed.summary.length, PAPER_LIMITS.abstract));
  }
  const dates = [
    ['submittedOnDailyAt', feed.submittedOnDailyAt],
    ["the entry's publishedAt", feed.publishedAt],
  ] as const;
  for (const [field, value] of dates) if (value && !isPaperTimestamp(value)) return fail(badDate(field, value));
  const submitter = feed.submittedBy ? submitterProblem(feed.submittedBy) : null;
  if (submitter) return fail(submitter);
  const mediaUrls = feed.mediaUrls?.slice(0, PAPER_LIMITS.mediaUrls);
  for (const url of mediaUrls ?? []) if (url.length > PAPER_LIMITS.url) return fail(tooLong('a media URL', url.length, PAPER_LIMITS.url));
  return { ok: true, feed: mediaUrls ? { ...feed, mediaUrls } : feed };
}

/** The reason a feed entry must be skipped, or null when it is within the limits. */
export function feedRecordProblem(feed: FeedRecord): string | null {
  const check = checkFeedRecord(feed);
  return check.ok ? null : check.problem;
}
