import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/database.js';
import { withStatementCache } from '../../src/db/sqlite-statement-cache.js';
import { tempDir } from '../helpers/stores.js';

describe('prepared statements kept for Kysely on SQLite', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function database(): SqliteDatabase.Database {
    dir = tempDir();
    const db = new SqliteDatabase(path.join(dir, 'cache.db'));
    db.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)');
    return db;
  }

  it('hands out the same statement for the same text, and drops the least recently used beyond its capacity', () => {
    const db = database();
    const cached = withStatementCache(db, 2);
    const first = cached.prepare('SELECT n FROM t WHERE n = ?');
    expect(cached.prepare('SELECT n FROM t WHERE n = ?')).toBe(first);
    expect(first.all([2])).toEqual([{ n: 2 }]);
    const second = cached.prepare('SELECT n FROM t WHERE n > ?');
    // Using the first again makes the second the least recently used, so a third text pushes the second out.
    expect(cached.prepare('SELECT n FROM t WHERE n = ?')).toBe(first);
    cached.prepare('SELECT count(*) AS c FROM t');
    expect(cached.prepare('SELECT n FROM t WHERE n = ?')).toBe(first);
    expect(cached.prepare('SELECT n FROM t WHERE n > ?')).not.toBe(second);
    db.close();
  });

  it('prepares a fresh statement while an open iterator holds the kept one', () => {
    const db = database();
    const cached = withStatementCache(db);
    const text = 'SELECT n FROM t ORDER BY n';
    const iterator = cached.prepare(text).iterate([]);
    expect(iterator.next().value).toEqual({ n: 1 });
    expect(cached.prepare(text).all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...iterator]).toEqual([{ n: 2 }, { n: 3 }]);
    db.close();
  });

  it('answers the same query through Kysely after a stream of it stopped early and after one ran to the end', async () => {
    dir = tempDir();
    const store = openSqlite(path.join(dir, 'kysely.db'));
    await sql`CREATE TABLE t (n INTEGER)`.execute(store.db);
    await sql`INSERT INTO t VALUES (1), (2), (3)`.execute(store.db);
    const query = store.db
      .selectFrom('t' as never)
      .select(sql<number>`n`.as('n'))
      .orderBy(sql`n`);
    const numbers = (rows: unknown[]) => rows.map((row) => (row as { n: number }).n);
    for await (const row of query.stream()) {
      expect(numbers([row])).toEqual([1]);
      break;
    }
    expect(numbers(await query.execute())).toEqual([1, 2, 3]);
    const streamed: unknown[] = [];
    for await (const row of query.stream()) streamed.push(row);
    expect(numbers(streamed)).toEqual([1, 2, 3]);
    expect(numbers(await query.execute())).toEqual([1, 2, 3]);
    await store.close();
  });
});
