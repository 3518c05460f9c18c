import { sql, type Expression, type Insertable, type RawBuilder } from 'kysely';
import { capabilitiesOf } from './database.js';
import type { DB, Queryable } from './schema.js';

/** Element types a column array can be bound as. */
export type ArrayElementType = 'text' | 'integer' | 'bigint' | 'double precision';

/** One column of a bulk write: its name, the SQL type of its array, and how a row gives its value. */
export interface BulkColumn<Row> {
  readonly name: string;
  readonly type: ArrayElementType;
  readonly value: (row: Row) => string | number | null;
}

/**
 * The rows as one `SELECT * FROM unnest($1::text[], $2::integer[], …)`: a parameter per column, whatever the number of
 * rows, for engines whose capabilities say `arrayParameters`. The server parses and plans a statement of a fixed size,
 * and the rows reach the table in one set-based insert.
 */
export function unnestRows<Row>(rows: readonly Row[], columns: readonly BulkColumn<Row>[]): RawBuilder<unknown> & Expression<unknown> {
  const arrays = columns.map((column) => sql`${rows.map((row) => column.value(row))}::${sql.raw(column.type)}[]`);
  return sql`SELECT * FROM unnest(${sql.join(arrays)})`;
}

/** Columns that read each row's value under the column's own name. */
export function columnsOf<Row extends Record<string, string | number | null>>(types: {
  readonly [K in keyof Row & string]: ArrayElementType;
}): BulkColumn<Row>[] {
  return Object.entries(types).map(([name, type]) => ({ name, type: type as ArrayElementType, value: (row: Row) => row[name] ?? null }));
}

/**
 * The batch's rows for an INSERT: one array parameter per column where the engine binds arrays (a statement of a fixed
 * size, merged set-based), else a VALUES list.
 */
export function insertRows<T extends keyof DB & string, Row extends Insertable<DB[T]>>(
  db: Queryable,
  table: T,
  rows: readonly Row[],
  columns: readonly BulkColumn<Row>[],
) {
  const insert = db.insertInto(table);
  if (!capabilitiesOf(db).arrayParameters) return insert.values(rows as unknown as Insertable<DB[T]>[]);
  return insert.columns(columns.map((column) => column.name) as never).expression(unnestRows(rows, columns));
}

/**
 * `column` is one of `values`: one array parameter where the engine binds arrays (the server parses and plans the
 * same statement whatever their number), else a list of parameters.
 */
export function oneOf(
  db: Queryable,
  column: RawBuilder<unknown>,
  values: readonly (string | number)[],
  type: ArrayElementType,
): RawBuilder<boolean> {
  if (capabilitiesOf(db).arrayParameters) return sql<boolean>`${column} = ANY(${values}::${sql.raw(type)}[])`;
  return sql<boolean>`${column} IN (${sql.join(values.map((value) => sql`${value}`))})`;
}
