import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../community/community-deps.js';
import type { Store } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { Refused } from '../refused.js';
import { randomToken } from '../security/tokens.js';
import type { WriteAnnouncer } from '../write-events.js';
import { verifyPassword } from './password.js';
import { personalTables } from './personal-tables.js';

type PersonalTableSpec = ReturnType<typeof personalTables>[number];
import * as users from './users.repository.js';

/** What the account-data use-cases need from the app's dependencies. */
export interface AccountDataDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly writes: WriteAnnouncer;
}

export type ExportedRow = Record<string, unknown>;

export interface AccountExport {
  readonly format: 'paperboy-account-export/1';
  readonly exportedAt: string;
  /** The users row without the password hash. */
  readonly account: ExportedRow;
  /** Every other personal table by name, the reader's rows in a stable order. */
  readonly tables: Readonly<Record<string, readonly ExportedRow[]>>;
}

type Db = Kysely<DB> | Transaction<DB>;

interface Reader {
  readonly id: number;
  readonly email: string;
}

/** The condition selecting the reader's rows of a table: by its owner column, its email column, or either. */
function ownedBy(spec: { owner?: string; email?: string }, reader: Reader) {
  const conditions = [
    ...(spec.owner ? [sql`${sql.ref(spec.owner)} = ${reader.id}`] : []),
    ...(spec.email ? [sql`${sql.ref(spec.email)} = ${reader.email}`] : []),
  ];
  if (conditions.length === 0) throw new Error('a personal table needs an owner or an email column');
  return sql.join(conditions, sql` or `);
}

async function ownRows(db: Db, spec: PersonalTableSpec, reader: Reader): Promise<ExportedRow[]> {
  const refs = sql.join(spec.exported.map((c) => sql.ref(c)));
  const result =
    await sql<ExportedRow>`select ${refs} from ${sql.table(spec.table)} where ${ownedBy(spec, reader)} order by ${refs}`.execute(db);
  return result.rows;
}

/** Everything the instance holds about the actor, for "download my data". Read in one transaction, so it is consistent. */
export async function exportAccountData(deps: AccountDataDeps, actor: Actor): Promise<AccountExport> {
  return deps.store.db.transaction().execute(async (tx) => {
    const row = await users.findUserById(tx, actor.id);
    if (!row) throw new Refused('not_found', 'This account no longer exists.');
    const reader = { id: row.id, email: row.email };
    let account: ExportedRow | undefined;
    const tables: Record<string, ExportedRow[]> = {};
    for (const spec of personalTables()) {
      const rows = await ownRows(tx, spec, reader);
      if (spec.erase === 'account') account = rows[0];
      else tables[spec.table] = rows;
    }
    if (!account) throw new Refused('not_found', 'This account no longer exists.');
    return { format: 'paperboy-account-export/1', exportedAt: deps.now().toISOString(), account, tables };
  });
}

export interface DeleteAccountInput {
  readonly password: string;
  /** The username, typed again. */
  readonly confirmation: string;
}

/**
 * Removes the reader's comments nobody else replied to (repeatedly, so a chain of the reader's own replies goes
 * too), and turns the rest into "[deleted]" placeholders: other readers' replies stay in their threads. Returns
 * whether any placeholder was left, and the papers whose threads changed.
 */
async function eraseComments(tx: Transaction<DB>, userId: number): Promise<{ placeholders: boolean; paperIds: string[] }> {
  const paperIds = (await tx.selectFrom('comments').select('paper_id').distinct().where('user_id', '=', userId).execute()).map(
    (r) => r.paper_id,
  );
  for (;;) {
    const result = await tx
      .deleteFrom('comments')
      .where('user_id', '=', userId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('comments as reply').select('reply.id').whereRef('reply.parent_id', '=', 'comments.id'))),
      )
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) break;
  }
  const kept = await tx
    .updateTable('comments')
    .set({ body: '', deleted: 1, edited_at: null })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return { placeholders: Number(kept.numUpdatedRows) > 0, paperIds };
}

/**
 * The users row goes unless placeholder comments still point at it; then it stays as an anonymous tombstone
 * (a random name, an unusable address and password, banned), holding nothing about the reader.
 */
async function eraseUserRow(tx: Transaction<DB>, userId: number, keepTombstone: boolean): Promise<void> {
  if (!keepTombstone) {
    await tx.deleteFrom('users').where('id', '=', userId).execute();
    return;
  }
  const name = `deleted-${randomToken()
    .slice(0, 16)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  await tx
    .updateTable('users')
    .set({ username: name, email: `${name}@deleted.invalid`, password_hash: '!', is_admin: 0, banned: 1 })
    .where('id', '=', userId)
    .execute();
}

/**
 * Deletes the actor's account after re-authentication and a typed confirmation, in one transaction: every
 * personal row goes, submissions keep their feed entry without a submitter, comments keep threads readable
 * (see eraseComments), and vote counts stay as they are (papers.local_upvotes is a counter, not a count of rows).
 * The last administrator cannot delete their account.
 */
export async function deleteAccount(deps: AccountDataDeps, actor: Actor, input: DeleteAccountInput): Promise<void> {
  const row = await users.findUserById(deps.store.db, actor.id);
  if (!row) throw new Refused('not_found', 'This account no longer exists.');
  if (input.confirmation.trim() !== row.username) {
    throw new Refused('invalid', `Type your username (${row.username}) to confirm.`);
  }
  if (!(await verifyPassword(row.password_hash, input.password))) throw new Refused('forbidden', 'Your password is not right.');

  const changed = await deps.store.db.transaction().execute(async (tx) => {
    if (row.is_admin === 1) {
      const others = await tx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('is_admin', '=', 1)
        .where('banned', '=', 0)
        .where('id', '!=', actor.id)
        .executeTakeFirstOrThrow();
      if (Number(others.n) === 0) {
        throw new Refused('conflict', 'You are the last administrator: make someone else an administrator first.');
      }
    }
    const submitted = (await tx.selectFrom('feed_entries').select('paper_id').where('submitted_by', '=', actor.id).execute()).map(
      (r) => r.paper_id,
    );
    const publicTags = await tx.selectFrom('library_public_tags').select('tag').where('user_id', '=', actor.id).execute();
    const reader = { id: row.id, email: row.email };
    let comments = { placeholders: false, paperIds: [] as string[] };
    for (const spec of personalTables()) {
      switch (spec.erase) {
        case 'delete':
          await sql`delete from ${sql.table(spec.table)} where ${ownedBy(spec, reader)}`.execute(tx);
          break;
        case 'detach':
          // Detached rows keep no trace of the reader, so only an owner column can be detached.
          await sql`update ${sql.table(spec.table)} set ${sql.ref(spec.owner!)} = null where ${ownedBy({ owner: spec.owner }, reader)}`.execute(
            tx,
          );
          break;
        case 'comments':
          comments = await eraseComments(tx, actor.id);
          break;
        case 'account':
          await eraseUserRow(tx, actor.id, comments.placeholders);
          break;
      }
    }
    return { submitted, commentPapers: comments.paperIds, publicLibrary: publicTags.length > 0 };
  });

  deps.writes.announce({ kind: 'user-ban', userIds: [actor.id] });
  if (changed.commentPapers.length > 0) deps.writes.announce({ kind: 'comment', paperIds: changed.commentPapers });
  if (changed.submitted.length > 0) deps.writes.announce({ kind: 'submission', paperIds: changed.submitted });
  deps.writes.announce({ kind: 'library', userIds: [actor.id], public: changed.publicLibrary });
}
