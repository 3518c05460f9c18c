import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from '../../src/db/database.js';
import { openPostgres, openSqlite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export type StoreKind = 'sqlite' | 'postgres';

/** Admin connection used to create a throwaway database per test file. */
export const POSTGRES_ADMIN_URL = process.env.PAPERBOY_TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresProblem = await probePostgres();
if (postgresProblem) {
  const message = `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} (${postgresProblem})`;
  if (process.env.CI === 'true') throw new Error(`${message}; under CI=true the PostgreSQL suite must run.`);
  console.warn(`\n!!!!!!!!\n!!! ${message}\n!!! SKIPPING every PostgreSQL test. Start it with: pg_ctlcluster 15 main start\n!!!!!!!!\n`);
}

export const postgresAvailable = postgresProblem === null;

export function tempDir(prefix = 'paperboy-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh, empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `paperboy_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestStore {
  readonly kind: StoreKind;
  /** The migrated store, available inside tests. */
  readonly store: Store;
  /** The DATABASE_URL for this store, for code that opens its own connection (CLI, workers). */
  readonly databaseUrl: string;
  readonly dataDir: string;
}

/**
 * Runs the same suite against SQLite (a real file) and PostgreSQL (a fresh database). The store is created
 * once per suite; tests that need isolation should use distinct ids or call `reset`.
 */
export function describeEachStore(name: string, suite: (ctx: () => TestStore) => void): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    const run = kind === 'sqlite' || postgresAvailable ? describe : describe.skip;
    run(`${name} [${kind}]`, () => {
      let current: TestStore | null = null;
      let drop: (() => Promise<void>) | null = null;
      beforeAll(async () => {
        const dataDir = tempDir();
        if (kind === 'sqlite') {
          const file = path.join(dataDir, 'paperboy.db');
          const store = openSqlite(file);
          await migrateToLatest(store);
          current = { kind, store, databaseUrl: `sqlite:${file}`, dataDir };
        } else {
          const database = await createPostgresDatabase();
          drop = database.drop;
          const store = openPostgres(database.url, 4);
          await migrateToLatest(store);
          current = { kind, store, databaseUrl: database.url, dataDir };
        }
      });
      afterAll(async () => {
        await current?.store.close();
        await drop?.();
        if (current) fs.rmSync(current.dataDir, { recursive: true, force: true });
      });
      suite(() => {
        if (!current) throw new Error('store not ready');
        return current;
      });
    });
  }
}
