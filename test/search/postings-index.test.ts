import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openPostgres, openSqlite, type Store } from '../../src/db/database.js';
import type { PaperRecord } from '../../src/papers/paper.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemoIfEmpty } from '../../src/demo/seed.js';
import { FTS5_COLUMN_WEIGHTS } from '../../src/search/lexical/fts5-index.js';
import { matchTerms } from '../../src/search/lexical/lexical-index.js';
import { PostingsIndex, type IndexedText } from '../../src/search/lexical/postings-index.js';
import { readPostingsFile, writePostingsFile } from '../../src/search/lexical/postings-file.js';
import { PostingsMirror } from '../../src/search/lexical/postings-mirror.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { STOPWORDS, words } from '../../src/search/text.js';
import { paperRecord } from '../helpers/fixtures.js';
import { createPostgresDatabase, describeEachStore, ownSqliteStore, tempDir, type StoreKind } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';

const WEIGHTS = FTS5_COLUMN_WEIGHTS;

/** bm25() over an OR of the query's words, exactly as FTS5 ranks it (every word matched, nothing pruned). */
async function fts5Ranking(store: Store, q: string, limit: number): Promise<{ paperId: string; score: number }[]> {
  const terms = matchTerms(parseQuery(q));
  if (terms.length === 0) return [];
  const expression = terms.map((t) => `"${t}"`).join(' OR ');
  const { rows } = await sql<{ paperId: string; rank: number }>`
    SELECT papers.id AS "paperId", bm25(papers_fts, ${sql.lit(WEIGHTS[0])}, ${sql.lit(WEIGHTS[1])}, ${sql.lit(WEIGHTS[2])}) AS rank
    FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid
    WHERE papers_fts MATCH ${expression} AND papers.hidden = 0 ORDER BY rank, papers_fts.rowid LIMIT ${limit}`.execute(store.db);
  return rows.map((row) => ({ paperId: row.paperId, score: -row.rank }));
}

