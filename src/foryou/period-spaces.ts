import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import { invertVectors, type CandidateIndex } from '../recommend/candidate-index.js';
import { buildHashedTfidf, type HashedTfidfSpace } from '../recommend/hashed-tfidf.js';
import type { WriteEvent } from '../write-events.js';
import { periodCandidates, periodFingerprint, type CandidateFacts, type DayRange } from './candidates.repository.js';

/** The candidates of one period and their features, shared by every reader who asks for that period. */
export interface PeriodSpace {
  /** Distinguishes rebuilds: a reader model trained on an older space of the same period is retrained. */
  readonly version: number;
  readonly range: DayRange;
  /** In id order, as the space's vectors. */
  readonly candidates: readonly CandidateFacts[];
  /** Hashed TF-IDF of the candidates' titles and abstracts, document frequencies from the period itself. */
  readonly tfidf: HashedTfidfSpace;
  /** The candidates' vectors inverted, numbered as `candidates`: a reader is scored through their own terms. */
  readonly index: CandidateIndex;
  readonly lookup: CandidateLookup;
}

/** Candidate positions by what readers follow, so follows cost their matches, not a pass over the period. */
export interface CandidateLookup {
  readonly byId: ReadonlyMap<string, number>;
  /** Lower-cased author name → candidates. */
  readonly byAuthor: ReadonlyMap<string, readonly number[]>;
  /** Lower-cased category, and its archive ("cs" for "cs.CL") → candidates, each once. */
  readonly byCategory: ReadonlyMap<string, readonly number[]>;
}

function addTo(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [position]);
  else if (list[list.length - 1] !== position) list.push(position);
}

export function candidateLookup(candidates: readonly CandidateFacts[]): CandidateLookup {
  const byId = new Map<string, number>();
  const byAuthor = new Map<string, number[]>();
  const byCategory = new Map<string, number[]>();
  candidates.forEach((candidate, position) => {
    byId.set(candidate.id, position);
    for (const author of candidate.authors) addTo(byAuthor, author.toLowerCase(), position);
    for (const category of candidate.categories) {
      const lower = category.toLowerCase();
      addTo(byCategory, lower, position);
      addTo(byCategory, lower.split('.')[0]!, position);
    }
  });
  return { byId, byAuthor, byCategory };
}

interface Entry {
  space: PeriodSpace;
  fingerprint: string;
  checkedAt: number;
  /** A background check or rebuild in flight. */
  refreshing: Promise<void> | null;
  lastUsed: number;
}

export interface PeriodSpacesOptions {
  /** How long a space is served before its fingerprint is checked again (writes by other processes). */
  readonly recheckMs?: number;
  /** Spaces kept at once (a month at a million papers is a few hundred MB). */
  readonly maxPeriods?: number;
}

let versions = 0;

/**
 * Builds and caches each period's feature space. A space is built once and then served; after `recheckMs` the
 * period's fingerprint is checked in the background and the space rebuilt only when it changed, while requests keep
 * getting the previous one. Writes announced in this process (imports, submissions, hiding) drop the cache at once.
 */
export class PeriodSpaces {
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Map<string, Promise<Entry>>();
  private readonly recheckMs: number;
  private readonly maxPeriods: number;
  /** Spaces built so far (for tests and metrics). */
  builds = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    options: PeriodSpacesOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 30_000;
    this.maxPeriods = options.maxPeriods ?? 6;
  }

  watch(writes: { subscribe(listener: (event: WriteEvent) => void): () => void }): () => void {
    return writes.subscribe((event) => {
      if (event.kind === 'import' || event.kind === 'submission' || event.kind === 'paper-visibility') this.entries.clear();
    });
  }

  async get(range: DayRange): Promise<PeriodSpace> {
    const key = `${range.from}/${range.to}`;
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry) {
      entry.lastUsed = now;
      if (now - entry.checkedAt >= this.recheckMs && !entry.refreshing) entry.refreshing = this.refresh(key, entry);
      return entry.space;
    }
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(range).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    const built = await pending;
    this.remember(key, built);
    return built.space;
  }

  private remember(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (this.entries.size <= this.maxPeriods) return;
    const oldest = [...this.entries].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0]!;
    this.entries.delete(oldest[0]);
  }

  private async build(range: DayRange): Promise<Entry> {
    const fingerprint = await periodFingerprint(this.store.db, range);
    const candidates = await periodCandidates(this.store.db, range);
    const tfidf = buildHashedTfidf(candidates.map((c) => ({ id: c.id, text: `${c.title}\n${c.abstract}` })));
    // The texts are not kept: reasons re-read the few papers they explain.
    const facts = candidates.map(({ id, authors, categories, trendingScore }) => ({ id, authors, categories, trendingScore }));
    const index = invertVectors(
      facts.map((c) => tfidf.vectors.get(c.id)!),
      tfidf.dimensions,
      // Shared memory: a digest run scores readers on a worker thread from this same index.
      { shared: true },
    );
    this.builds++;
    const now = Date.now();
    return {
      space: { version: ++versions, range, candidates: facts, tfidf, index, lookup: candidateLookup(facts) },
      fingerprint,
      checkedAt: now,
      refreshing: null,
      lastUsed: now,
    };
  }

  private async refresh(key: string, entry: Entry): Promise<void> {
    try {
      const fingerprint = await periodFingerprint(this.store.db, entry.space.range);
      if (fingerprint === entry.fingerprint) {
        entry.checkedAt = Date.now();
        return;
      }
      const rebuilt = await this.build(entry.space.range);
      if (this.entries.get(key) === entry) this.remember(key, { ...rebuilt, lastUsed: entry.lastUsed });
    } catch (error) {
      this.logger.error('for-you period refresh failed', { period: key, error: String(error) });
      entry.checkedAt = Date.now();
    } finally {
      entry.refreshing = null;
    }
  }
}
