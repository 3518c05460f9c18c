import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { Fts5Index, FTS5_COLUMN_WEIGHTS } from '../../src/search/lexical/fts5-index.js';
import { PostingsMirror } from '../../src/search/lexical/postings-mirror.js';
import { filtersFromQuery } from '../../src/search/paper-filters.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/stores.js';

const WORDS = (
  'protein folding robot language model graph network galaxy video speech tissue halo enzyme quasar sensor ' +
  'lattice photon neuron cortex glacier monsoon rainfall harvest wheat soil parser grammar compiler cache ' +
  'kernel tensor spline mesh fluid plasma magnet crystal polymer catalyst membrane'
).split(' ');
const PHRASES = ['language model', 'graph network', 'protein folding', 'speech robot'];

/**
 * Paper i: 8–20 words drawn by a generator seeded with i, each word in a fraction of the papers (so bm25 scores
 * rarely tie), with some two-word phrases mixed in at different rates.
 */
function abstractOf(i: number): string {
  let state = i * 7919 + 17;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const words = Array.from({ length: 8 + Math.floor(next() * 13) }, () => WORDS[Math.floor(next() * WORDS.length)]!);
  PHRASES.forEach((phrase, rank) => {
    if (next() < 0.4 / (rank + 1)) words.splice(Math.floor(next() * words.length), 0, phrase);
  });
  const tail = i % 50 === 7 ? ' The dog Fido learns new tricks.' : '';
  return `${words.join(' ')}.${tail}`;
}

describe('phrases and exclusions over the in-memory keyword index (SQLite)', () => {
  let dir: string;
  let store: Store;
  let plain: Fts5Index;
  const inMemory: Fts5Index[] = [];

  beforeAll(async () => {
    dir = tempDir();
    store = openSqlite(path.join(dir, 'paperboy.db'));
    await migrateToLatest(store);
    await upsertPapers(
      store.db,
      Array.from({ length: 400 }, (_, i) =>
        paperRecord({
          id: `2503.${String(i + 1).padStart(5, '0')}`,
          title: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % 11]} study`,
          abstract: abstractOf(i),
          categories: [i % 3 === 0 ? 'cs.RO' : 'cs.LG'],
        }),
      ),
      '2026-01-01T00:00:00.000Z',
    );
    plain = new Fts5Index(store.db);
    // Phrase papers read into memory (the default), and a limit of one that sends every common phrase to SQL.
    for (const limit of [undefined, 1]) {
      const mirror = new PostingsMirror(store, FTS5_COLUMN_WEIGHTS);
      await mirror.build();
      inMemory.push(new Fts5Index(store.db, undefined, mirror, limit));
    }
  });

  afterAll(async () => {
    await store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const ids = async (index: Fts5Index, q: string, limit = 20) => {
    const parsed = parseQuery(q);
    return (await index.search(parsed, filtersFromQuery(parsed), limit)).map((hit) => hit.paperId);
  };

  it('finds only the papers holding a rare phrase, and nothing for a phrase no paper holds', async () => {
    const fido = Array.from({ length: 400 }, (_, i) => i)
      .filter((i) => i % 50 === 7)
      .map((i) => `2503.${String(i + 1).padStart(5, '0')}`);
    for (const index of [plain, ...inMemory]) {
      expect((await ids(index, 'tricks "dog fido"')).sort()).toEqual(fido);
      expect(await ids(index, 'tricks "fido the dog"')).toEqual([]);
    }
  });

  it('ranks alike whether a phrase is checked in memory or in SQL, and admits only papers that satisfy the query', async () => {
    const queries: [string, string[], string[]][] = [
      ['robot tensor "language model"', ['language model'], []],
      ['protein "graph network" folding', ['graph network'], []],
      ['galaxy video -"speech robot"', [], ['speech robot']],
      ['"protein folding" cat:cs.RO', ['protein folding'], []],
      ['model cache "language model" -"dog fido"', ['language model'], ['dog fido']],
      ['network "protein folding" "graph network"', ['protein folding', 'graph network'], []],
    ];
    const holds = async (id: string, phrase: string) => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*) AS n FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid
        WHERE papers.id = ${id} AND papers_fts MATCH ${`"${phrase}"`}`.execute(store.db);
      return Number(rows[0]!.n) > 0;
    };
    for (const [q, required, excluded] of queries) {
      for (const limit of [5, 20]) {
        const [inMemoryHits, inSqlHits] = [await ids(inMemory[0]!, q, limit), await ids(inMemory[1]!, q, limit)];
        expect(inMemoryHits.length, q).toBeGreaterThan(0);
        expect(inSqlHits, q).toEqual(inMemoryHits);
        for (const id of inMemoryHits) {
          for (const phrase of required) expect(await holds(id, phrase), `${q}: ${id}`).toBe(true);
          for (const phrase of excluded) expect(await holds(id, phrase), `${q}: ${id}`).toBe(false);
        }
      }
    }
  });
});
