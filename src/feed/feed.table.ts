/** A paper featured on a feed day. Upvote and comment counts carried over from imports are kept apart from local ones. */
export interface FeedEntriesTable {
  day: string;
  paper_id: string;
  imported_upvotes: number;
  imported_comments: number;
  /** Set by a later migration when a local user submits a paper; null for imported entries. */
  submitted_by: number | null;
  source: string;
  created_at: string;
  /** Added by migration 010, all as the source wrote them: the exact time the paper was put on the source's feed. */
  submitted_on_daily_at: string | null;
  /** The entry's own `publishedAt` (HF: when it was put on the feed; not the arXiv date). */
  published_at: string | null;
  /** The entry's own title and summary (HF repeats them outside the paper, sometimes with TeX the paper's lacks). */
  title: string | null;
  summary: string | null;
  /** JSON object: who submitted it on the source, with the source's keys (name, fullname, avatarUrl, …). */
  source_submitter: string | null;
  /** JSON array of media URLs the source attached. */
  media_urls: string | null;
}
