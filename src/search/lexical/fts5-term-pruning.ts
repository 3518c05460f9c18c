import { sql, type Kysely } from 'kysely';
import { stemmer } from 'stemmer';
import type { DB } from '../../db/schema.js';
import { words } from '../text.js';
import { B, fts5Idf, K1, type ColumnWeights } from './fts5-bm25.js';
import type { LexicalHit } from './lexical-index.js';

/**
 * Queries with more free-text terms than this match on their rarest terms only. An OR over every word makes bm25()
 * visit every paper containing any common word (and count each word's papers just to compute its idf), which grows
 * with the corpus; the rare words find the relevant papers, and the common ones are scored for those papers alone.
 */
export const MAX_MATCH_TERMS = 8;

/**
 * Below this many papers FTS5 ranks any query in a few milliseconds and pruning would only add its own lookups
 * (measured on SciFact's 5,183 papers: long-query p95 3 ms unpruned, 13 ms pruned).
 */
export const DEFAULT_PRUNE_FROM_PAPERS = 50_000;

export interface PrunedTerms {
  /** The terms the MATCH expression keeps, in query order. */
  readonly kept: readonly string[];
  /** Porter stems of the dropped terms with their document counts; scored on the candidates afterwards. */
  readonly dropped: readonly { readonly stem: string; readonly documents: number }[];
}

const STEM_CACHE_LIMIT = 100_000;
const stemCache = new Map<string, string>();

function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemmed = stemmer(word);
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

/**
 * Chooses the terms a keyword query matches on:
 * - a term in at least half the papers weighs nothing in bm25 (FTS5 floors its idf, ln((N − n + 0.5) / (n + 0.5)),
 *   at 1e-6, so it adds at most a few millionths to a score), yet matching on it makes FTS5 score every one of those
 *   papers: it is left out, unless nothing else is left;
 * - in a collection of at least `pruneFromPapers` papers, of the rest only the MAX_MATCH_TERMS rarest are matched on,
 *   and the others are scored back in for the candidates (addDroppedTermScores), so the ranking stays bm25's.
 */
export async function pruneTerms(
  db: Kysely<DB>,
  terms: readonly string[],
  pruneFromPapers = DEFAULT_PRUNE_FROM_PAPERS,
): Promise<PrunedTerms> {
  const whole = { kept: terms, dropped: [] };
  if (terms.length === 0) return whole;
  const { rows } = await indexTotals(db);
  const stems = terms.map(stem);
  const documents = await vocabularyCounts(db, stems);
  // A stem missing from the vocabulary counts as rare: better to keep a word than to drop one the index knows.
  const byRarity = terms.map((term, i) => ({ term, i, stem: stems[i]!, documents: documents.get(stems[i]!) ?? 0 }));
  byRarity.sort((a, b) => a.documents - b.documents || a.i - b.i);
  const weighted = byRarity.filter((entry) => entry.documents * 2 < rows);
  if (weighted.length === 0) return whole;
  const matched = rows >= pruneFromPapers ? weighted.slice(0, MAX_MATCH_TERMS) : weighted;
  const kept = [...matched].sort((a, b) => a.i - b.i).map((entry) => entry.term);
  const keptStems = new Set(matched.map((entry) => entry.stem));
  const dropped = new Map<string, number>();
  for (const entry of weighted.slice(matched.length))
    if (entry.documents > 0 && !keptStems.has(entry.stem)) dropped.set(entry.stem, entry.documents);
  return { kept, dropped: [...dropped].map(([s, n]) => ({ stem: s, documents: n })) };
}

/** SQLite's variable-length integer, as FTS5 stores row counts and column sizes. */
function readVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let value = 0;
    for (let n = 0; i < bytes.length; n++) {
      const byte = bytes[i++]!;
      if (n === 8) {
        value = value * 256 + byte;
        break;
      }
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    out.push(value);
  }
  return out;
}

