/** A reader's private "more like this" (1) or "less like this" (-1) on a paper; separate from public upvotes. */
export interface PaperRatingsTable {
  user_id: number;
  paper_id: string;
  value: number;
  created_at: string;
  updated_at: string;
}

/** What a reader follows: an author (name as written), an arXiv category, or a saved search in the query language. */
export interface FollowsTable {
  user_id: number;
  kind: string;
  value: string;
  created_at: string;
}
