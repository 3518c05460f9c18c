import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { FTS5_WEIGHTS, fts5Expression } from '../../src/search/lexical/fts5-index.js';
import { MAX_MATCH_TERMS } from '../../src/search/lexical/fts5-term-pruning.js';
import { createLexicalIndex, matchTerms } from '../../src/search/lexical/lexical-index.js';
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
  const search = async (q: string, limit = 20) => {
    const parsed = parseQuery(q);
    return createLexicalIndex(get().store).search(parsed, filtersFromQuery(parsed), limit);
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
    expect(hits.slice(0, withRare.length).map((h) => h.paperId).sort()).toEqual([...withRare].sort());
  });

  it('scores the candidates exactly as bm25() over the whole query does', async () => {
    if (get().kind !== 'sqlite') return;
    const { title, abstract, authors } = FTS5_WEIGHTS;
    const full = await sql<{ id: string; rank: number }>`
      SELECT papers.id AS id, bm25(papers_fts, ${sql.lit(title)}, ${sql.lit(abstract)}, ${sql.lit(authors)}) AS rank
      FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid
      WHERE papers_fts MATCH ${fts5Expression(parseQuery(LONG_QUERY))} ORDER BY rank LIMIT 40`.execute(get().store.db);
    const expected = new Map(full.rows.map((row) => [row.id, -row.rank]));
    const hits = await search(LONG_QUERY);
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.paperId)!, 6);
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
});
