import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemoIfEmpty } from '../../src/demo/seed.js';
import { silentLogger } from '../../src/logger.js';
import { createSearchService, type SearchMode, type SearchService } from '../../src/search/search.service.js';
import { createPostgresDatabase, postgresAvailable, tempDir } from '../helpers/stores.js';

/**
 * The same papers in SQLite and in PostgreSQL must be found in the same order: lexical search ranks by the same
 * bm25 (same tokens, column weights and statistics) and semantic search uses the same model, vectors and index.
 */
const QUERIES = [
  // common words, short and long
  'language models',
  'image segmentation',
  'large language models reasoning benchmark evaluation with chain of thought prompting across many tasks',
  'diffusion',
  // rare words
  'psychometric questionnaires',
  'citation',
  'hypergraph',
  // phrases, alone and with words
  '"reinforcement learning"',
  '"vision language" robot manipulation',
  '"graph neural" molecules',
  // exclusions of a word and of a phrase
  'segmentation -medical',
  'agents -"reinforcement learning"',
  // filters
  'cat:cs.CV detection',
  'cat:cs.CL translation',
  'cat:cs.LG after:2026-07-01 optimization',
  'before:2026-06-15 transformer',
  'author:zhang transformer',
  'cat:cs.CV "vision language"',
  // stop words only, and a word no paper has
  'the of and',
  'qwertyzxcv',
];

const MODES: readonly SearchMode[] = ['lexical', 'semantic', 'hybrid'];

interface Engine {
  readonly store: Store;
  readonly service: SearchService;
  readonly dataDir: string;
}

async function openEngine(store: Store, dataDir: string): Promise<Engine> {
  await migrateToLatest(store);
  await seedDemoIfEmpty(store);
  const service = await createSearchService({
    store,
    logger: silentLogger,
    embedder: { kind: 'builtin' },
    embedderKey: null,
    dataDir,
    startup: 'await',
  });
  return { store, service, dataDir };
}

describe.skipIf(!postgresAvailable)('SQLite and PostgreSQL rank the same papers alike', () => {
  let sqlite: Engine;
  let postgres: Engine;
  let dropPostgres: () => Promise<void>;

  beforeAll(async () => {
    const database = await createPostgresDatabase();
    dropPostgres = database.drop;
    const sqliteDir = tempDir();
    [sqlite, postgres] = await Promise.all([
      openEngine(openSqlite(path.join(sqliteDir, 'paperboy.db')), sqliteDir),
      openEngine(openPostgres(database.url), tempDir()),
    ]);
  }, 300_000);

  afterAll(async () => {
    for (const engine of [sqlite, postgres]) {
      if (!engine) continue;
      await engine.service.flush();
      await engine.store.close();
      fs.rmSync(engine.dataDir, { recursive: true, force: true });
    }
    await dropPostgres?.();
  });

  /** Every query in every mode: identical ids, and identical keyword scores. */
  async function expectSameRankings(): Promise<void> {
    for (const mode of MODES) {
      let nonEmpty = 0;
      for (const q of QUERIES) {
        const [left, right] = await Promise.all([
          sqlite.service.search({ q, mode, limit: 10 }),
          postgres.service.search({ q, mode, limit: 10 }),
        ]);
        expect(left.mode, q).toBe(mode);
        expect(right.mode, q).toBe(mode);
        const ids = left.hits.map((h) => h.paper.id);
        expect(
          right.hits.map((h) => h.paper.id),
          `${mode}: ${q}`,
        ).toEqual(ids);
        if (mode === 'lexical') right.hits.forEach((hit, i) => expect(hit.score, q).toBeCloseTo(left.hits[i]!.score, 9));
        if (ids.length > 0) nonEmpty++;
      }
      // The set exercises real rankings, not empty lists: only the stop words and the unknown word find nothing.
      expect(nonEmpty, mode).toBe(QUERIES.length - 2);
    }
  }

  // One test, so the changes made halfway are seen by the second half only (tests run in random order).
  it('returns identical top-10 lists in every mode, before and after the same papers change in both', async () => {
    await expectSameRankings();
    const ids = (await sqlite.store.db.selectFrom('papers').select('id').orderBy('id').execute()).map((row) => row.id);
    const hidden = ids.filter((_, i) => i % 5 === 0);
    const retitled = ids.filter((_, i) => i % 7 === 1);
    for (const engine of [sqlite, postgres]) {
      await engine.store.db.updateTable('papers').set({ hidden: 1 }).where('id', 'in', hidden).execute();
      await engine.store.db.updateTable('papers').set({ title: 'Marmoset vocal segmentation' }).where('id', 'in', retitled).execute();
      await engine.service.indexPapers(retitled);
    }
    await expectSameRankings();
  }, 300_000);
});
