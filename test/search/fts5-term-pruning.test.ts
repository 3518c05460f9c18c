import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { FTS5_WEIGHTS, fts5Expression } from '../../src/search/lexical/fts5-index.js';
import { MAX_MATCH_TERMS } from '../../src/search/lexical/fts5-term-pruning.js';
import { createLexicalIndex } from '../../src/search/lexical/create-lexical-index.js';
import { matchTerms } from '../../src/search/lexical/lexical-index.js';
import { filtersFromQuery } from '../../src/search/paper-filters.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { writePapers } from './corpus.js';

const COMMON = ['learning', 'model', 'network', 'data', 'training', 'results', 'performance', 'large'];
const RARE = ['zebrafish', 'cardiomyocyte', 'regeneration', 'fibroblast'];

// Every paper speaks of the common words; a few also of the rare ones, with varying lengths and title hits.
const PAPERS = Array.from({ length: 40 }, (_, i) => {
  const rare = i % 8 === 0 ? RARE.filter((_, r) => (i / 8 + r) % 2 === 0) : [];
  const filler = COMMON.slice(0, 2 + (i % 7)).join(' ');
  return paperRecord({
    id: `2503.${String(30000 + i)}`,
    title: i % 3 === 0 ? `${rare.join(' ')} ${COMMON[i % COMMON.length]!} study` : `A ${COMMON[(i + 1) % COMMON.length]!} report`,
    abstract: `${filler} ${rare.join(' ')} ${filler} ${'evaluation '.repeat(i % 4)}${COMMON[i % COMMON.length]!}.`,
  });
});

const LONG_QUERY = `${RARE.join(' ')} ${COMMON.join(' ')}`;

describeEachStore('long keyword queries', (get) => {
  // The test collection is tiny: prune from the first paper on.
  const search = async (q: string, limit = 20, pruneFromPapers = 0) => {
    const parsed = parseQuery(q);
    return createLexicalIndex(get().store, { pruneFromPapers }).search(parsed, filtersFromQuery(parsed), limit);
  };
  const fullBm25 = async (q: string) => {
    const { title, abstract, authors } = FTS5_WEIGHTS;
    const full = await sql<{ id: string; rank: number }>`
      SELECT papers.id AS id, bm25(papers_fts, ${sql.lit(title)}, ${sql.lit(abstract)}, ${sql.lit(authors)}) AS rank
      FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid
      WHERE papers_fts MATCH ${fts5Expression(parseQuery(q))} ORDER BY rank, papers.id LIMIT 100`.execute(get().store.db);
    return full.rows.map((row) => ({ paperId: row.id, score: -row.rank }));
  };

  beforeAll(async () => {
    await writePapers(get().store, PAPERS);
  });

  it('has more terms than the MATCH keeps', () => {
    expect(matchTerms(parseQuery(LONG_QUERY)).length).toBeGreaterThan(MAX_MATCH_TERMS);
  });

  it('ranks papers with the rare terms first (bm25 idf)', async () => {
    if (get().kind !== 'sqlite') return;
    const hits = await search(LONG_QUERY);
    const withRare = PAPERS.filter((p) => RARE.some((r) => p.abstract.includes(r))).map((p) => p.id);
    expect(
      hits
        .slice(0, withRare.length)
        .map((h) => h.paperId)
        .sort(),
    ).toEqual([...withRare].sort());
  });

  it('scores the candidates exactly as bm25() over the whole query does', async () => {
    if (get().kind !== 'sqlite') return;
    const expected = new Map((await fullBm25(LONG_QUERY)).map((hit) => [hit.paperId, hit.score]));
    const hits = await search(LONG_QUERY);
    expect(hits.length).toBeGreaterThan(0);
    // The common words are in half the papers or more: bm25 gives them a few millionths, which are left out.
    for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.paperId)!, 4);
  });

  it('keeps phrases and exclusions on long queries', async () => {
    const abstractOf = (id: string) => PAPERS.find((p) => p.id === id)!.abstract;
    const without = await search(`${LONG_QUERY} -cardiomyocyte`);
    expect(without.length).toBeGreaterThan(0);
    for (const hit of without) expect(abstractOf(hit.paperId)).not.toContain('cardiomyocyte');
    const phrase = await search(`${LONG_QUERY} "zebrafish regeneration"`);
    expect(phrase.length).toBeGreaterThan(0);
    for (const hit of phrase) expect(abstractOf(hit.paperId)).toContain('zebrafish regeneration');
  });

  it('does not match on a word in half the papers or more (bm25 gives it no weight)', async () => {
    if (get().kind !== 'sqlite') return;
    const query = 'zebrafish learning';
    const withZebrafish = PAPERS.filter((p) => /zebrafish/.test(`${p.title} ${p.abstract}`)).map((p) => p.id);
    const hits = await search(query);
    expect(hits.map((h) => h.paperId).sort()).toEqual([...withZebrafish].sort());
    // FTS5 gives the word an idf of 1e-6: its share of a score is a few millionths.
    const expected = new Map((await fullBm25(query)).map((hit) => [hit.paperId, hit.score]));
    for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.paperId)!, 4);
  });

  it('matches on such words when nothing else is left', async () => {
    const hits = await search('learning model', 100);
    expect(hits.length).toBe(PAPERS.length);
  });

  it('matches small collections on every informative word: the same hits in the same order as FTS5', async () => {
    if (get().kind !== 'sqlite') return;
    // Ten informative words (five the collection lacks), more than a large collection would match on.
    for (const query of [`${RARE.join(' ')} study alpha beta gamma delta epsilon`, RARE.join(' ')]) {
      const unpruned = await search(query, 100, 1_000);
      expect(unpruned.map((h) => h.paperId)).toEqual((await fullBm25(query)).map((h) => h.paperId));
    }
  });
});
