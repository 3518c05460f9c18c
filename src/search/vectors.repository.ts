import { sql } from 'kysely';
import { oneOf } from '../db/bulk-rows.js';
import { capabilitiesOf } from '../db/database.js';
import type { Queryable } from '../db/schema.js';
import { createChangeLogReader, type ChangeLogReader } from './change-log.js';
import { paperFilterConditions, whereAll, type PaperFilters } from './paper-filters.js';

export function vectorToBytes(vector: Float32Array): Uint8Array {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function bytesToVector(bytes: Uint8Array): Float32Array {
  // Copy: driver buffers may be unaligned slices of a larger allocation.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export interface StoredVector {
  readonly key: number;
  readonly paperId: string;
  readonly vector: Float32Array;
}

/**
 * Replaces the vectors of these papers for one embedder. Each write gets a fresh key, so an index that has seen
 * keys up to K only needs the rows after K to catch up; the replaced keys are returned for removal from it.
 */
export async function replaceVectors(
  db: Queryable,
  embedder: string,
  rows: readonly { paperId: string; vector: Float32Array }[],
  now: string,
): Promise<{ stored: StoredVector[]; replacedKeys: number[] }> {
  if (rows.length === 0) return { stored: [], replacedKeys: [] };
  const ids = rows.map((r) => r.paperId);
  const old = await db.selectFrom('search_vectors').select('key').where('embedder', '=', embedder).where('paper_id', 'in', ids).execute();
  if (old.length > 0) {
    await db.deleteFrom('search_vectors').where('embedder', '=', embedder).where('paper_id', 'in', ids).execute();
  }
  const inserted = await db
    .insertInto('search_vectors')
    .values(rows.map((r) => ({ embedder, paper_id: r.paperId, vector: vectorToBytes(r.vector), created_at: now })))
    .returning(['key', 'paper_id'])
    .execute();
  const byId = new Map(rows.map((r) => [r.paperId, r.vector]));
  return {
    stored: inserted.map((row) => ({ key: Number(row.key), paperId: row.paper_id, vector: byId.get(row.paper_id)! })),
    replacedKeys: old.map((row) => Number(row.key)),
  };
}

/** One embedder's vectors as a change log, read in commit-safe order (see change-log.ts). */
export function vectorChangeLog(db: Queryable, embedder: string): ChangeLogReader<{ paper_id: string; vector: Uint8Array; seq: number }> {
  return createChangeLogReader(db, capabilitiesOf(db), {
    from: sql`search_vectors log`,
    columns: sql`log.paper_id AS paper_id, log.vector AS vector`,
    seq: 'key',
    where: sql`log.embedder = ${embedder}`,
  });
}

/** Vectors of one embedder in key order, a page at a time (a full pass over them, not a change feed). */
export async function vectorsAfterKey(db: Queryable, embedder: string, afterKey: number, limit: number): Promise<StoredVector[]> {
  const rows = await db
    .selectFrom('search_vectors')
    .select(['key', 'paper_id', 'vector'])
    .where('embedder', '=', embedder)
    .where('key', '>', afterKey)
    .orderBy('key')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ key: Number(row.key), paperId: row.paper_id, vector: bytesToVector(row.vector) }));
}

export async function maxVectorKey(db: Queryable, embedder: string): Promise<number> {
  const row = await db
    .selectFrom('search_vectors')
    .select((eb) => eb.fn.max('key').as('max'))
    .where('embedder', '=', embedder)
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

export async function vectorOfPaper(db: Queryable, embedder: string, paperId: string): Promise<Float32Array | null> {
  const row = await db
    .selectFrom('search_vectors')
    .select('vector')
    .where('embedder', '=', embedder)
    .where('paper_id', '=', paperId)
    .executeTakeFirst();
  return row ? bytesToVector(row.vector) : null;
}

/** Vector counts per embedder other than the given one. */
export async function otherEmbedders(db: Queryable, embedder: string): Promise<{ embedder: string; vectors: number }[]> {
  const rows = await db
    .selectFrom('search_vectors')
    .select(['embedder', (eb) => eb.fn.countAll<number>().as('n')])
    .where('embedder', '<>', embedder)
    .groupBy('embedder')
    .execute();
  return rows.map((row) => ({ embedder: row.embedder, vectors: Number(row.n) }));
}

export async function countVectors(db: Queryable, embedder: string): Promise<number> {
  const row = await db
    .selectFrom('search_vectors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('embedder', '=', embedder)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteVectorsExcept(db: Queryable, keepEmbedder: string | null): Promise<void> {
  let query = db.deleteFrom('search_vectors');
  if (keepEmbedder !== null) query = query.where('embedder', '<>', keepEmbedder);
  await query.execute();
}

/** Papers that have no vector from this embedder yet, oldest first. */
export async function papersWithoutVector(
  db: Queryable,
  embedder: string,
  limit: number,
): Promise<{ id: string; title: string; abstract: string }[]> {
  return db
    .selectFrom('papers')
    .select(['papers.id', 'papers.title', 'papers.abstract'])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('search_vectors')
            .select(sql`1`.as('one'))
            .whereRef('search_vectors.paper_id', '=', 'papers.id')
            .where('search_vectors.embedder', '=', embedder),
        ),
      ),
    )
    .orderBy('papers.id')
    .limit(limit)
    .execute();
}

