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
}
