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

/** The ids of the papers holding each phrase, or null for a phrase in too many papers (checked paper by paper). */
export type PhraseSets = ReadonlyMap<string, ReadonlySet<string> | null>;

/** The query's phrases (required, then excluded), each once. */
export function phrasesToCheck(query: ParsedQuery): string[] {
  return [...new Set([...query.phrases, ...excludedPhrases(query)])];
}

/** How the engine lists a phrase's papers: at most `limit + 1` ids, or null when it cannot list them cheaply now. */
export type PhrasePapers = (phrase: string, limit: number) => Promise<string[] | null>;

/** When an engine lists a phrase's papers, and how many at most. */
export interface PhraseListing {
  /** List only a phrase whose rarest word is in at most this many papers (Infinity: any phrase). */
  readonly rarestWordAtMost: number;
  /** Papers listed at most: a phrase in more is checked paper by paper. */
  readonly upTo: number;
}

export async function readPhraseSets(
  query: ParsedQuery,
  mirror: PostingsMirror,
  papersHolding: PhrasePapers,
  { rarestWordAtMost, upTo }: PhraseListing,
): Promise<PhraseSets> {
  const sets = new Map<string, ReadonlySet<string> | null>();
  for (const phrase of phrasesToCheck(query)) {
    const listed = rarestWordAtMost === Infinity || ((await rarestWordFrequency(mirror, phrase)) ?? Infinity) <= rarestWordAtMost;
    const ids = listed ? await papersHolding(phrase, upTo) : null;
    sets.set(phrase, ids === null || ids.length > upTo ? null : new Set(ids));
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
export interface PhraseChecks {
  readonly required: string[];
  readonly excluded: string[];
  readonly passes: (paperId: string) => boolean;
}

export function splitPhraseChecks(query: ParsedQuery, sets: PhraseSets): PhraseChecks {
  const inMemoryRequired = query.phrases.flatMap((phrase) => sets.get(phrase) ?? []);
  const inMemoryExcluded = excludedPhrases(query).flatMap((phrase) => sets.get(phrase) ?? []);
  return {
    required: query.phrases.filter((phrase) => !sets.get(phrase)),
    excluded: excludedPhrases(query).filter((phrase) => !sets.get(phrase)),
    passes: (id) => inMemoryRequired.every((set) => set.has(id)) && !inMemoryExcluded.some((set) => set.has(id)),
  };
}

/**
 * Ranks in memory and admits ranked papers through `admit`, having read the phrases' papers first. No more papers
 * can be admitted than hold the rarest required phrase, so the search ends once that many are (at once when none
 * does). Null when the in-memory index cannot answer now.
 */
export async function searchWithPhraseSets(
  mirror: PostingsMirror,
  query: ParsedQuery,
  limit: number,
  sets: PhraseSets,
  admit: AdmitPapers,
): Promise<RankedPaper[] | null> {
  let most = limit;
  for (const phrase of query.phrases) most = Math.min(most, sets.get(phrase)?.size ?? most);
  if (most === 0) return [];
  return mirror.searchAdmitted(postingsQueryOf(query, most), admit);
}
