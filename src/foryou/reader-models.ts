import type { Store } from '../db/database.js';
import type { HashedTfidfSpace } from '../recommend/hashed-tfidf.js';
import { trainReaderModel, type RankingMethod, type ReaderModel } from '../recommend/rank.js';
import type { FeatureSpace, SparseVector } from '../recommend/tfidf.js';
import type { WriteEvent } from '../write-events.js';
import { paperTexts } from './candidates.repository.js';
import type { PeriodSpace } from './period-spaces.js';
import { readerSignals, knownPapers, type ReaderSignals } from './reader-signals.repository.js';

/** Where a profile paper came from, for the reason's wording. */
export type ProfileSource = 'library' | 'rating' | 'upvote' | 'authored';

export interface ProfilePaper {
  readonly title: string;
  readonly source: ProfileSource;
}

/** Saved searches the period's papers match: paper id → the searches. */
export type QueryMatches = ReadonlyMap<string, readonly string[]>;

/** Finds the papers of a period that match a saved search (the search engine, restricted to the period). */
export type QueryMatcher = (query: string, range: { from: string; to: string }) => Promise<readonly string[]>;

/** One reader's trained state for one period space. */
export interface TrainedReader {
  readonly spaceVersion: number;
  readonly signals: ReaderSignals;
  /** Null when none of their positives has text the space can read (only follows, or nothing yet). */
  readonly model: ReaderModel | null;
  /** Saved, rated, upvoted or authored papers: never recommended. */
  readonly excluded: ReadonlySet<string>;
  readonly profile: ReadonlyMap<string, ProfilePaper>;
  readonly queryMatches: QueryMatches;
}

/** The profile's own vectors laid over the period's (not copied: a week can hold tens of thousands), so the rankers see one space. */
function spaceWithProfile(space: HashedTfidfSpace, profile: ReadonlyMap<string, SparseVector>): FeatureSpace {
  const vectors = {
    get: (id: string) => profile.get(id) ?? space.vectors.get(id),
    has: (id: string) => profile.has(id) || space.vectors.has(id),
  };
  return { dimensions: space.dimensions, ids: space.ids, vectors, termName: space.termName };
}

function profileSources(signals: ReaderSignals): Map<string, ProfileSource> {
  const sources = new Map<string, ProfileSource>();
  // The first source named wins: the reader's own papers, then explicit ratings, the library, upvotes.
  for (const id of signals.authored) sources.set(id, 'authored');
  for (const id of signals.liked) if (!sources.has(id)) sources.set(id, 'rating');
  for (const id of signals.saved) if (!sources.has(id)) sources.set(id, 'library');
  for (const id of signals.upvoted) if (!sources.has(id)) sources.set(id, 'upvote');
  for (const id of signals.disliked) sources.delete(id);
  return sources;
}

/**
 * Per-reader models, cached per reader and period space and trained only when needed: a reader's model is dropped
 * when that reader's library, ratings, follows or upvotes change (the write announcements name the user), and
 * retrained when the period's space was rebuilt. Requests in between only score.
 */
export class ReaderModels {
  private readonly entries = new Map<string, TrainedReader>();
  /** Bumped by each announced change of a reader's signals; a training that raced one is not cached. */
  private readonly generations = new Map<number, number>();
  /** Trainings so far (tests check that a model is retrained after a new signal, and not before). */
  trainings = 0;

  private readonly method: RankingMethod | undefined;
  private readonly maxEntries: number;

  constructor(
    private readonly store: Store,
    private readonly matchQuery: QueryMatcher,
    options: { readonly method?: RankingMethod; readonly maxEntries?: number } = {},
  ) {
    this.method = options.method;
    this.maxEntries = options.maxEntries ?? 2_000;
  }

  watch(writes: { subscribe(listener: (event: WriteEvent) => void): () => void }): () => void {
    return writes.subscribe((event) => {
      if (
        event.kind === 'library' ||
        event.kind === 'rating' ||
        event.kind === 'follow' ||
        event.kind === 'authored' ||
        event.kind === 'vote'
      ) {
        for (const userId of event.userIds ?? []) this.forget(userId);
      }
    });
  }

  /** Drops a reader's cached models (their signals changed). */
  forget(userId: number): void {
    this.generations.set(userId, (this.generations.get(userId) ?? 0) + 1);
    const prefix = `${userId}|`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /** `signals`, when the caller read them already (a batch job reading a page of readers at once), are trusted as the reader's current ones. */
  async get(userId: number, space: PeriodSpace, signals?: ReaderSignals): Promise<TrainedReader> {
    const key = `${userId}|${space.range.from}/${space.range.to}`;
    const cached = this.entries.get(key);
    if (cached && cached.spaceVersion === space.version) {
      // Most recently used last, so eviction drops the longest unused.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const generation = this.generations.get(userId) ?? 0;
    const trained = await this.train(userId, space, signals);
    if ((this.generations.get(userId) ?? 0) === generation) {
      this.entries.set(key, trained);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return trained;
  }

  private async train(userId: number, space: PeriodSpace, preloaded?: ReaderSignals): Promise<TrainedReader> {
    this.trainings++;
    const db = this.store.db;
    const signals = preloaded ?? (await readerSignals(db, userId));
    const excluded = await knownPapers(db, userId, signals);
    const sources = profileSources(signals);
    const texts = await paperTexts(db, [...sources.keys(), ...signals.disliked]);
    const vectors = new Map<string, SparseVector>();
    const profile = new Map<string, ProfilePaper>();
    for (const [id, source] of sources) {
      const text = texts.get(id);
      if (!text) continue;
      vectors.set(id, space.tfidf.vectorize(text.text, id));
      profile.set(id, { title: text.title, source });
    }
    for (const id of signals.disliked) {
      const text = texts.get(id);
      if (text) vectors.set(id, space.tfidf.vectorize(text.text, id));
    }
    const model = trainReaderModel(
      spaceWithProfile(space.tfidf, vectors),
      { positives: [...profile.keys()], negatives: signals.disliked.filter((id) => vectors.has(id)) },
      { method: this.method },
    );
    const queryMatches = new Map<string, string[]>();
    for (const query of signals.followedQueries) {
      for (const id of await this.matchQuery(query, space.range)) {
        const list = queryMatches.get(id);
        if (list) list.push(query);
        else queryMatches.set(id, [query]);
      }
    }
    return { spaceVersion: space.version, signals, model, excluded, profile, queryMatches };
  }
}
