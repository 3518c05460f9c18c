import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** Prepared statements kept, the least recently used dropped first. */
const CAPACITY = 500;

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements reused by their SQL text. Kysely prepares
 * every query afresh: parsing and planning the statements of a search request took about 0.3 ms of it. A statement
 * that an open iterator still holds (a streamed query) is not handed out twice; the caller gets a fresh one.
 */
export function withStatementCache(database: SqliteDatabase.Database, capacity = CAPACITY): KyselySqliteDatabase {
  // A Map iterates in insertion order, so re-inserting on use keeps the least recently used first.
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      const cached = kept.get(sql);
      if (cached?.busy) return database.prepare(sql);
      kept.delete(sql);
      const statement = cached ?? database.prepare(sql);
      kept.set(sql, statement);
      if (kept.size > capacity) kept.delete(kept.keys().next().value!);
      return statement;
    },
  };
}
