import { beforeAll, expect, it } from 'vitest';
import { Fts5Index, FTS5_COLUMN_WEIGHTS } from '../../src/search/lexical/fts5-index.js';
import type { LexicalIndex } from '../../src/search/lexical/lexical-index.js';
import { countPendingDocuments, fillAllPendingDocuments } from '../../src/search/lexical/full-text-backlog.js';
import { PostingsMirror } from '../../src/search/lexical/postings-mirror.js';
import { TsvectorIndex } from '../../src/search/lexical/tsvector-index.js';
import { filtersFromQuery } from '../../src/search/paper-filters.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

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

function paperId(i: number): string {
  return `2503.${String(i + 1).padStart(5, '0')}`;
}

const PAPERS = Array.from({ length: 400 }, (_, i) =>
  paperRecord({
    id: paperId(i),
    title: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % 11]} study`,
    abstract: abstractOf(i),
    categories: [i % 3 === 0 ? 'cs.RO' : 'cs.LG'],
  }),
);

/** Whether a paper's title or abstract has the phrase's words in a row (the generated text has no other forms). */
function holds(id: string, phrase: string): boolean {
  const paper = PAPERS.find((p) => p.id === id)!;
  return [paper.title, paper.abstract].some((text) => text.toLowerCase().replace(/\./g, '').includes(phrase));
}

describeEachStore('phrases and exclusions over the in-memory keyword index', (get) => {
  let plain: LexicalIndex;
  const inMemory: LexicalIndex[] = [];

  beforeAll(async () => {
    const { store, kind } = get();
    await upsertPapers(store.db, PAPERS, '2026-01-01T00:00:00.000Z');
    // The engine's own full-text search alone; then the in-memory ranking with the engine's default listing of
    // phrases' papers, with every phrase's papers listed, and with none (every phrase checked paper by paper in SQL).
    plain = kind === 'sqlite' ? new Fts5Index(store.db) : new TsvectorIndex(store.db);
    const listings: (number | undefined)[] = [undefined, 100_000, -1];
    for (const listing of listings) {
      const mirror = new PostingsMirror(store, FTS5_COLUMN_WEIGHTS);
      await mirror.build();
      inMemory.push(
        kind === 'sqlite' ? new Fts5Index(store.db, undefined, mirror, listing) : new TsvectorIndex(store.db, mirror, true, listing),
      );
    }
  });

  const ids = async (index: LexicalIndex, q: string, limit = 20) => {
    const parsed = parseQuery(q);
    return (await index.search(parsed, filtersFromQuery(parsed), limit)).map((hit) => hit.paperId);
  };

  it('finds only the papers holding a rare phrase, and nothing for a phrase no paper holds', async () => {
    const fido = PAPERS.filter((paper) => holds(paper.id, 'dog fido')).map((paper) => paper.id);
    expect(fido).toHaveLength(8);
    for (const index of [plain, ...inMemory]) {
      expect((await ids(index, 'tricks "dog fido"')).sort()).toEqual(fido);
      expect(await ids(index, 'tricks "fido the dog"')).toEqual([]);
      // No paper says "of the"; PostgreSQL's english configuration cannot see a phrase of stop words, and ignores it.
      expect(await ids(index, 'tricks "of the"')).toEqual(get().kind === 'sqlite' ? [] : await ids(index, 'tricks'));
      expect(await ids(index, 'tricks -"of the"')).toEqual(await ids(index, 'tricks'));
    }
  });

  const QUERIES: [string, string[], string[]][] = [
    ['robot tensor "language model"', ['language model'], []],
    ['protein "graph network" folding', ['graph network'], []],
    ['galaxy video -"speech robot"', [], ['speech robot']],
    ['"protein folding" cat:cs.RO', ['protein folding'], []],
    ['model cache "language model" -"dog fido"', ['language model'], ['dog fido']],
    ['network "protein folding" "graph network"', ['protein folding', 'graph network'], []],
    ['tricks "dog fido" -"speech robot"', ['dog fido'], ['speech robot']],
  ];

  /** Each query's hits at two page sizes, the same with every listing of phrases. */
  const answers = async (): Promise<string[][]> => {
    const all: string[][] = [];
    for (const [q] of QUERIES) {
      for (const limit of [5, 20]) {
        const [inMemoryHits, ...otherHits] = await Promise.all(inMemory.map((index) => ids(index, q, limit)));
        for (const hits of otherHits) expect(hits, q).toEqual(inMemoryHits);
        all.push(inMemoryHits!);
      }
    }
    return all;
  };

  it('ranks alike whether phrases are listed or checked paper by paper in SQL, and admits only papers that satisfy the query', async () => {
    const all = await answers();
    QUERIES.forEach(([q, required, excluded], i) => {
      for (const hits of all.slice(2 * i, 2 * i + 2)) {
        expect(hits.length, q).toBeGreaterThan(0);
        for (const id of hits) {
          for (const phrase of required) expect(holds(id, phrase), `${q}: ${id}`).toBe(true);
          for (const phrase of excluded) expect(holds(id, phrase), `${q}: ${id}`).toBe(false);
        }
      }
    });
  });

  it('gives the same answers while PostgreSQL computes the documents a bulk write left pending and once it stored them', async (context) => {
    const { store, kind } = get();
    if (kind !== 'postgres') context.skip();
    expect(await countPendingDocuments(store.db)).toBe(PAPERS.length);
    const pending = await answers();
    await fillAllPendingDocuments(store.db);
    expect(await countPendingDocuments(store.db)).toBe(0);
    expect(await answers()).toEqual(pending);
  });
});
