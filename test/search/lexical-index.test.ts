import { beforeAll, describe, expect, it } from 'vitest';
import { createLexicalIndex } from '../../src/search/lexical/create-lexical-index.js';
import type { LexicalIndex } from '../../src/search/lexical/lexical-index.js';
import { filtersFromQuery } from '../../src/search/paper-filters.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';

// On SQLite the suite runs twice: ranked by FTS5, and ranked by the in-memory copy of the index (PostgreSQL has
// only its own full-text search).
describeEachStore('lexical index', (get) => {
  for (const inMemory of [false, true])
    describe(inMemory ? 'with the in-memory index where the engine keeps one' : 'in the database', () => lexicalSuite(get, inMemory));
});

function lexicalSuite(get: Parameters<Parameters<typeof describeEachStore>[1]>[0], inMemory: boolean): void {
  let index: LexicalIndex;
  const search = async (q: string, limit = 10) => {
    const parsed = parseQuery(q);
    const hits = await index.search(parsed, filtersFromQuery(parsed), limit);
    return hits.map((h) => h.paperId);
  };

  beforeAll(async () => {
    // The second run of a store finds the papers already written: upserts leave them as they are.
    index = createLexicalIndex(get().store, { inMemory });
    await index.start();
    await writePapers(get().store, [
      ...TOPIC_PAPERS,
      paperRecord({
        id: '2502.20001',
        title: 'Zebrafish regeneration',
        abstract: 'Fins grow back after injury in this animal model of tissue repair.',
      }),
      paperRecord({
        id: '2502.20002',
        title: 'Tissue repair after injury',
        abstract: 'Heart regeneration is studied in the zebrafish animal model.',
      }),
    ]);
  });

  it('matches stemmed word forms', async () => {
    expect(await search('folds')).toEqual(expect.arrayContaining(['2501.10001', '2501.10002']));
    expect(await search('predicted molecules')).toEqual(expect.arrayContaining(['2501.10001', '2501.10007', '2501.10008']));
  });

  it('ranks a title match above an abstract match', async () => {
    expect((await search('zebrafish')).slice(0, 2)).toEqual(['2502.20001', '2502.20002']);
  });

  it('requires "exact phrases" and honours -exclusions', async () => {
    expect(await search('"egocentric video"')).toEqual(['2501.10005']);
    expect(await search('egocentric -kitchens')).toEqual(['2501.10005']);
    expect(await search('egocentric -"head mounted"')).toEqual(['2501.10006']);
  });

  it('filters by author, category and date', async () => {
    expect((await search('galaxy author:"Vera Rubin"')).sort()).toEqual(['2501.10011', '2501.10012']);
    expect(await search('galaxy author:"vera rubin" after:2025-02-01')).toEqual(['2501.10012']);
    expect(await search('galaxy before:2025-02-01')).toEqual(['2501.10011']);
    expect((await search('video cat:cs.CV')).sort()).toEqual(['2501.10005', '2501.10006']);
    expect(await search('networks cat:cs.RO')).toEqual([]);
    // LIKE wildcards in a filter are literal characters.
    expect(await search('galaxy author:"%"')).toEqual([]);
  });

  it('finds nothing for stop words only and never fails on odd input', async () => {
    expect(await search('"')).toEqual([]);
    expect(await search('NOT AND OR ( ) * ^')).toEqual([]);
    expect(await search("o'brien's NEAR(x y)")).toEqual([]);
  });

  it('follows updates, hiding and deletion through the triggers', async () => {
    const { store } = get();
    await writePapers(store, [paperRecord({ id: '2502.20003', title: 'Quasicrystal tilings', abstract: 'Aperiodic order.' })]);
    expect(await search('quasicrystal')).toEqual(['2502.20003']);
    await writePapers(store, [paperRecord({ id: '2502.20003', title: 'Penrose tilings revisited', abstract: 'Aperiodic order.' })]);
    expect(await search('quasicrystal')).toEqual([]);
    expect(await search('penrose')).toEqual(['2502.20003']);
    await store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2502.20003').execute();
    expect(await search('penrose')).toEqual([]);
    await store.db.updateTable('papers').set({ hidden: 0 }).where('id', '=', '2502.20003').execute();
    expect(await search('penrose')).toEqual(['2502.20003']);
    await store.db.deleteFrom('papers').where('id', '=', '2502.20003').execute();
    expect(await search('penrose aperiodic')).toEqual([]);
  });
}
