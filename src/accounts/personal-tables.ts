import type { DB } from '../db/schema.js';

type ColumnOf<T extends keyof DB> = keyof DB[T] & string;

/**
 * What deleting an account does to the reader's rows of one table:
 * - `delete`: the rows go;
 * - `detach`: the rows stay (they belong to the instance) and lose the owner column;
 * - `comments`: see deleteAccount — threads keep their shape;
 * - `account`: the users row itself, handled last.
 */
export type Erasure = 'delete' | 'detach' | 'comments' | 'account';

export interface PersonalTable<T extends keyof DB> {
  /** The column naming the reader, when the table has one. */
  readonly owner?: ColumnOf<T>;
  /** A column holding an email address: rows with the account's address are the reader's too. */
  readonly email?: ColumnOf<T>;
  /** What "download my data" includes; never secrets (password hash, token hashes, CSRF seeds). */
  readonly exported: readonly ColumnOf<T>[];
  readonly erase: Erasure;
}

/**
 * Every table that holds rows about one reader, in deletion order (rows that reference others first). The export
 * and the account deletion both walk this list, and a test walks the schema and fails when a table with a
 * user-referencing column is missing here, so a new personal table is one line.
 */
export const PERSONAL_TABLES: { readonly [T in keyof DB]?: PersonalTable<T> } = {
  sessions: { owner: 'user_id', exported: ['created_at', 'expires_at', 'last_seen_at'], erase: 'delete' },
  api_tokens: { owner: 'user_id', exported: ['id', 'name', 'scopes', 'created_at', 'last_used_at'], erase: 'delete' },
  password_resets: { owner: 'user_id', exported: ['created_at', 'expires_at', 'used_at'], erase: 'delete' },
  votes: { owner: 'user_id', exported: ['paper_id', 'created_at'], erase: 'delete' },
  // Digests planned or sent to the reader's address; their record of papers sent goes with them (cascade).
  digest_outbox: {
    email: 'email',
    exported: ['frequency', 'period', 'kind', 'paper_ids', 'content', 'status', 'sent_at', 'created_at'],
    erase: 'delete',
  },
  // A subscription is the reader's when tied to the account or made for its address before signing in.
  subscriptions: {
    owner: 'user_id',
    email: 'email',
    exported: ['id', 'email', 'frequency', 'topics', 'max_papers', 'digest_kinds', 'status', 'created_at', 'confirmed_at', 'updated_at'],
    erase: 'delete',
  },
  library_item_tags: { owner: 'user_id', exported: ['paper_id', 'tag'], erase: 'delete' },
  library_public_tags: { owner: 'user_id', exported: ['tag', 'made_public_at'], erase: 'delete' },
  library_items: { owner: 'user_id', exported: ['paper_id', 'note', 'created_at', 'updated_at'], erase: 'delete' },
  paper_ratings: { owner: 'user_id', exported: ['paper_id', 'value', 'created_at', 'updated_at'], erase: 'delete' },
  follows: { owner: 'user_id', exported: ['kind', 'value', 'created_at'], erase: 'delete' },
  // Notifications first: they point at the emails that carried them.
  notifications: { owner: 'user_id', exported: ['kind', 'paper_id', 'comment_id', 'created_at', 'read_at'], erase: 'delete' },
  notification_emails: { owner: 'user_id', email: 'email', exported: ['status', 'sent_at', 'created_at'], erase: 'delete' },
  notification_settings: { owner: 'user_id', exported: ['email_enabled', 'last_email_at', 'updated_at'], erase: 'delete' },
  authored_papers: { owner: 'user_id', exported: ['paper_id', 'created_at'], erase: 'delete' },
  author_claims: { owner: 'user_id', exported: ['paper_id', 'author_name', 'status', 'created_at', 'decided_at'], erase: 'delete' },
  feed_entries: { owner: 'submitted_by', exported: ['paper_id', 'day', 'created_at'], erase: 'detach' },
  comments: {
    owner: 'user_id',
    exported: ['id', 'paper_id', 'parent_id', 'body', 'created_at', 'edited_at', 'deleted', 'hidden'],
    erase: 'comments',
  },
  users: { owner: 'id', exported: ['username', 'email', 'is_admin', 'banned', 'created_at'], erase: 'account' },
};

export type PersonalTableName = keyof typeof PERSONAL_TABLES & keyof DB;

/** The entries as a list, typed loosely enough to build dynamic queries from. */
export function personalTables(): {
  table: PersonalTableName;
  owner?: string;
  email?: string;
  exported: readonly string[];
  erase: Erasure;
}[] {
  return Object.entries(PERSONAL_TABLES).map(([table, spec]) => ({
    table: table as PersonalTableName,
    owner: spec.owner,
    email: spec.email,
    exported: spec.exported,
    erase: spec.erase,
  }));
}