/**
 * Adds the dropped terms' share of the bm25 score to each candidate, with FTS5's own formula and statistics (row
 * count and total size from the index's averages record, document sizes from its docsize table), so the candidates
 * are ranked as a MATCH over the whole query would rank them.
 */
/** Row count and total size of the index, from its averages record. */
async function indexTotals(db: Kysely<DB>): Promise<{ rows: number; tokens: number }> {
  const averages = await sql<{ block: Uint8Array }>`SELECT block FROM papers_fts_data WHERE id = 1`.execute(db);
  const totals = readVarints(averages.rows[0]?.block ?? new Uint8Array());
  return { rows: totals[0] ?? 0, tokens: totals.slice(1).reduce((sum, size) => sum + size, 0) };
}

export async function addDroppedTermScores(
  db: Kysely<DB>,
  hits: readonly LexicalHit[],
  dropped: PrunedTerms['dropped'],
  weights: ColumnWeights,
): Promise<LexicalHit[]> {
  if (dropped.length === 0 || hits.length === 0) return [...hits];
  const { rows, tokens } = await indexTotals(db);
  if (rows === 0) return [...hits];
  const averageLength = tokens / rows;
  const idf = new Map(dropped.map(({ stem: s, documents }) => [s, fts5Idf(rows, documents)]));

  const papers = await sql<{ id: string; title: string; abstract: string; authors: string; sz: Uint8Array | null }>`
    SELECT papers.id AS id, papers.title AS title, papers.abstract AS abstract, papers.authors AS authors, papers_fts_docsize.sz AS sz
    FROM papers LEFT JOIN papers_fts_docsize ON papers_fts_docsize.id = papers.rowid
    WHERE papers.id IN (${sql.join(hits.map((h) => sql`${h.paperId}`))})`.execute(db);
  const extra = new Map<string, number>();
  for (const paper of papers.rows) {
    const frequency = new Map<string, number>();
    [paper.title, paper.abstract, paper.authors].forEach((text, column) => {
      for (const word of words(text)) {
        const s = stem(word);
        if (idf.has(s)) frequency.set(s, (frequency.get(s) ?? 0) + weights[column]!);
      }
    });
    if (frequency.size === 0) continue;
    const length = paper.sz ? readVarints(paper.sz).reduce((sum, size) => sum + size, 0) : averageLength;
    const norm = K1 * (1 - B + (B * length) / averageLength);
    let score = 0;
    for (const [s, f] of frequency) score += (idf.get(s)! * f * (K1 + 1)) / (f + norm);
    extra.set(paper.id, score);
  }
  return hits.map((h) => ({ paperId: h.paperId, score: h.score + (extra.get(h.paperId) ?? 0) })).sort((a, b) => b.score - a.score);
}

/** How many papers FTS5's vocabulary lists each stem in (stems it does not know are absent from the map). */
async function vocabularyCounts(db: Kysely<DB>, stems: readonly string[]): Promise<Map<string, number>> {
  const distinct = [...new Set(stems)];
  const documents = new Map<string, number>();
  for (let i = 0; i < distinct.length; i += 500) {
    const counts = await sql<{ term: string; doc: number }>`
      SELECT term, doc FROM papers_fts_vocab WHERE term IN (${sql.join(distinct.slice(i, i + 500).map((s) => sql`${s}`))})`.execute(db);
    for (const row of counts.rows) documents.set(row.term, Number(row.doc));
  }
  return documents;
}

/** How many papers FTS5 holds each word in (stemmed as FTS5 stems), out of how many papers it holds. */
export async function fts5DocumentFrequencies(
  db: Kysely<DB>,
  words: readonly string[],
): Promise<{ papers: number; frequencies: Map<string, number> }> {
  const { rows } = await indexTotals(db);
  const frequencies = new Map<string, number>();
  if (words.length === 0) return { papers: rows, frequencies };
  const documents = await vocabularyCounts(db, words.map(stem));
  for (const word of words) frequencies.set(word, documents.get(stem(word)) ?? 0);
  return { papers: rows, frequencies };
}
