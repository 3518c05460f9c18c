import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { StoreCapabilities } from '../db/database.js';

/**
 * Where a reader of a change log stands. In order-committing logs `after` is the last sequence value read. In
 * snapshot-watermarked logs it is a transaction id below which every change has been read (the oldest transaction
 * that was still running), and `seen` lists the sequence values already read above it.
 */
export interface LogPosition {
  readonly after: string;
  readonly seen: readonly number[];
}

export const LOG_START: LogPosition = { after: '0', seen: [] };

/** Reads a log table (or any table whose rows are written once and only deleted) in commit-safe order. */
export interface ChangeLogReader<Row> {
  /** A position just past every change committed now (changes made while the caller reads may be read again). */
  end(): Promise<LogPosition>;
  /** How many committed changes after the position are waiting to be read. */
  pending(from: LogPosition): Promise<number>;
  /** Reads every committed change after the position, in pages, each change once; returns the new position. */
  read(from: LogPosition, pageSize: number, apply: (rows: Row[]) => void | Promise<void>): Promise<LogPosition>;
}

export interface ChangeLogSpec {
  /** The table, possibly joined: a FROM clause whose log table is aliased `log`. Constant SQL, never user input. */
  readonly from: RawBuilder<unknown>;
  /** The columns to select besides the sequence (constant SQL). */
  readonly columns: RawBuilder<unknown>;
  /** The log's sequence column (`log.<name>`). */
  readonly seq: string;
  /** Restricts the rows read (bound values only). */
  readonly where?: RawBuilder<unknown>;
}

export function createChangeLogReader<Row>(
  db: QueryExecutorProvider,
  capabilities: StoreCapabilities,
  spec: ChangeLogSpec,
): ChangeLogReader<Row> {
  return capabilities.sequencesCommitInOrder ? new SequenceLogReader<Row>(db, spec) : new SnapshotLogReader<Row>(db, spec);
}

type SeqRow = { seq: number | string };

/** One writer at a time: a sequence value seen means every smaller one is committed (or never will be). */
class SequenceLogReader<Row> implements ChangeLogReader<Row> {
  private readonly seq: RawBuilder<unknown>;
  private readonly where: RawBuilder<unknown>;

  constructor(
    private readonly db: QueryExecutorProvider,
    private readonly spec: ChangeLogSpec,
  ) {
    this.seq = sql.raw(`log.${spec.seq}`);
    this.where = spec.where ?? sql`1 = 1`;
  }

  async end(): Promise<LogPosition> {
    const { rows } = await sql<{ seq: number | null }>`SELECT max(${this.seq}) AS seq FROM ${this.spec.from} WHERE ${this.where}`.execute(
      this.db,
    );
    return { after: String(rows[0]?.seq ?? 0), seen: [] };
  }

  async pending(from: LogPosition): Promise<number> {
    return Math.max(0, Number((await this.end()).after) - Number(from.after));
  }

  async read(from: LogPosition, pageSize: number, apply: (rows: Row[]) => void | Promise<void>): Promise<LogPosition> {
    let after = Number(from.after);
    for (;;) {
      const { rows } = await sql<Row & SeqRow>`
        SELECT ${this.seq} AS seq, ${this.spec.columns} FROM ${this.spec.from}
        WHERE ${this.where} AND ${this.seq} > ${after} ORDER BY ${this.seq} LIMIT ${pageSize}`.execute(this.db);
      if (rows.length === 0) break;
      await apply(rows);
      after = Number(rows[rows.length - 1]!.seq);
    }
    return { after: String(after), seen: [] };
  }
}

/**
 * Sequence values commit out of order: transaction A takes 7, B takes 8 and commits, a reader sees 8, then A
 * commits 7. Every log row carries its writer's transaction id (`log.xid`, xid8). A read first takes the current
 * snapshot's xmin — every transaction below it has ended, so their rows are all visible to the statements that
 * follow — reads every row from the previous watermark up, skips those already read, and moves the watermark to
 * that xmin, remembering the rows read at or above it (their transactions may still be joined by late committers).
 */
class SnapshotLogReader<Row> implements ChangeLogReader<Row> {
  private readonly seq: RawBuilder<unknown>;
  private readonly where: RawBuilder<unknown>;

  constructor(
    private readonly db: QueryExecutorProvider,
    private readonly spec: ChangeLogSpec,
  ) {
    this.seq = sql.raw(`log.${spec.seq}`);
    this.where = spec.where ?? sql`1 = 1`;
  }

  private async watermark(): Promise<string> {
    const { rows } = await sql<{ xmin: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`.execute(this.db);
    return rows[0]!.xmin;
  }

  async end(): Promise<LogPosition> {
    return { after: await this.watermark(), seen: [] };
  }

  async pending(from: LogPosition): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*) AS n FROM ${this.spec.from}
      WHERE ${this.where} AND log.xid >= ${from.after}::xid8 AND NOT (${this.seq} = ANY(${from.seen.map(String)}::int8[]))`.execute(
      this.db,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async read(from: LogPosition, pageSize: number, apply: (rows: Row[]) => void | Promise<void>): Promise<LogPosition> {
    // The oldest running transaction never moves back, but a position restored from a saved file may be ahead.
    const current = await this.watermark();
    const watermark = BigInt(current) > BigInt(from.after) ? current : from.after;
    const mark = BigInt(watermark);
    const seen = new Set(from.seen);
    const stillOpen: number[] = [];
    // Keyset paging in (xid, seq) order, which an index serves; the order of changes does not matter to readers
    // that apply each paper's or vector's current state.
    let cursor: { xid: string; seq: number } | null = null;
    for (;;) {
      const after: RawBuilder<unknown> = cursor ? sql`AND (log.xid, ${this.seq}) > (${cursor.xid}::xid8, ${cursor.seq})` : sql``;
      const { rows } = await sql<Row & SeqRow & { xid: string }>`
        SELECT ${this.seq} AS seq, log.xid::text AS xid, ${this.spec.columns} FROM ${this.spec.from}
        WHERE ${this.where} AND log.xid >= ${from.after}::xid8 ${after}
        ORDER BY log.xid, ${this.seq} LIMIT ${pageSize}`.execute(this.db);
      if (rows.length === 0) break;
      const fresh = rows.filter((row) => !seen.has(Number(row.seq)));
      for (const row of rows) if (BigInt(row.xid) >= mark) stillOpen.push(Number(row.seq));
      if (fresh.length > 0) await apply(fresh);
      const last = rows[rows.length - 1]!;
      cursor = { xid: last.xid, seq: Number(last.seq) };
    }
    return { after: watermark, seen: stillOpen };
  }
}
