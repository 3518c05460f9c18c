import { isContentWord, words } from '../text.js';
import type { DocumentFrequencies } from '../lexical/postings-mirror.js';
import { mean } from './metrics.js';

/** One query's scores and what classes it by: its informative words and how rare they are. */
export interface ScoredQuery {
  readonly ndcg: number;
  readonly mrr: number;
  /** Distinct words that are not stop words or single letters. */
  readonly words: number;
  /** Mean bm25 idf of those words (0 for a query without any). */
  readonly meanIdf: number;
}

export interface ClassScores {
  readonly queries: number;
  readonly 'ndcg@10': number;
  readonly 'mrr@10': number;
}

/**
 * The set's queries split twice at its own medians, as the development sets are described: short (at most the
 * median number of informative words) against long, and rare-term (mean idf above the median) against common-term.
 * A fusion that helps on average can still lose one class.
 */
export interface QueryClasses {
  readonly medianWords: number;
  readonly medianIdf: number;
  readonly short: ClassScores;
  readonly long: ClassScores;
  readonly rareTerm: ClassScores;
  readonly commonTerm: ClassScores;
}

/** The distinct informative words of a query, as classes count them. */
export function informativeWords(text: string): string[] {
  return [...new Set(words(text).filter(isContentWord))];
}

/** bm25's idf: ln(1 + (N − df + 0.5) / (df + 0.5)). */
export function meanIdf(queryWords: readonly string[], corpus: DocumentFrequencies): number {
  if (queryWords.length === 0) return 0;
  return mean(
    queryWords.map((word) => {
      const df = corpus.frequencies.get(word) ?? 0;
      return Math.log(1 + (corpus.papers - df + 0.5) / (df + 0.5));
    }),
  );
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function scoresOf(queries: readonly ScoredQuery[]): ClassScores {
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    queries: queries.length,
    'ndcg@10': round(mean(queries.map((q) => q.ndcg))),
    'mrr@10': round(mean(queries.map((q) => q.mrr))),
  };
}

export function queryClasses(queries: readonly ScoredQuery[]): QueryClasses {
  const medianWords = median(queries.map((q) => q.words));
  const medianIdf = median(queries.map((q) => q.meanIdf));
  return {
    medianWords,
    medianIdf: Math.round(medianIdf * 1000) / 1000,
    short: scoresOf(queries.filter((q) => q.words <= medianWords)),
    long: scoresOf(queries.filter((q) => q.words > medianWords)),
    rareTerm: scoresOf(queries.filter((q) => q.meanIdf > medianIdf)),
    commonTerm: scoresOf(queries.filter((q) => q.meanIdf <= medianIdf)),
  };
}