export interface Candidate {
  readonly paperId: string;
  readonly vector: Float32Array;
}

/** Parameters one filtered statement binds besides its keys: the embedder, the filters' values, and some slack. */
function filterParameters(filters: PaperFilters): number {
  return 8 + filters.categories.length + filters.authors.length;
}

/**
 * Maps index keys back to papers that are visible and pass the filters, with their exact stored vectors. The keys
 * are bound in chunks that stay under the engine's parameter limit, so any number of keys can be resolved.
 */
export async function resolveCandidates(
  db: Queryable,
  embedder: string,
  keys: readonly number[],
  filters: PaperFilters,
  maxParameters: number,
): Promise<Map<number, Candidate>> {
  const found = new Map<number, Candidate>();
  const chunk = Math.max(1, maxParameters - filterParameters(filters));
  for (let i = 0; i < keys.length; i += chunk) {
    const result = await sql<{ key: number; paper_id: string; vector: Uint8Array }>`
      SELECT search_vectors.key AS key, search_vectors.paper_id AS paper_id, search_vectors.vector AS vector
      FROM search_vectors JOIN papers ON papers.id = search_vectors.paper_id
      WHERE search_vectors.embedder = ${embedder}
        AND ${oneOf(db, sql`search_vectors.key`, keys.slice(i, i + chunk), 'bigint')}
        AND ${whereAll(paperFilterConditions(filters))}`.execute(db);
    for (const row of result.rows) found.set(Number(row.key), { paperId: row.paper_id, vector: bytesToVector(row.vector) });
  }
  return found;
}

/** Which of these papers are visible and pass the filters (their vectors are at hand; only the papers are read). */
export async function passingPaperIds(
  db: Queryable,
  paperIds: readonly string[],
  filters: PaperFilters,
  maxParameters: number,
): Promise<Set<string>> {
  const passing = new Set<string>();
  const chunk = Math.max(1, maxParameters - filterParameters(filters));
  for (let i = 0; i < paperIds.length; i += chunk) {
    const result = await sql<{ id: string }>`
      SELECT papers.id AS id FROM papers
      WHERE ${oneOf(db, sql`papers.id`, paperIds.slice(i, i + chunk), 'text')} AND ${whereAll(paperFilterConditions(filters))}`.execute(db);
    for (const row of result.rows) passing.add(row.id);
  }
  return passing;
}

/**
 * Ids of visible papers passing the filters, at most `limit`. Reads the papers table alone (no vectors), so
 * callers can tell a selective filter from a broad one cheaply.
 */
export async function filteredPaperIds(db: Queryable, filters: PaperFilters, limit: number): Promise<string[]> {
  const result = await sql<{ id: string }>`
    SELECT papers.id AS id FROM papers WHERE ${whereAll(paperFilterConditions(filters))} LIMIT ${limit}`.execute(db);
  return result.rows.map((row) => row.id);
}

export async function vectorsOfPapers(
  db: Queryable,
  embedder: string,
  paperIds: readonly string[],
  maxParameters: number,
): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  const chunk = Math.max(1, maxParameters - 2);
  for (let i = 0; i < paperIds.length; i += chunk) {
    const rows = await db
      .selectFrom('search_vectors')
      .select(['paper_id', 'vector'])
      .where('embedder', '=', embedder)
      .where(oneOf(db, sql`paper_id`, paperIds.slice(i, i + chunk), 'text'))
      .execute();
    for (const row of rows) found.set(row.paper_id, bytesToVector(row.vector));
  }
  return found;
}
