import type { ParsedQuery } from '../query-parser.js';
import { excludedPhrases, postingsQueryOf } from './lexical-index.js';
import type { AdmitPapers, PostingsMirror, RankedPaper } from './postings-mirror.js';

/*
 * A query with phrases, multi-word exclusions or filters is ranked in memory and the ranked papers are then checked
 * in the database, a pool at a time down the ranking. Checked paper by paper, a phrase that few papers hold sends the
 * check down the whole ranking (seconds at a hundred thousand papers). So an engine lists a phrase's papers once per
 * search, up to a number, and they are checked in memory; a search then stops once as many papers are admitted as
 * hold its rarest phrase. A phrase in more papers is checked paper by paper, since the first ranked papers then
 * usually hold it. How an engine lists a phrase's papers is its own: FTS5 lists them fast and checks one paper
 * slowly, so it lists every phrase; PostgreSQL the other way round, so it lists only a phrase with a rare word.
 */

/**
 * The keys of the papers holding each phrase (whatever key the engine lists them by cheaply: SQLite's rowid,
 * PostgreSQL's paper id), or null for a phrase checked paper by paper.
 */
export type PhraseSets<K> = ReadonlyMap<string, ReadonlySet<K> | null>;

/** The query's phrases (required, then excluded), each once. */
function phrasesToCheck(query: ParsedQuery): string[] {
  return [...new Set([...query.phrases, ...excludedPhrases(query)])];
}

/**
 * How an engine lists a phrase's papers: at most `upTo + 1` keys, or null when it checks the phrase paper by paper
 * instead (a phrase it cannot list cheaply now).
 */
export type PhrasePapers<K> = (phrase: string, upTo: number) => Promise<K[] | null>;

/** Lists each phrase's papers; a phrase in more than `upTo` papers is left to be checked paper by paper. */
export async function readPhraseSets<K>(query: ParsedQuery, papersHolding: PhrasePapers<K>, upTo: number): Promise<PhraseSets<K>> {
  const sets = new Map<string, ReadonlySet<K> | null>();
  for (const phrase of phrasesToCheck(query)) {
    const keys = await papersHolding(phrase, upTo);
    sets.set(phrase, keys === null || keys.length > upTo ? null : new Set(keys));
  }
  return sets;
}

/** The phrases left for the database to check paper by paper, and a test of a paper against those read into memory. */
export interface PhraseChecks<K> {
  readonly required: string[];
  readonly excluded: string[];
  /** Whether any phrase is checked in memory (`passes` then needs the papers' keys). */
  readonly inMemory: boolean;
  readonly passes: (key: K) => boolean;
}

export function splitPhraseChecks<K>(query: ParsedQuery, sets: PhraseSets<K>): PhraseChecks<K> {
  const excluded = excludedPhrases(query);
  const inMemoryRequired = query.phrases.flatMap((phrase) => sets.get(phrase) ?? []);
  const inMemoryExcluded = excluded.flatMap((phrase) => sets.get(phrase) ?? []);
  return {
    required: query.phrases.filter((phrase) => !sets.get(phrase)),
    excluded: excluded.filter((phrase) => !sets.get(phrase)),
    inMemory: inMemoryRequired.length + inMemoryExcluded.length > 0,
    passes: (key) => inMemoryRequired.every((set) => set.has(key)) && !inMemoryExcluded.some((set) => set.has(key)),
  };
}

/**
 * Ranks in memory and admits ranked papers through `admit`, having read the phrases' papers first. No more papers
 * can be admitted than hold the rarest required phrase, so the search ends once that many are (at once when none
 * does). Null when the in-memory index cannot answer now.
 */
export async function searchWithPhraseSets<K>(
  mirror: PostingsMirror,
  query: ParsedQuery,
  limit: number,
  sets: PhraseSets<K>,
  admit: AdmitPapers,
): Promise<RankedPaper[] | null> {
  let most = limit;
  for (const phrase of query.phrases) most = Math.min(most, sets.get(phrase)?.size ?? most);
  if (most === 0) return [];
  return mirror.searchAdmitted(postingsQueryOf(query, most), admit);
}
