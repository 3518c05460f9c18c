import type { Queryable } from '../db/schema.js';
import type { AuthorClaimStatus } from './authors.table.js';

export interface AuthorClaim {
  readonly id: number;
  readonly userId: number;
  readonly username: string;
  readonly paperId: string;
  readonly paperTitle: string;
  readonly authorName: string;
  readonly status: AuthorClaimStatus;
  readonly createdAt: string;
  readonly decidedAt: string | null;
}

function claimsQuery(db: Queryable) {
  return db
    .selectFrom('author_claims')
    .innerJoin('users', 'users.id', 'author_claims.user_id')
    .innerJoin('papers', 'papers.id', 'author_claims.paper_id')
    .select([
      'author_claims.id',
      'author_claims.user_id',
      'users.username',
      'author_claims.paper_id',
      'papers.title',
      'author_claims.author_name',
      'author_claims.status',
      'author_claims.created_at',
      'author_claims.decided_at',
    ]);
}

type ClaimRow = Awaited<ReturnType<ReturnType<typeof claimsQuery>['execute']>>[number];

function toClaim(row: ClaimRow): AuthorClaim {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    username: row.username,
    paperId: row.paper_id,
    paperTitle: row.title,
    authorName: row.author_name,
    status: row.status,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
  };
}

export async function findClaim(db: Queryable, id: number): Promise<AuthorClaim | null> {
  const row = await claimsQuery(db).where('author_claims.id', '=', id).executeTakeFirst();
  return row ? toClaim(row) : null;
}

/** Claims of one name on one paper that are not rejected, by anyone. */
export async function openClaimsOf(db: Queryable, paperId: string, authorName: string): Promise<AuthorClaim[]> {
  const rows = await claimsQuery(db)
    .where('author_claims.paper_id', '=', paperId)
    .where('author_claims.author_name', '=', authorName)
    .where('author_claims.status', '<>', 'rejected')
    .execute();
  return rows.map(toClaim);
}

/** Whether this reader ever claimed the name on the paper (a rejected claim counts: it is not made again). */
export async function hasClaimed(db: Queryable, userId: number, paperId: string, authorName: string): Promise<boolean> {
  const row = await db
    .selectFrom('author_claims')
    .select('id')
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .where('author_name', '=', authorName)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countPendingClaims(db: Queryable, userId: number): Promise<number> {
  const row = await db
    .selectFrom('author_claims')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertClaim(db: Queryable, userId: number, paperId: string, authorName: string, now: string): Promise<number> {
  const row = await db
    .insertInto('author_claims')
    .values({ user_id: userId, paper_id: paperId, author_name: authorName, status: 'pending', created_at: now, decided_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Decides a pending claim; false when it was no longer pending. */
export async function decideClaim(db: Queryable, id: number, status: 'approved' | 'rejected', now: string): Promise<boolean> {
  const result = await db
    .updateTable('author_claims')
    .set({ status, decided_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Pending claims, oldest first, for administrators. */
export async function pendingClaims(db: Queryable, limit: number): Promise<AuthorClaim[]> {
  const rows = await claimsQuery(db)
    .where('author_claims.status', '=', 'pending')
    .orderBy('author_claims.created_at')
    .orderBy('author_claims.id')
    .limit(limit)
    .execute();
  return rows.map(toClaim);
}

/** One reader's claims on one paper (to show the state of each name's claim button). */
export async function claimsOfUserOnPaper(db: Queryable, userId: number, paperId: string): Promise<AuthorClaim[]> {
  const rows = await claimsQuery(db).where('author_claims.user_id', '=', userId).where('author_claims.paper_id', '=', paperId).execute();
  return rows.map(toClaim);
}

/** An approved claim as a paper shows it: who is the author, and which claim says so (administrators may revoke it). */
export interface ApprovedAuthor {
  readonly claimId: number;
  readonly username: string;
}

/** Approved claims on a paper: the author name as listed → the reader who is that author. */
export async function approvedClaimsOfPaper(db: Queryable, paperId: string): Promise<Map<string, ApprovedAuthor>> {
  const rows = await claimsQuery(db).where('author_claims.paper_id', '=', paperId).where('author_claims.status', '=', 'approved').execute();
  return new Map(rows.map((row) => [row.author_name, { claimId: Number(row.id), username: row.username }]));
}

/** Removes a claim; false when it was gone already. */
export async function deleteClaim(db: Queryable, id: number): Promise<boolean> {
  const result = await db.deleteFrom('author_claims').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A reader's approved claims, newest paper first, for their profile. */
export async function approvedClaimsOfUser(db: Queryable, userId: number, limit: number): Promise<AuthorClaim[]> {
  const rows = await claimsQuery(db)
    .where('author_claims.user_id', '=', userId)
    .where('author_claims.status', '=', 'approved')
    .where('papers.hidden', '=', 0)
    .orderBy('papers.published_at', 'desc')
    .orderBy('author_claims.paper_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toClaim);
}

/** Readers whose claims to this name were approved, with how many papers each claimed. */
export async function approvedClaimantsOfName(db: Queryable, authorName: string): Promise<{ username: string; papers: number }[]> {
  const rows = await db
    .selectFrom('author_claims')
    .innerJoin('users', 'users.id', 'author_claims.user_id')
    .select(['users.username', (eb) => eb.fn.countAll<number | string>().as('papers')])
    .where('author_claims.author_name', '=', authorName)
    .where('author_claims.status', '=', 'approved')
    .groupBy('users.username')
    .orderBy('users.username')
    .execute();
  return rows.map((row) => ({ username: row.username, papers: Number(row.papers) }));
}
