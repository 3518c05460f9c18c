import type { ParsedQuery } from '../query-parser.js';
import { STOPWORDS, words } from '../text.js';
import { excludedPhrases, postingsQueryOf } from './lexical-index.js';
import type { AdmitPapers, PostingsMirror, RankedPaper } from './postings-mirror.js';

/*
 * A query with phrases, multi-word exclusions or filters is ranked in memory and the ranked papers are then checked
 * in the database, a pool at a time down the ranking. Checked paper by paper, a phrase that few papers hold sends the
 * check down the whole ranking (seconds at a hundred thousand papers). So an engine lists a phrase's papers once per
 * search, up to a number, and they are checked in memory; a search then stops once as many papers are admitted as
 * hold its rarest phrase. A phrase in more papers is checked paper by paper, since the first ranked papers then
 * usually hold it. FTS5 lists a phrase's papers fast and checks one paper slowly, so it lists every phrase;
 * PostgreSQL the other way round, so it lists only a phrase with a rare word (by the in-memory index's counts).
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

/** How the engine lists a phrase's papers: at most `limit + 1` keys, or null when it cannot list them cheaply now. */
export type PhrasePapers<K> = (phrase: string, limit: number) => Promise<K[] | null>;

/** When an engine lists a phrase's papers, and how many at most. */
export interface PhraseListing {
  /** List only a phrase whose rarest word is in at most this many papers (Infinity: any phrase). */
  readonly rarestWordAtMost: number;
  /** Papers listed at most: a phrase in more is checked paper by paper. */
  readonly upTo: number;
}

export async function readPhraseSets<K>(
  query: ParsedQuery,
  mirror: PostingsMirror,
  papersHolding: PhrasePapers<K>,
  { rarestWordAtMost, upTo }: PhraseListing,
): Promise<PhraseSets<K>> {
  const sets = new Map<string, ReadonlySet<K> | null>();
  for (const phrase of phrasesToCheck(query)) {
    const listed = rarestWordAtMost === Infinity || ((await rarestWordFrequency(mirror, phrase)) ?? Infinity) <= rarestWordAtMost;
    const keys = listed ? await papersHolding(phrase, upTo) : null;
    sets.set(phrase, keys === null || keys.length > upTo ? null : new Set(keys));
  }
  return sets;
}

/** Papers holding the phrase's rarest informative word, or null when it has none or the index cannot tell now. */
async function rarestWordFrequency(mirror: PostingsMirror, phrase: string): Promise<number | null> {
  const informative = words(phrase).filter((word) => !STOPWORDS.has(word));
  if (informative.length === 0) return null;
  const counts = await mirror.documentFrequencies(informative);
  return counts ? Math.min(...counts.frequencies.values()) : null;
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
  const inMemoryRequired = query.phrases.flatMap((phrase) => sets.get(phrase) ?? []);
  const inMemoryExcluded = excludedPhrases(query).flatMap((phrase) => sets.get(phrase) ?? []);
  return {
    required: query.phrases.filter((phrase) => !sets.get(phrase)),
    excluded: excludedPhrases(query).filter((phrase) => !sets.get(phrase)),
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
