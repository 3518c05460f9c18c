import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type DialectAdapter } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../config.js';
import type { DB } from './schema.js';
import { inProcessNotifications, type OpenNotificationChannel } from './notifications.js';
import { postgresNotifications } from './pg-notifications.js';
import { keepingPlans } from './postgres-plan-cache.js';
import { withStatementCache } from './sqlite-statement-cache.js';

/**
 * What a storage engine can do. Code that must differ between engines asks for a capability
 * instead of testing the dialect name.
 */
export interface StoreCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Full-text engine available to the lexical index. */
  readonly fullText: 'fts5' | 'tsvector';
  /** `SELECT ... FOR UPDATE SKIP LOCKED` for work queues shared by several processes. */
  readonly skipLocked: boolean;
  /** Upper bound on bound parameters in one statement; batch sizes derive from it. */
  readonly maxParameters: number;
  /** Column type for an auto-incrementing integer primary key. */
  readonly autoIncrementType: 'integer' | 'serial';
  /** Column type for raw bytes (vectors). */
  readonly blobType: 'blob' | 'bytea';
  /**
   * A transaction may commit without waiting for its WAL flush (`SET LOCAL synchronous_commit = off`): a server
   * crash can then lose a suffix of recent transactions, each one whole, never part of one.
   */
  readonly asyncCommit: boolean;
  /**
   * Several server instances may serve from this database at once, so state they must agree on (rate-limit
   * counters) is kept in it rather than in each process.
   */
  readonly multiInstance: boolean;
  /**
   * A statement can bind a whole column of values as one array parameter (`unnest($1::text[], …)`), so a bulk write
   * sends a batch as a fixed handful of parameters, whatever its size, and merges it in one set-based statement.
   */
  readonly arrayParameters: boolean;
  /**
   * Sequence values become visible in the order they were taken (one writer at a time). Where they do not (a
   * PostgreSQL transaction can commit after another that took a later value), change logs are read by transaction
   * id against a snapshot watermark rather than "after the last value seen".
   */
  readonly sequencesCommitInOrder: boolean;
  /** `ALTER TABLE … DROP CONSTRAINT` (SQLite must rebuild a table to change its constraints). */
  readonly dropConstraint: boolean;
}

export interface Store {
  readonly db: Kysely<DB>;
  readonly capabilities: StoreCapabilities;
  /** Human-readable location without credentials. */
  readonly description: string;
  /** Bytes used by the database, where the engine can tell. */
  sizeBytes(): Promise<number>;
  /** Connection pool occupancy, for engines that pool connections (PostgreSQL). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /**
   * Opens a channel to the other processes using this database: LISTEN/NOTIFY on PostgreSQL, an in-process hub on
   * SQLite (one server process per file; other processes' writes show after the caches' short lifetimes).
   */
  readonly openChannel: OpenNotificationChannel;
  close(): Promise<void>;
}

const SQLITE_CAPABILITIES: StoreCapabilities = Object.freeze({
  dialect: 'sqlite',
  fullText: 'fts5',
  skipLocked: false,
  maxParameters: 32_000,
  autoIncrementType: 'integer',
  blobType: 'blob',
  asyncCommit: false,
  multiInstance: false,
  arrayParameters: false,
  sequencesCommitInOrder: true,
  dropConstraint: false,
});

const POSTGRES_CAPABILITIES: StoreCapabilities = Object.freeze({
  dialect: 'postgres',
  fullText: 'tsvector',
  skipLocked: true,
  maxParameters: 65_000,
  autoIncrementType: 'serial',
  blobType: 'bytea',
  asyncCommit: true,
  multiInstance: true,
  arrayParameters: true,
  sequencesCommitInOrder: false,
  dropConstraint: true,
});

/** Each open store's capabilities, by its Kysely adapter (shared by the instance, its transactions and connections). */
const capabilitiesByAdapter = new WeakMap<DialectAdapter, StoreCapabilities>();

function remember(db: Kysely<DB>, capabilities: StoreCapabilities): void {
  capabilitiesByAdapter.set(db.getExecutor().adapter, capabilities);
}

/** The capabilities of the store a Kysely instance or transaction belongs to, for code that is handed only a query runner. */
export function capabilitiesOf(db: Kysely<DB>): StoreCapabilities {
  const capabilities = capabilitiesByAdapter.get(db.getExecutor().adapter);
  if (!capabilities) throw new Error('capabilitiesOf: this Kysely instance was not opened by openStore');
  return capabilities;
}

export function openSqlite(file: string): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Copy the write-ahead log into the database every 64 MB rather than every 4 MB: an import batch writes several
  // megabytes, and checkpointing after each one took about a tenth of a snapshot import's time.
  sqlite.pragma('wal_autocheckpoint = 16384');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  // A larger page cache keeps the full-text index's b-trees in memory during bulk imports.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  remember(db, SQLITE_CAPABILITIES);
  return {
    db,
    capabilities: SQLITE_CAPABILITIES,
    description: `sqlite:${file}`,
    sizeBytes: () => {
      if (file === ':memory:') return Promise.resolve(0);
      let total = 0;
      for (const suffix of ['', '-wal', '-shm']) {
        try {
          total += fs.statSync(file + suffix).size;
        } catch {
          // the WAL and shared-memory files exist only while the database is open for writing
        }
      }
      return Promise.resolve(total);
    },
    openChannel: inProcessNotifications(file === ':memory:' ? `memory:${Math.random()}` : path.resolve(file)),
    close: () => db.destroy(),
  };
}

// COUNT(*) and BIGINT come back as strings by default; every count here fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export function openPostgres(url: string, poolSize = 10): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle pooled connection can be closed by the server (restart, failover, admin termination). pg reports
  // that on the pool; without a listener it would crash the process. The pool drops the dead client itself and
  // the next query opens a fresh connection.
  pool.on('error', (error) => {
    process.stderr.write(`PostgreSQL connection lost (${error.message}); it will be reopened on demand.\n`);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: keepingPlans(pool) }) });
  remember(db, POSTGRES_CAPABILITIES);
  const safe = new URL(url);
  safe.password = safe.password ? '***' : '';
  return {
    db,
    capabilities: POSTGRES_CAPABILITIES,
    description: safe.toString(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    openChannel: postgresNotifications(url, (text, values) => pool.query(text, values)),
    sizeBytes: async () => {
      const result = await pool.query<{ size: number }>('SELECT pg_database_size(current_database()) AS size');
      return Number(result.rows[0]?.size ?? 0);
    },
    close: () => db.destroy(),
  };
}

export function openStore(target: DatabaseTarget): Store {
  return target.kind === 'sqlite' ? openSqlite(target.path) : openPostgres(target.url);
}
