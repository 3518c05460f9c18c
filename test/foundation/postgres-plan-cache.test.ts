import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepingPlans } from '../../src/db/postgres-plan-cache.js';
import { createPostgresDatabase, postgresAvailable } from '../helpers/stores.js';

describe.skipIf(!postgresAvailable)('statements kept prepared for Kysely on PostgreSQL', () => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ url, drop } = await createPostgresDatabase());
  });
  afterAll(async () => drop());

  /** One connection, so every statement and `pg_prepared_statements` see the same session. */
  async function withDatabase(
    limits: { prepareAfter: number; perConnection: number },
    work: (db: Kysely<unknown>) => Promise<void>,
  ): Promise<void> {
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: keepingPlans(new pg.Pool({ connectionString: url, max: 1 }), limits) }),
    });
    try {
      await sql`DROP TABLE IF EXISTS t`.execute(db);
      await sql`CREATE TABLE t (n integer)`.execute(db);
      await sql`INSERT INTO t SELECT generate_series(1, 10)`.execute(db);
      await work(db);
    } finally {
      await db.destroy();
    }
  }
  const preparedTexts = async (db: Kysely<unknown>) =>
    (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements ORDER BY statement`.execute(db)).rows.map(
      (row) => row.statement,
    );

  it('prepares a data statement once it has run often enough, with the same answers before and after', async () => {
    await withDatabase({ prepareAfter: 3, perConnection: 10 }, async (db) => {
      const above = (n: number) => sql<{ n: number }>`SELECT n FROM t WHERE n > ${n} ORDER BY n`.execute(db);
      const answers: number[][] = [];
      for (let i = 0; i < 2; i++) answers.push((await above(7)).rows.map((row) => row.n));
      expect(await preparedTexts(db)).toEqual([]);
      for (let i = 0; i < 3; i++) answers.push((await above(7)).rows.map((row) => row.n));
      expect(answers).toEqual(Array.from({ length: 5 }, () => [8, 9, 10]));
      expect(await preparedTexts(db)).toEqual(['SELECT n FROM t WHERE n > $1 ORDER BY n']);
      expect((await above(9)).rows).toEqual([{ n: 10 }]);

      // Statements without parameters (scripts, DDL, transaction control) are never prepared.
      for (let i = 0; i < 4; i++) await sql`SELECT count(*) FROM t`.execute(db);
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 4; i++) await sql`UPDATE t SET n = n WHERE n = ${1}`.execute(trx);
      });
      expect(await preparedTexts(db)).toEqual(['SELECT n FROM t WHERE n > $1 ORDER BY n', 'UPDATE t SET n = n WHERE n = $1']);
    });
  });

  it('prepares no more statements per connection than its limit; the others still run', async () => {
    await withDatabase({ prepareAfter: 1, perConnection: 2 }, async (db) => {
      for (const [column, value] of [
        ['n', 4],
        ['n + 1', 5],
        ['n + 2', 6],
      ] as const) {
        const rows = await sql<{ v: number }>`SELECT ${sql.raw(column)} AS v FROM t WHERE n = ${4}`.execute(db);
        expect(rows.rows).toEqual([{ v: value }]);
      }
      expect(await preparedTexts(db)).toHaveLength(2);
    });
  });

  it('answers with the new columns when a migration adds one under a prepared `SELECT *`', async () => {
    await withDatabase({ prepareAfter: 1, perConnection: 10 }, async (db) => {
      const row = async () => (await sql<Record<string, unknown>>`SELECT * FROM t WHERE n = ${2}`.execute(db)).rows[0];
      expect(await row()).toEqual({ n: 2 });
      await sql`ALTER TABLE t ADD COLUMN label text DEFAULT 'two'`.execute(db);
      expect(await row()).toEqual({ n: 2, label: 'two' });
      expect(await row()).toEqual({ n: 2, label: 'two' });
    });
  });
});
