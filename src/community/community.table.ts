import type { Generated } from 'kysely';

/** One upvote; the primary key (user_id, paper_id) makes a second vote by the same user impossible. */
export interface VotesTable {
  user_id: number;
  paper_id: string;
  created_at: string;
}

export interface CommentsTable {
  id: Generated<number>;
  paper_id: string;
  user_id: number;
  /** The comment this one replies to; null for a top-level comment. */
  parent_id: number | null;
  /** Markdown source as typed; rendered through the safe subset renderer, never as HTML. */
  body: string;
  created_at: string;
  edited_at: string | null;
  /** Deleted by its author: kept as a placeholder so replies stay attached. */
  deleted: Generated<number>;
  /** Hidden by an admin. */
  hidden: Generated<number>;
}
