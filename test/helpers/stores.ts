import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, onTestFinished } from 'vitest';
import type { Store } from '../../src/db/database.js';
import { openPostgres, openSqlite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { tempDir } from './temp-dirs.js';

export type StoreKind = 'sqlite' | 'postgres';

/** Admin connection used to create throwaway databases (per suite, or per test). */
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

export { tempDir };

/** A migrated SQLite file of the test's own, closed and removed when the test ends. */
export async function ownSqliteStore(): Promise<{ store: Store; file: string; dir: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'paperboy.db');
  const store = openSqlite(file);
  onTestFinished(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await migrateToLatest(store);
  return { store, file, dir };
}

/** A fresh PostgreSQL database, empty or a copy of `template`; returns its URL and a function that drops it. */
export async function createPostgresDatabase(template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `paperboy_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    // Names are generated here from digits and lowercase letters, so they are safe as identifiers.
    await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropPostgresDatabase(name) };
}

async function dropPostgresDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
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
 * How long one store lives. 'suite': one store for the whole describe block, so tests must not rely on what
 * another test wrote (nor break when it did): each builds its own data under ids of its own. 'test': every test
 * gets a store of its own, freshly migrated (a copy of a migrated template), for tests that need an empty or
 * exactly known database.
 */
export type StoreLifetime = 'suite' | 'test';

type PostgresDatabase = Awaited<ReturnType<typeof createPostgresDatabase>>;

const closersByStore = new WeakMap<Store, (() => Promise<void>)[]>();

/**
 * Work to finish before a test store is dropped: a service built over it (a search service still training or saving
 * its index files into the data dir) would otherwise write there while the directory is being removed.
 */
export function closeBeforeDrop(store: Store, close: () => Promise<void>): void {
  closersByStore.set(store, [...(closersByStore.get(store) ?? []), close]);
}

async function runClosers(store: Store): Promise<void> {
  const closers = closersByStore.get(store) ?? [];
  closersByStore.delete(store);
  for (const close of closers) await close();
}

/**
 * Opens a store: a copy of the migrated template (per-test stores; `postgresCopies` makes the PostgreSQL ones), or
 * a database migrated from scratch (per-suite stores, where making the template first would cost more than it saves).
 */
async function openFreshStore(
  kind: StoreKind,
  source: 'migrate' | 'template',
  postgresCopies: PostgresCopies | null,
): Promise<{ current: TestStore; drop: () => Promise<void> }> {
  const dataDir = tempDir();
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') {
    const file = path.join(dataDir, 'paperboy.db');
    if (source === 'template') fs.copyFileSync(await sqliteTemplate(), file);
    const store = openSqlite(file);
    if (source === 'migrate') await migrateToLatest(store);
    return {
      current: { kind, store, databaseUrl: `sqlite:${file}`, dataDir },
      drop: async () => {
        await runClosers(store);
        await store.close();
        removeDir();
      },
    };
  }
  if (source === 'template' && !postgresCopies) throw new Error('PostgreSQL copies of the template come from PostgresCopies');
  const database = postgresCopies ? await postgresCopies.take() : await createPostgresDatabase();
  const store = openPostgres(database.url, 4);
  if (source === 'migrate') await migrateToLatest(store);
  return {
    current: { kind, store, databaseUrl: database.url, dataDir },
    drop: async () => {
      await runClosers(store);
      await store.close();
      await database.drop();
      removeDir();
    },
  };
}

/** Copies of the PostgreSQL template; the next one is made while the current test runs (a copy takes ~250 ms). */
class PostgresCopies {
  private spare: Promise<PostgresDatabase> | null = null;

  async take(): Promise<PostgresDatabase> {
    const template = await postgresTemplate();
    const next = this.spare ?? createPostgresDatabase(template);
    this.spare = createPostgresDatabase(template);
    // A failure surfaces when the spare is taken; until then it must not count as unhandled.
    this.spare.catch(() => undefined);
    return next;
  }

  async discard(): Promise<void> {
    const spare = this.spare;
    this.spare = null;
    if (spare) await (await spare).drop();
  }
}

let sqliteTemplateFile: Promise<string> | null = null;

/** A migrated, closed SQLite file (WAL checkpointed into it), made once per test process and copied per test. */
function sqliteTemplate(): Promise<string> {
  sqliteTemplateFile ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-template-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'template.db');
    const store = openSqlite(file);
    await migrateToLatest(store);
    await store.close();
    return file;
  })();
  return sqliteTemplateFile;
}

let postgresTemplateName: Promise<string> | null = null;
/** How many running suites use the PostgreSQL template; the last one to finish drops it. */
let postgresTemplateUsers = 0;

/** A migrated PostgreSQL database with no open connection, which `CREATE DATABASE … TEMPLATE` copies per test. */
function postgresTemplate(): Promise<string> {
  postgresTemplateName ??= (async () => {
    const database = await createPostgresDatabase();
    const store = openPostgres(database.url, 1);
    await migrateToLatest(store);
    await store.close();
    return new URL(database.url).pathname.slice(1);
  })();
  return postgresTemplateName;
}

async function releasePostgresTemplate(): Promise<void> {
  postgresTemplateUsers -= 1;
  if (postgresTemplateUsers > 0 || !postgresTemplateName) return;
  const name = await postgresTemplateName;
  postgresTemplateName = null;
  await dropPostgresDatabase(name);
}

/**
 * Runs the same suite against SQLite (a real file) and PostgreSQL (a fresh database). By default the store lives
 * as long as the suite (see `StoreLifetime`); pass `{ lifetime: 'test' }` before the suite for a fresh store in every test, whose
 * `get()` then only works inside tests and `beforeEach` hooks.
 */
export function describeEachStore(name: string, options: { lifetime: StoreLifetime }, suite: (ctx: () => TestStore) => void): void;
export function describeEachStore(name: string, suite: (ctx: () => TestStore) => void): void;
export function describeEachStore(
  name: string,
  optionsOrSuite: { lifetime: StoreLifetime } | ((ctx: () => TestStore) => void),
  maybeSuite?: (ctx: () => TestStore) => void,
): void {
  const options = typeof optionsOrSuite === 'function' ? { lifetime: 'suite' } : optionsOrSuite;
  const suite = typeof optionsOrSuite === 'function' ? optionsOrSuite : maybeSuite!;
  const perTest = options.lifetime === 'test';
  for (const kind of ['sqlite', 'postgres'] as const) {
    const run = kind === 'sqlite' || postgresAvailable ? describe : describe.skip;
    run(`${name} [${kind}]`, () => {
      let current: TestStore | null = null;
      let drop: (() => Promise<void>) | null = null;
      const open = async (source: 'migrate' | 'template', postgresCopies: PostgresCopies | null = null) => {
        ({ current, drop } = await openFreshStore(kind, source, postgresCopies));
      };
      const close = async () => {
        const dropping = drop;
        current = null;
        drop = null;
        await dropping?.();
      };
      if (perTest) {
        const postgresCopies = kind === 'postgres' ? new PostgresCopies() : null;
        let usesPostgresTemplate = false;
        // Dropping a PostgreSQL database takes a few hundred milliseconds: the next test need not wait for it.
        const dropping: Promise<void>[] = [];
        beforeEach(async () => {
          if (postgresCopies && !usesPostgresTemplate) {
            usesPostgresTemplate = true;
            postgresTemplateUsers += 1;
          }
          await open('template', postgresCopies);
        });
        afterEach(() => {
          dropping.push(close());
        });
        afterAll(async () => {
          await Promise.all(dropping);
          await postgresCopies?.discard();
          if (usesPostgresTemplate) await releasePostgresTemplate();
        });
      } else {
        beforeAll(() => open('migrate'));
        afterAll(close);
      }
      suite(() => {
        if (!current) throw new Error(perTest ? 'the store is created per test: use it inside a test or beforeEach' : 'store not ready');
        return current;
      });
    });
  }
}
