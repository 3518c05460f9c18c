import { afterEach, describe, expect, it } from 'vitest';
import { FTS5_COLUMN_WEIGHTS } from '../../src/search/lexical/fts5-index.js';
import { PostingsIndex, type IndexedText, type PostingsQuery } from '../../src/search/lexical/postings-index.js';
import { RankingLanes, shareOut } from '../../src/search/lexical/ranking-lanes.js';

/** A seeded generator, so every run ranks the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const VOCABULARY = Array.from({ length: 400 }, (_, i) => `word${i.toString(36)}x`);

/** Documents over a small vocabulary drawn with a skew, so common words reach most documents and scores tie. */
function documents(from: number, count: number, random: () => number): IndexedText[] {
  const word = () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 2.5)]!;
  const text = (n: number) => Array.from({ length: n }, word).join(' ');
  return Array.from({ length: count }, (_, i) => ({
    key: from + i,
    title: text(3 + Math.floor(random() * 6)),
    abstract: text(20 + Math.floor(random() * 60)),
    authors: JSON.stringify([`Author ${Math.floor(random() * 50)}`]),
    hidden: random() < 0.03,
  }));
}

function queries(random: () => number): PostingsQuery[] {
  const word = () => VOCABULARY[Math.floor(VOCABULARY.length * random())]!;
  return Array.from({ length: 60 }, (_, i) => ({
    terms: Array.from({ length: i % 2 === 0 ? 2 + (i % 3) : 15 + (i % 10) }, word),
    excluded: i % 5 === 0 ? [word()] : [],
    limit: [10, 100, 1000][i % 3]!,
  }));
}

/** An index of `papers` documents added in batches (one segment each, small ones merged), some removed since. */
function buildIndex(papers: number, random: () => number): PostingsIndex {
  const index = new PostingsIndex(FTS5_COLUMN_WEIGHTS);
  for (let at = 1; at <= papers; at += 700) index.add(documents(at, Math.min(700, papers - at + 1), random));
  index.remove(Array.from({ length: 40 }, () => 1 + Math.floor(random() * papers)));
  return index;
}

describe('ranking lanes', () => {
  let lanes: RankingLanes | null = null;
  afterEach(async () => {
    await lanes?.close();
    lanes = null;
  });

  it('shares consecutive segments out by their postings', () => {
    expect(shareOut([5, 5, 5, 5], 2)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(shareOut([10, 1, 1, 1], 2)).toEqual([
      [0, 1],
      [1, 4],
    ]);
    expect(shareOut([1, 1, 1, 1, 1, 1], 3)).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    expect(shareOut([7], 2)).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('ranks every query as one thread does, page for page and score for score', async () => {
    const random = rng(11);
    const index = buildIndex(9_000, random);
    expect(index.segmentCount).toBeGreaterThan(2);
    lanes = new RankingLanes(3, 0);
    for (const query of queries(random)) {
      const alone = index.search(query);
      expect(alone.length).toBeGreaterThan(0);
      expect(await index.searchInLanes(query, lanes)).toEqual(alone);
    }
  });

  it('follows the index as papers are added, replaced and removed between queries', async () => {
    const random = rng(12);
    const index = buildIndex(5_000, random);
    lanes = new RankingLanes(2, 0);
    const asked = queries(random);
    // Each change alone: many new papers (the per-document columns grow), a few (a new segment only), replaced
    // papers and removed ones (segments rewritten).
    const changes = [
      () => index.add(documents(5_001, 3_000, random)),
      () => index.add(documents(8_001, 7, random)),
      () => index.add(documents(1, 50, random)),
      () => index.remove(Array.from({ length: 30 }, () => 1 + Math.floor(random() * 5_000))),
    ];
    for (let round = 0; round <= changes.length; round++) {
      if (round > 0) changes[round - 1]!();
      // A fresh index of the same contents answers as the changed one must.
      const fresh = PostingsIndex.restore(FTS5_COLUMN_WEIGHTS, index.state());
      for (const query of asked.slice(round * 10, round * 10 + 10)) {
        const expected = fresh.search(query);
        expect(await index.searchInLanes(query, lanes)).toEqual(expected);
        expect(index.search(query)).toEqual(expected);
      }
    }
  });

  it('ranks a share here when its lane stops, and stays on this thread after', async () => {
    const random = rng(13);
    const index = buildIndex(6_000, random);
    lanes = new RankingLanes(2, 0);
    const [first, second] = queries(random).filter((query) => query.terms.length > 10);
    const answering = index.searchInLanes(first!, lanes);
    await lanes.close();
    expect(await answering).toEqual(index.search(first!));
    expect(await index.searchInLanes(second!, lanes)).toEqual(index.search(second!));
  });

  it('keeps a query with few postings on this thread', async () => {
    const random = rng(14);
    const index = buildIndex(3_000, random);
    lanes = new RankingLanes(2, 5_000);
    const rare = { terms: [VOCABULARY[390]!], limit: 10 };
    expect(await index.searchInLanes(rare, lanes)).toEqual(index.search(rare));
    expect(lanes.threads).toBe(0);
    const common = { terms: VOCABULARY.slice(0, 20), limit: 10 };
    expect(await index.searchInLanes(common, lanes)).toEqual(index.search(common));
    expect(lanes.threads).toBe(2);
  });
});
