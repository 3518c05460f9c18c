/** The constants and idf of SQLite FTS5's bm25(), for code that reproduces its scores outside FTS5. */

export const K1 = 1.2;
export const B = 0.75;
/** FTS5 floors a term's idf here when the term is in half the documents or more. */
export const IDF_FLOOR = 1e-6;

/** Column weights in FTS5 column order: title, abstract, authors. */
export type ColumnWeights = readonly [number, number, number];

/** ln((N − n + 0.5) / (n + 0.5)) for a term in n of N documents, floored as FTS5 floors it. */
export function fts5Idf(documents: number, withTerm: number): number {
  const idf = Math.log((documents - withTerm + 0.5) / (withTerm + 0.5));
  return idf > 0 ? idf : IDF_FLOOR;
}
