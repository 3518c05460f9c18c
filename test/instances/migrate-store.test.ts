import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { runCli } from '../../src/cli/main.js';
import { postComment } from '../../src/community/comments.service.js';
import { votePaper } from '../../src/community/voting.js';
import { loadConfig } from '../../src/config.js';
import { openPostgres, type Store } from '../../src/db/database.js';
import { seedDemoIfEmpty } from '../../src/demo/seed.js';
import { subscribeToDigest } from '../../src/digests/subscriptions.service.js';
import { saveToLibrary } from '../../src/library/library.service.js';
import { silentLogger } from '../../src/logger.js';
import { buildDeps, openMigratedStore } from '../../src/runtime.js';
import { ratePaper } from '../../src/signals/signals.service.js';
import { createApp } from '../../src/web/app.js';
import { actorAccount } from '../helpers/community.js';
import { createPostgresDatabase, postgresAvailable, tempDir } from '../helpers/stores.js';

const run = postgresAvailable ? describe : describe.skip;

function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, env);
  return code.then((exit) => ({ exit, out: out.join('\n'), err: err.join('\n') }));
}

run('paperboy migrate-store', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const targets: { url: string; drop: () => Promise<void> }[] = [];
  /** An empty PostgreSQL database of the test's own (tests run in random order). */
  async function emptyTarget(): Promise<{ url: string }> {
    const target = await createPostgresDatabase();
    targets.push(target);
    return target;
  }
  let paperId: string;
  const stores: Store[] = [];

  beforeAll(async () => {
    dataDir = tempDir('paperboy-migrate-store-');
    env = {
      PAPERBOY_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${path.join(dataDir, 'paperboy.db')}`,
      PUBLIC_URL: 'http://paperboy.test',
      PAPERBOY_LOG: 'silent',
      PAPERBOY_FEED_SOURCES: 'none',
      PAPERBOY_SECRET: 'migrate-store-secret-migrate-store-secret',
    };
    // An instance that has been used: demo papers with vectors, accounts, votes, comments with replies, a
    // subscription, a library, a rating.
    const config = loadConfig(env);
    const store = await openMigratedStore(config);
    await seedDemoIfEmpty(store);
    const deps = await buildDeps(config, store, silentLogger);
    const papers = await store.db.selectFrom('feed_entries').select('paper_id').orderBy('paper_id').limit(3).execute();
    paperId = papers[0]!.paper_id;
    const ada = await actorAccount(deps, 'ada');
    const bob = await actorAccount(deps, 'bob');
    for (const { paper_id } of papers) await votePaper(deps, ada, { paperId: paper_id, action: 'add' });
    await votePaper(deps, bob, { paperId, action: 'add' });
    const top = await postComment(deps, ada, { paperId, parentId: null, body: 'Does this **scale**?' });
    await postComment(deps, bob, { paperId, parentId: top.commentId, body: 'It does, see section 4.' });
    await subscribeToDigest(deps, null, { email: 'reader@example.org' });
    await deps.subscriptions.settled();
    await saveToLibrary(deps, ada, { paperId, tags: 'reading', note: 'for Monday' });
    await ratePaper(deps, bob, { paperId, value: 1 });
    // The search model trained and every paper embedded (closing would stop a training under way).
    await deps.search.whenReady();
    await deps.search.flush();
    await store.close();
  }, 120_000);

  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const target of targets) await target.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints its plan on --dry-run and writes nothing', async () => {
    const target = await emptyTarget();
    const result = await cli(['migrate-store', '--to', target.url, '--dry-run'], env);
    expect(result.exit).toBe(0);
    expect(result.out).toMatch(/^ {2}users: 2 rows/m);
    expect(result.out).toMatch(/votes: 4 rows/);
    // Parents before the tables that reference them.
    const order = [...result.out.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]);
    for (const [parent, child] of [
      ['papers', 'feed_entries'],
      ['users', 'votes'],
      ['papers', 'votes'],
      ['users', 'comments'],
      ['papers', 'search_vectors'],
    ]) {
      expect(order.indexOf(parent!), `${parent} before ${child}`).toBeLessThan(order.indexOf(child!));
    }
    expect(result.out).toContain('Not copied');
    const check = openPostgres(target.url, 1);
    stores.push(check);
    expect(await check.db.selectFrom('users').select('id').execute()).toEqual([]);
  }, 60_000);

  it('copies every table, verifies the counts, advances counters, and the app serves the same pages', async () => {
    const target = await emptyTarget();
    const result = await cli(['migrate-store', '--to', target.url], env);
    expect(result.err).not.toContain('differ');
    expect(result.exit, result.err).toBe(0);
    expect(result.out).toContain('every table has the same number of rows on both sides');

    const sqliteConfig = loadConfig(env);
    const postgresConfig = loadConfig({ ...env, DATABASE_URL: target.url, PAPERBOY_DATA_DIR: tempDir('paperboy-migrated-') });
    const source = await openMigratedStore(sqliteConfig);
    const copy = openPostgres(target.url, 2);
    stores.push(source, copy);

    // Every application table of the target holds as many rows as the source's, except the engine's own index.
    const tables = (await copy.db.introspection.getTables()).map((t) => t.name).filter((name) => !name.startsWith('schema_migrations'));
    for (const table of tables) {
      const count = async (store: Store) =>
        Number(
          (
            await store.db
              .selectFrom(table as 'users')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      // The full-text table is PostgreSQL's own, filled by its trigger: one row per paper.
      if (table === 'paper_fts') expect(await count(copy)).toBe(await countPapers(source));
      // The keyword index's change log is each engine's own too: the target's trigger logs every copied paper once.
      else if (table === 'papers_text_changes') expect(await count(copy)).toBe(await countPapers(source));
      // PostgreSQL names itself (the saved keyword index's anchor): one row of its own, never copied.
      else if (table === 'store_identity') expect(await count(copy)).toBe(1);
      else expect(await count(copy), table).toBe(await count(source));
    }
    for (const table of ['users', 'votes', 'comments', 'subscriptions', 'library_items', 'paper_ratings', 'search_vectors', 'papers']) {
      expect(tables).toContain(table);
    }
    // A few rows, field by field.
    const users = (store: Store) => store.db.selectFrom('users').selectAll().orderBy('id').execute();
    expect(await users(copy)).toEqual(await users(source));
    const comments = (store: Store) => store.db.selectFrom('comments').selectAll().orderBy('id').execute();
    expect(await comments(copy)).toEqual(await comments(source));
    const vectors = (store: Store) =>
      store.db.selectFrom('search_vectors').select(['key', 'paper_id', 'vector']).orderBy('key').limit(5).execute();
    expect(await vectors(copy)).toEqual(await vectors(source));

    // Counters continue after the copied ids.
    const sqliteDeps = await buildDeps(sqliteConfig, source, silentLogger);
    const postgresDeps = await buildDeps(postgresConfig, copy, silentLogger);
    const maxUserId = Math.max(...(await users(source)).map((u) => u.id));
    const carol = await actorAccount(postgresDeps, 'carol');
    expect(carol.id).toBe(maxUserId + 1);

    // Both have loaded the copied model and vectors before they answer.
    await sqliteDeps.search.whenReady();
    await postgresDeps.search.whenReady();
    // The same anonymous pages and API answers from both databases (carol's account shows on no page).
    for (const page of ['/', `/papers/${paperId}`, `/api/papers/${paperId}`, '/api/daily_papers?limit=5']) {
      const answer = async (deps: AppDeps, config: typeof sqliteConfig) => {
        const response = await createApp(config, deps).request(page);
        // An anonymous visitor's CSRF token is random per visit; everything else must match.
        const body = (await response.text()).replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
        return { status: response.status, body };
      };
      const fromSqlite = await answer(sqliteDeps, sqliteConfig);
      expect(fromSqlite.status === 200 || fromSqlite.status === 404, page).toBe(true);
      expect(await answer(postgresDeps, postgresConfig), page).toEqual(fromSqlite);
    }
    await sqliteDeps.search.flush();
    await postgresDeps.search.flush();
  }, 120_000);

  it('refuses a target that holds data, unless told to replace it', async () => {
    const target = await emptyTarget();
    expect((await cli(['migrate-store', '--to', target.url], env)).exit).toBe(0);
    const refused = await cli(['migrate-store', '--to', target.url], env);
    expect(refused.exit).toBe(1);
    expect(refused.err).toMatch(/already holds \d+ rows.*--replace/s);
    const replaced = await cli(['migrate-store', '--to', target.url, '--replace'], env);
    expect(replaced.exit).toBe(0);
    const copy = openPostgres(target.url, 1);
    stores.push(copy);
    expect(await copy.db.selectFrom('users').select('username').orderBy('id').execute()).toEqual([
      { username: 'ada' },
      { username: 'bob' },
    ]);
  }, 180_000);

  it('answers usage errors without touching anything', async () => {
    const target = await emptyTarget();
    expect((await cli(['migrate-store'], env)).exit).toBe(2);
    expect((await cli(['migrate-store', '--to', 'mysql://somewhere/db'], env)).exit).toBe(2);
    expect((await cli(['migrate-store', '--to', target.url], { ...env, DATABASE_URL: target.url })).exit).toBe(2);
  }, 60_000);
});

async function countPapers(store: Store): Promise<number> {
  return Number(
    (
      await store.db
        .selectFrom('papers')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}