/** The demo papers, read by every test here and written by none. */
describe('in-memory postings against FTS5 bm25() on the demo papers', () => {
  let dir: string;
  let store: Store;
  let mirror: PostingsMirror;
  const search = (q: string, limit: number) => mirror.search({ terms: matchTerms(parseQuery(q)), excluded: parseQuery(q).excluded, limit });

  beforeAll(async () => {
    dir = tempDir();
    store = openSqlite(path.join(dir, 'paperboy.db'));
    await migrateToLatest(store);
    await seedDemoIfEmpty(store);
    mirror = new PostingsMirror(store, WEIGHTS);
    await mirror.build();
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Queries of `n` content words from every 97th paper, so they resemble what people type about real papers. */
  async function queriesOf(n: number): Promise<string[]> {
    const { rows } = await sql<{
      title: string;
      abstract: string;
    }>`SELECT title, abstract FROM papers WHERE rowid % 97 = 0 ORDER BY rowid`.execute(store.db);
    return rows.map((row, i) => {
      const pool = words(`${row.title} ${row.abstract}`).filter((w) => w.length > 2 && !STOPWORDS.has(w));
      return Array.from({ length: n }, (_, k) => pool[(i * 7 + k * 13) % pool.length]).join(' ');
    });
  }

  it('answers nothing until it is built, so callers rank with FTS5 meanwhile', async () => {
    expect(await new PostingsMirror(store, WEIGHTS).search({ terms: ['diffusion'], limit: 5 })).toBeNull();
  });

  it('builds from every paper', async () => {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM papers`.execute(store.db);
    expect(rows[0]!.n).toBeGreaterThan(3000);
    expect(mirror.ready).toBe(true);
    expect(mirror.size).toBe(Number(rows[0]!.n));
  });

  it.each([
    ['short', 3],
    ['long', 18],
  ])('ranks %s queries with the scores bm25() gives, rank by rank', async (_kind, n) => {
    let same = 0;
    let compared = 0;
    for (const q of await queriesOf(n)) {
      const expected = await fts5Ranking(store, q, 30);
      const actual = (await search(q, 30))!;
      expect(actual.length).toBe(expected.length);
      // Words in half the papers or more weigh 1e-6 in FTS5 and are not summed here: a few millionths apart at most.
      actual.forEach((hit, rank) => expect(Math.abs(hit.score - expected[rank]!.score)).toBeLessThan(1e-5 * n));
      const keys = new Set(actual.map((h) => h.paperId));
      same += expected.filter((h) => keys.has(h.paperId)).length;
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(500);
    // Only near-ties may swap across the page boundary.
    expect(same / compared).toBeGreaterThan(0.98);
  });

  it('scores a stem once per distinct query word, as FTS5 scores each word as its own phrase', async () => {
    for (const q of ['models model', 'learning learned learn', 'graph graphs networks']) {
      const expected = await fts5Ranking(store, q, 10);
      const actual = (await search(q, 10))!;
      actual.forEach((hit, rank) => expect(hit.score).toBeCloseTo(expected[rank]!.score, 6));
    }
  });

  it('leaves out papers with an excluded word', async () => {
    const all = (await search('diffusion', 50))!;
    const without = (await search('diffusion -image', 50))!;
    const withImage = await sql<{ id: string }>`
      SELECT papers.id AS id FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid WHERE papers_fts MATCH 'image'`.execute(
      store.db,
    );
    const excluded = new Set(withImage.rows.map((r) => r.id));
    expect(all.some((h) => excluded.has(h.paperId))).toBe(true);
    expect(without.length).toBeGreaterThan(0);
    expect(without.some((h) => excluded.has(h.paperId))).toBe(false);
  });
});

/** The change-log page PostingsMirror applies at once: a larger backlog is applied in the background. */
const CATCH_UP_PAGE = 4_096;

const acousticsPapers = [
  paperRecord({ id: '2512.98001', title: 'Acoustics of bells', abstract: 'Bars, plates and their overtones.' }),
  paperRecord({ id: '2512.98002', title: 'Room acoustics', abstract: 'Reverberation in concert halls.' }),
];

describe('in-memory postings kept in step with a database of their own', () => {
  /** A migrated SQLite file of the test's own holding `papers`, removed when the test ends. */
  async function ownStore(papers: readonly PaperRecord[]): Promise<{ file: string; dir: string; store: Store }> {
    const own = await ownSqliteStore();
    if (papers.length > 0) await writePapers(own.store, papers);
    return own;
  }

  /** A second connection to the same file, as another process writing to the database would have. */
  function otherConnection(file: string): Store {
    const other = openSqlite(file);
    onTestFinished(() => other.close());
    return other;
  }

  it('follows papers written by another connection: new text, changed text, hiding and deletion', async () => {
    const { file, store } = await ownStore([...TOPIC_PAPERS, ...acousticsPapers]);
    const mirror = new PostingsMirror(store, WEIGHTS);
    await mirror.build();
    const search = (q: string, limit: number) => mirror.search({ terms: matchTerms(parseQuery(q)), limit });
    const other = otherConnection(file);
    await writePapers(other, [
      paperRecord({ id: '2512.99001', title: 'Xylophone acoustics', abstract: 'Marimba bars and their overtones.' }),
    ]);
    const key = '2512.99001';
    expect((await search('xylophone', 5))!.map((h) => h.paperId)).toEqual([key]);

    await writePapers(other, [
      paperRecord({ id: '2512.99001', title: 'Glockenspiel acoustics', abstract: 'Marimba bars and their overtones.' }),
    ]);
    expect(await search('xylophone', 5)).toEqual([]);
    expect((await search('glockenspiel', 5))!.map((h) => h.paperId)).toEqual([key]);

    await other.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2512.99001').execute();
    expect(await search('glockenspiel marimba', 5)).toEqual([]);
    await other.db.updateTable('papers').set({ hidden: 0 }).where('id', '=', '2512.99001').execute();
    expect((await search('glockenspiel', 5))!.map((h) => h.paperId)).toEqual([key]);

    await other.db.deleteFrom('papers').where('id', '=', '2512.99001').execute();
    expect(await search('glockenspiel marimba', 5)).toEqual([]);
    // The statistics follow too: the same bm25 as FTS5 after all of it.
    const q = 'acoustics overtones bars';
    const expected = await fts5Ranking(store, q, 10);
    // The two acoustics papers and the acoustic models of TOPIC_PAPERS.
    expect(expected.length).toBe(3);
    const actual = (await search(q, 10))!;
    expect(actual.map((h) => h.paperId)).toEqual(expected.map((h) => h.paperId));
    actual.forEach((hit, rank) => expect(hit.score).toBeCloseTo(expected[rank]!.score, 6));
  });

  it('answers from FTS5 while a large backlog from another process is applied, then from memory again', async () => {
    const { file, store } = await ownStore(TOPIC_PAPERS);
    const mirror = new PostingsMirror(store, WEIGHTS);
    await mirror.build();
    const search = (q: string, limit: number) => mirror.search({ terms: [q], limit });
    expect((await search('protein', 5))!.length).toBe(2);
    // One paper more than a catch-up page: the smallest backlog that is applied in the background.
    const burst = Array.from({ length: CATCH_UP_PAGE + 1 }, (_, i) =>
      paperRecord({ id: `2512.${String(50000 + i)}`, title: `Backlog paper ${i}`, abstract: `Sesquipedalian prose, batch ${i}.` }),
    );
    const other = otherConnection(file);
    for (let i = 0; i < burst.length; i += 500) await writePapers(other, burst.slice(i, i + 500));
    expect(await search('sesquipedalian', 5)).toBeNull();
    await mirror.catchUp();
    expect(mirror.size).toBe(TOPIC_PAPERS.length + burst.length);
    const hits = (await search('sesquipedalian', 10))!;
    expect(hits.length).toBe(10);
    const expected = await fts5Ranking(store, 'sesquipedalian', 10);
    hits.forEach((hit, rank) => expect(hit.score).toBeCloseTo(expected[rank]!.score, 6));
  });

  it('logs no change when a paper is written again as it was', async () => {
    const { store } = await ownStore(TOPIC_PAPERS);
    const count = async () =>
      Number((await sql<{ n: number }>`SELECT count(*) AS n FROM papers_text_changes`.execute(store.db)).rows[0]!.n);
    const paper = paperRecord({ id: '2512.99002', title: 'Unchanged paper', abstract: 'Written twice.' });
    await writePapers(store, [paper]);
    const before = await count();
    expect(before).toBe(TOPIC_PAPERS.length + 1);
    await writePapers(store, [paper]);
    expect(await count()).toBe(before);
  });
});

/** A second, migrated store of the same engine: another database, as far as a saved index file can tell. */
async function anotherStore(kind: StoreKind): Promise<Store> {
  if (kind === 'sqlite') return (await ownSqliteStore()).store;
  const database = await createPostgresDatabase();
  const store = openPostgres(database.url);
  onTestFinished(async () => {
    await store.close();
    await database.drop();
  });
  await migrateToLatest(store);
  return store;
}

describeEachStore('the in-memory keyword index saved between starts', { lifetime: 'test' }, (get) => {
  const indexFile = () => path.join(get().dataDir, 'search', 'keyword-index.bin');

  it('saves its file, and a later start loads it and catches up from the saved position', async () => {
    const { store } = get();
    await writePapers(store, [...TOPIC_PAPERS, ...acousticsPapers]);
    const file = indexFile();
    const first = new PostingsMirror(store, WEIGHTS, file);
    expect((await first.build()).source).toBe('database');
    expect(fs.existsSync(file)).toBe(true);
    await writePapers(store, [paperRecord({ id: '2512.99003', title: 'Ornithopter flight', abstract: 'Flapping wings.' })]);
    // Not the last paper written: on SQLite the file is anchored to it, and its deletion means a rebuild.
    await sql`DELETE FROM papers WHERE id = ${acousticsPapers[0]!.id}`.execute(store.db);

    const second = new PostingsMirror(store, WEIGHTS, file);
    const report = await second.build();
    expect(report.source).toBe('file');
    expect(report.papers).toBe(TOPIC_PAPERS.length + acousticsPapers.length);
    const fromDatabase = new PostingsMirror(store, WEIGHTS);
    await fromDatabase.build();
    for (const q of ['protein structure', 'ornithopter', 'graph neural networks for molecules', 'acoustics', 'overtones']) {
      const terms = matchTerms(parseQuery(q));
      const expected = await fromDatabase.search({ terms, limit: 20 });
      expect(await second.search({ terms, limit: 20 })).toEqual(expected);
    }
    expect(await second.search({ terms: ['ornithopter'], limit: 5 })).toEqual([expect.objectContaining({ paperId: '2512.99003' })]);
    expect(await second.search({ terms: ['overtones'], limit: 5 })).toEqual([]);
    // Changes since the save are applied on top: flushing writes them out.
    await second.close();
    const third = await new PostingsMirror(store, WEIGHTS, file).build();
    expect(third.source).toBe('file');
    expect(third.papers).toBe(report.papers);
  });

  it('closes for good: a build under way gives up without saving, a catch-up under way is in the one save', async () => {
    const { store } = get();
    await writePapers(store, TOPIC_PAPERS);
    const file = indexFile();
    const abandoned = new PostingsMirror(store, WEIGHTS, file);
    const building = abandoned.build();
    await abandoned.close();
    await expect(building).rejects.toThrow(/closed while it was being built/);
    expect(fs.existsSync(file)).toBe(false);

    const mirror = new PostingsMirror(store, WEIGHTS, file);
    await mirror.build();
    await writePapers(store, [paperRecord({ id: '2512.99005', title: 'Zeppelin mooring masts', abstract: 'Airships at rest.' })]);
    const catchingUp = mirror.catchUp();
    await mirror.close();
    await catchingUp;
    const saved = (await readPostingsFile(file))!;
    expect(PostingsIndex.restore(WEIGHTS, saved.state).size).toBe(TOPIC_PAPERS.length + 1);
  });

  it("rebuilds from the database when the file is damaged or another database's", async () => {
    const { kind, store } = get();
    await writePapers(store, TOPIC_PAPERS);
    const file = indexFile();
    expect((await new PostingsMirror(store, WEIGHTS, file).build()).source).toBe('database');

    const otherStore = await anotherStore(kind);
    await writePapers(otherStore, [paperRecord({ id: '2512.99004', title: 'A lone paper', abstract: 'Nothing else here.' })]);
    const foreign = await new PostingsMirror(otherStore, WEIGHTS, file).build();
    expect(foreign.source).toBe('database');
    expect(foreign.fileRejected).toMatch(/change-log position/);
    expect(foreign.papers).toBe(1);

    // A header whose log position is not one (written by hand, or by a bug) is not trusted either.
    const saved = (await readPostingsFile(file))!;
    await writePostingsFile(file, saved.state, { ...saved.meta, applied: { after: 'soon', seen: [] } });
    expect(await readPostingsFile(file)).toBeNull();
    expect((await new PostingsMirror(otherStore, WEIGHTS, file).build()).source).toBe('database');

    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const damaged = new PostingsMirror(otherStore, WEIGHTS, file);
    expect((await damaged.build()).source).toBe('database');
    expect((await damaged.search({ terms: ['lone'], limit: 5 }))!.length).toBe(1);
  });
});

describe('PostingsIndex', () => {
  const texts: IndexedText[] = Array.from({ length: 600 }, (_, i) => ({
    key: i + 1,
    title: `paper ${i % 7 === 0 ? 'quantum' : 'classical'} ${i % 11 === 0 ? 'lattice' : 'graph'} study`,
    abstract: `we measure ${i % 3 === 0 ? 'entanglement' : 'noise'} in ${i % 5 === 0 ? 'superconducting qubits' : 'trapped ions'} over ${i % 13} runs ${'noise '.repeat(i % 4)}`,
    authors: JSON.stringify([`Author ${i % 17}`]),
    hidden: false,
  }));
  const queries = ['quantum lattice', 'entanglement superconducting qubits', 'noise', 'trapped ions classical graph runs', 'author 3'];

  it('answers the same from many small batches (merged as they accumulate) as from one', () => {
    const whole = new PostingsIndex(WEIGHTS);
    whole.add(texts);
    const pieces = new PostingsIndex(WEIGHTS);
    for (let i = 0; i < texts.length; i += 10) pieces.add(texts.slice(i, i + 10));
    // One segment written over several calls, as a long build does between yields.
    const open = new PostingsIndex(WEIGHTS);
    for (let i = 0; i < texts.length; i += 100) open.add(texts.slice(i, i + 100), { seal: false });
    open.add([]);
    expect(whole.segmentCount).toBe(1);
    expect(open.segmentCount).toBe(1);
    expect(pieces.segmentCount).toBeLessThanOrEqual(9);
    for (const q of queries) {
      const terms = words(q);
      const expected = whole.search({ terms, limit: 40 });
      expect(expected.length).toBeGreaterThan(0);
      expect(open.search({ terms, limit: 40 })).toEqual(expected);
      const actual = pieces.search({ terms, limit: 40 });
      expect(actual.map((h) => h.key)).toEqual(expected.map((h) => h.key));
      actual.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 9));
    }
  });

  it('replaces a document added again under its key, and forgets a removed one', () => {
    const index = new PostingsIndex(WEIGHTS);
    index.add(texts);
    index.add([{ key: 5, title: 'zymurgy', abstract: 'brewing', authors: '[]', hidden: false }]);
    expect(index.size).toBe(texts.length);
    expect(index.search({ terms: ['zymurgy'], limit: 5 }).map((h) => h.key)).toEqual([5]);
    // Paper 5's old words no longer find it.
    expect(index.search({ terms: ['noise', 'trapped', 'ions'], limit: 600 }).some((h) => h.key === 5)).toBe(false);
    index.remove([5]);
    expect(index.search({ terms: ['zymurgy'], limit: 5 })).toEqual([]);
    expect(index.size).toBe(texts.length - 1);
    // Statistics leave the removed text behind: the same scores as an index that never had it.
    const fresh = new PostingsIndex(WEIGHTS);
    fresh.add(texts.filter((t) => t.key !== 5));
    for (const q of queries) expect(index.search({ terms: words(q), limit: 50 })).toEqual(fresh.search({ terms: words(q), limit: 50 }));
  });

  it('never returns a hidden document, yet counts it in the statistics', () => {
    const visible = new PostingsIndex(WEIGHTS);
    visible.add(texts);
    const hiding = new PostingsIndex(WEIGHTS);
    hiding.add(texts.map((t) => (t.key % 2 === 0 ? { ...t, hidden: true } : t)));
    const all = visible.search({ terms: ['quantum', 'lattice'], limit: 600 });
    const shown = hiding.search({ terms: ['quantum', 'lattice'], limit: 600 });
    expect(shown.every((h) => h.key % 2 === 1)).toBe(true);
    expect(shown).toEqual(all.filter((h) => h.key % 2 === 1));
  });

  it('fills a page with words in half the documents or more only when the other words match too few', () => {
    const index = new PostingsIndex(WEIGHTS);
    index.add(texts);
    // "noise" is in most abstracts: it weighs almost nothing next to the rare "lattice".
    const rareFirst = index.search({ terms: ['lattice', 'noise'], limit: 5 });
    expect(rareFirst.every((h) => texts[h.key - 1]!.title.includes('lattice'))).toBe(true);
    const filled = index.search({ terms: ['lattice', 'noise'], limit: 200 });
    expect(filled.length).toBe(200);
    expect(filled.slice(0, 55).every((h) => texts[h.key - 1]!.title.includes('lattice'))).toBe(true);
    expect(index.search({ terms: ['noise'], limit: 3 }).length).toBe(3);
  });

  it('returns nothing for unknown words, a zero limit or an empty index', () => {
    const index = new PostingsIndex(WEIGHTS);
    expect(index.search({ terms: ['quantum'], limit: 5 })).toEqual([]);
    index.add(texts);
    expect(index.search({ terms: ['nonexistentword'], limit: 5 })).toEqual([]);
    expect(index.search({ terms: ['quantum'], limit: 0 })).toEqual([]);
    expect(index.search({ terms: [], limit: 5 })).toEqual([]);
  });
});
