import type { FeedRecord, PaperRecord } from '../papers/paper.js';
import { checkFeedRecord, checkPaperRecord } from '../papers/paper-limits.js';
import { MalformedRecord } from './source.js';

/** The record held to the paper limits (lists and annotations truncated), or a MalformedRecord saying why not. */
export function withinPaperLimits(record: PaperRecord): PaperRecord {
  const check = checkPaperRecord(record);
  if (!check.ok) throw new MalformedRecord(`${record.id}: ${check.problem}`);
  return check.paper;
}

/** The feed entry held to the limits (its media list truncated), or a MalformedRecord saying why not. */
export function withinFeedLimits(feed: FeedRecord): FeedRecord {
  const check = checkFeedRecord(feed);
  if (!check.ok) throw new MalformedRecord(`${feed.paperId}: ${check.problem}`);
  return check.feed;
}
