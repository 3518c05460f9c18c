import type { FeedRecord, PaperRecord } from '../papers/paper.js';
import { checkPaperRecord, feedRecordProblem } from '../papers/paper-limits.js';
import { MalformedRecord } from './source.js';

/** The record held to the paper limits (lists and annotations truncated), or a MalformedRecord saying why not. */
export function withinPaperLimits(record: PaperRecord): PaperRecord {
  const check = checkPaperRecord(record);
  if (!check.ok) throw new MalformedRecord(`${record.id}: ${check.problem}`);
  return check.paper;
}

/** The feed entry, or a MalformedRecord when its day is not a real day of the paper years. */
export function withinFeedLimits(feed: FeedRecord): FeedRecord {
  const problem = feedRecordProblem(feed);
  if (problem) throw new MalformedRecord(`${feed.paperId}: ${problem}`);
  return feed;
}
