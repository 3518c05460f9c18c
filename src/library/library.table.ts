/** A paper in a reader's library; the primary key (user_id, paper_id) keeps one entry per paper. */
export interface LibraryItemsTable {
  user_id: number;
  paper_id: string;
  /** Private note, plain text as typed; pages escape it. */
  note: string;
  created_at: string;
  updated_at: string;
}

/** One tag on one library entry. A tag is a collection: every entry of a reader carrying it. */
export interface LibraryItemTagsTable {
  user_id: number;
  paper_id: string;
  tag: string;
}

/** The reader's tags that anyone may read at /u/<name>/c/<tag>; every other tag is private. */
export interface LibraryPublicTagsTable {
  user_id: number;
  tag: string;
  made_public_at: string;
}
