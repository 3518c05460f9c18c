import type { Logger } from '../../logger.js';
import { hasFilters, type PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import type { SearchActivity } from '../search-activity.js';
import { STOPWORDS, words } from '../text.js';
import type { DayCounts } from './day-counts.js';
import type { DocumentFrequencies } from './postings-mirror.js';
import type { PostingsQuery } from './postings-index.js';
import type { MirrorBuildReport } from './postings-mirror.js';

export interface LexicalHit {
  readonly paperId: string;
  /** Higher is better; only comparable within one result list. */
  readonly score: number;
}

/** Keyword search over title (weighted higher), abstract and authors, with stemming. */
export interface LexicalIndex {
  /**
   * Brings up whatever the index keeps outside the database (reporting what it built, or null when nothing);
   * searches work, perhaps slower, before it is done.
   */
  start(): Promise<MirrorBuildReport | null>;
  /**
   * Starts the upkeep a long-running process does on the timer (none where the database keeps it all in step); work
   * that competes with searches waits for them to pause.
   */
  startBackgroundJobs(logger: Logger, searches: SearchActivity): void;
  /**
   * Does at once, at full speed, the part of that upkeep a rebuild should leave done (PostgreSQL's documents that bulk
   * writes left pending); returns how many papers it brought up to date.
   */
  finishBacklog(progress: (line: string) => void): Promise<number>;
  /** Stops that upkeep and saves whatever the index keeps outside the database. */
  flush(): Promise<void>;
  search(query: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]>;
  /**
   * Every visible paper matching all of the query's words and phrases, none of its exclusions, and the filters,
   * counted by publication day. A query with neither words nor phrases counts the papers its filters select (none
   * when it has no filters either).
   */
  countByDay(query: ParsedQuery, filters: PaperFilters): Promise<DayCounts>;
  /** How many visible papers hold each word (as the index stems it), out of how many; null when it cannot tell now. */
  documentFrequencies(words: readonly string[]): Promise<DocumentFrequencies | null>;
}

/** Whether a query names anything a paper must contain. */
export function hasTextToMatch(query: ParsedQuery): boolean {
  return matchTerms(query).length > 0 || query.phrases.length > 0;
}

/**
 * The words a keyword query should match on: its content words. Stop words alone match nothing, on both engines
 * (PostgreSQL's english configuration drops them anyway).
 */
export function matchTerms(query: ParsedQuery): string[] {
  return [...new Set(query.terms.filter((t) => !STOPWORDS.has(t)))];
}

/** Queries the in-memory index answers alone: free words, and exclusions of single words. */
export function answerableInMemory(query: ParsedQuery, filters: PaperFilters): boolean {
  return !hasFilters(filters) && query.phrases.length === 0 && query.excluded.every((e) => !e.includes(' '));
}

/**
 * What the in-memory index ranks for a query: its content words and those of its phrases (a phrase's words are
 * scored as words; whether the phrase itself occurs is the database's to check), minus single-word exclusions.
 */
export function postingsQueryOf(query: ParsedQuery, limit: number): PostingsQuery {
  return {
    terms: [...new Set([...matchTerms(query), ...query.phrases.flatMap(phraseWords)])],
    excluded: query.excluded.filter((e) => !e.includes(' ')),
    limit,
  };
}

/** A phrase's content words, as the in-memory index knows them. */
export function phraseWords(phrase: string): string[] {
  return words(phrase).filter((word) => !STOPWORDS.has(word));
}

/** Exclusions the in-memory index cannot apply (phrases): the database checks them. */
export function excludedPhrases(query: ParsedQuery): string[] {
  return query.excluded.filter((e) => e.includes(' '));
}
