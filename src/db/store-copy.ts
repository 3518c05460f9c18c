import { sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from './database.js';

/** The migration bookkeeping of each database is its own: it is migrated, never copied. */
const MIGRATION_TABLES = new Set(['schema_migrations', 'schema_migrations_lock']);
/**
 * Tables both engines have, in shapes of their own, that each engine's triggers fill: the keyword index's change
 * log (SQLite logs rowids, PostgreSQL paper ids and transactions). The target logs the copied papers itself.
 */
const ENGINE_OWN_TABLES = new Set(['papers_text_changes']);
/** Rows per INSERT at most; fewer when the columns would exceed the target's parameter limit. */
const MAX_BATCH_ROWS = 1_000;

export interface TableCopyPlan {
  readonly table: string;
  /** Columns present in both databases, copied as they are. */
  readonly columns: readonly string[];
  readonly sourceRows: number;
  /** Integer keys the target numbers itself (serial columns), advanced past the copied ids. */
  readonly counters: readonly string[];
}

export interface StoreCopyPlan {
  /** Tables both databases have, parents before the tables that reference them. */
  readonly tables: readonly TableCopyPlan[];
  /** Source tables the target has no use for: the source engine's own index and change log (FTS5). */
  readonly sourceOnly: readonly string[];
  /** Target tables the copy does not write: filled by the target engine itself (e.g. its full-text table). */
  readonly targetOnly: readonly string[];
  /** Rows the target already holds in the tables to be copied. */
  readonly targetRows: number;
}

export interface TableCount {
  readonly table: string;
  readonly source: number;
  readonly target: number;
}

export interface StoreCopyReport {
  readonly counts: readonly TableCount[];
  readonly mismatches: readonly TableCount[];
}

export interface StoreCopyProgress {
  table(table: string, rows: number): void;
}

// Table and column names come from the databases' own catalogs, not from users; they are quoted all the same.
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

/** Compares the two schemas and counts rows: what `copyStore` would do. */
export async function planStoreCopy(source: Store, target: Store): Promise<StoreCopyPlan> {
  const sourceTables = await tableColumns(source);
  const targetTables = await tableColumns(target);
  const shared = [...sourceTables.keys()].filter((name) => targetTables.has(name) && !ENGINE_OWN_TABLES.has(name));
  const order = await dependencyOrder(target, shared);
  const tables: TableCopyPlan[] = [];
  let targetRows = 0;
  for (const table of order) {
    const targetColumns = targetTables.get(table)!;
    const sourceColumns = new Set(sourceTables.get(table)!.map((c) => c.name));
    tables.push({
      table,
      columns: targetColumns.filter((c) => sourceColumns.has(c.name)).map((c) => c.name),
      sourceRows: await countRows(source.db as unknown as AnyDb, table),
      counters: targetColumns.filter((c) => c.isAutoIncrementing && sourceColumns.has(c.name)).map((c) => c.name),
    });
    targetRows += await countRows(target.db as unknown as AnyDb, table);
  }
  return {
    tables,
    sourceOnly: [...sourceTables.keys()].filter((name) => !targetTables.has(name) || ENGINE_OWN_TABLES.has(name)).sort(),
    targetOnly: [...targetTables.keys()].filter((name) => !sourceTables.has(name) || ENGINE_OWN_TABLES.has(name)).sort(),
    targetRows,
  };
}

/**
 * Copies every shared table from `source` (SQLite: rows are read in rowid order, so a comment's parent comes before
 * its replies) into `target` (PostgreSQL) in one transaction, in batches, parents first; with `replace`, the target's
 * tables are emptied first in the same transaction. Serial counters are then advanced past the copied ids, and the
 * rows of every table are counted on both sides.
 */
export async function copyStore(
  source: Store,
  target: Store,
  plan: StoreCopyPlan,
  options: { replace?: boolean; progress?: StoreCopyProgress } = {},
): Promise<StoreCopyReport> {
  const from = source.db as unknown as AnyDb;
  await (target.db as unknown as AnyDb).transaction().execute(async (trx) => {
    if (options.replace && plan.tables.length > 0) {
      await sql`TRUNCATE ${sql.join(plan.tables.map((t) => sql.table(t.table)))} RESTART IDENTITY CASCADE`.execute(trx);
    }
    for (const table of plan.tables) {
      const copied = await copyTable(from, trx, table, target.capabilities.maxParameters);
      options.progress?.table(table.table, copied);
      for (const column of table.counters) await advanceCounter(trx, table.table, column);
    }
  });
  const counts: TableCount[] = [];
  for (const table of plan.tables) {
    counts.push({
      table: table.table,
      source: await countRows(from, table.table),
      target: await countRows(target.db as unknown as AnyDb, table.table),
    });
  }
  return { counts, mismatches: counts.filter((c) => c.source !== c.target) };
}

async function copyTable(
  from: AnyDb,
  to: Transaction<Record<string, Record<string, unknown>>>,
  plan: TableCopyPlan,
  maxParameters: number,
): Promise<number> {
  if (plan.columns.length === 0) return 0;
  const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(maxParameters / plan.columns.length)));
  const rows = from
    .selectFrom(plan.table)
    .select(plan.columns.map((c) => sql.ref(c).as(c)))
    .orderBy(sql`rowid`)
    .stream(batchRows);
  let batch: Record<string, unknown>[] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await to.insertInto(plan.table).values(batch).execute();
    copied += batch.length;
    batch = [];
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= batchRows) await flush();
  }
  await flush();
  return copied;
}

/** The next value of a serial column follows the largest copied one (or starts at 1 on an empty table). */
async function advanceCounter(trx: Transaction<Record<string, Record<string, unknown>>>, table: string, column: string): Promise<void> {
  await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), GREATEST(MAX(${sql.ref(column)}), 1), MAX(${sql.ref(column)}) IS NOT NULL)
    FROM ${sql.table(table)}`.execute(trx);
}

async function countRows(db: AnyDb, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select(sql<number>`COUNT(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function tableColumns(store: Store): Promise<Map<string, { name: string; isAutoIncrementing: boolean }[]>> {
  const tables = await store.db.introspection.getTables();
  const result = new Map<string, { name: string; isAutoIncrementing: boolean }[]>();
  for (const table of tables) {
    if (table.isView || MIGRATION_TABLES.has(table.name)) continue;
    result.set(
      table.name,
      table.columns.map((c) => ({ name: c.name, isAutoIncrementing: c.isAutoIncrementing })),
    );
  }
  return result;
}

/**
 * The tables in an order where every table comes after the tables its foreign keys reference (the target's
 * constraints are the ones that must hold). Self-references are left to the row order.
 */
async function dependencyOrder(target: Store, tables: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ child: string; parent: string }>`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint c
    JOIN pg_class child ON child.oid = c.conrelid
    JOIN pg_class parent ON parent.oid = c.confrelid
    WHERE c.contype = 'f' AND child.relnamespace = current_schema()::regnamespace`.execute(target.db);
  const wanted = new Set(tables);
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of rows) {
    if (child !== parent && wanted.has(child) && wanted.has(parent)) parents.get(child)!.add(parent);
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort();
  while (remaining.length > 0) {
    const index = remaining.findIndex((t) => [...parents.get(t)!].every((p) => placed.has(p)));
    if (index < 0) throw new Error(`Foreign keys form a cycle among: ${remaining.join(', ')}`);
    const [table] = remaining.splice(index, 1);
    ordered.push(table!);
    placed.add(table!);
  }
  return ordered;
}
