import type { Actor } from '../community/community-deps.js';
import type { Store } from '../db/database.js';
import { getListedPapers, type ListedPaper } from '../feed/paper-listing.js';
import type { FeedPeriod } from '../feed/period.js';
import type { ProfileWalker } from '../recommend/candidate-index.js';
import { closestPositive, scoreIndexed, scoreIndexedWith } from '../recommend/rank.js';
import { Refused } from '../refused.js';
import type { CandidateFacts } from './candidates.repository.js';
import type { ForYouEngine } from './foryou-engine.js';
import type { PeriodSpace } from './period-spaces.js';
import { reasonText, type ForYouReason } from './reasons.js';
import type { TrainedReader } from './reader-models.js';
import { hasSignals, type ReaderSignals } from './reader-signals.repository.js';
import { paperTexts } from './candidates.repository.js';

export const MAX_RECOMMENDATIONS = 100;

/**
 * What a follow adds to a paper's score, in standard deviations of the model's score over the period: a followed
 * author's paper goes near the top, a saved search's match well up, a followed category's papers a little up.
 */
export const FOLLOW_BOOST = { author: 2, query: 1, category: 0.5 } as const;

export interface ForYouDeps {
  readonly store: Store;
  readonly forYou: ForYouEngine;
  /** Where readers' profiles are walked through the period's index; on the calling thread when absent. */
  readonly profileWalker?: ProfileWalker;
}

export interface RecommendationsInput {
  readonly period: FeedPeriod;
  readonly limit: number;
}

export interface RecommendedPaper {
  readonly listed: ListedPaper;
  readonly score: number;
  readonly reason: ForYouReason;
}

export interface Recommendations {
  readonly period: FeedPeriod;
  readonly items: readonly RecommendedPaper[];
  /** Papers of the period that were ranked (known papers left out). */
  readonly candidates: number;
  /** False for a reader who has told us nothing yet: the items are the period's popular papers (cold start). */
  readonly personalised: boolean;
}

interface Ranking {
  /** The best candidate indices, best first, known papers left out: as many as one page can ask for. */
  readonly order: Int32Array;
  readonly scores: Float64Array;
  /** Candidates ranked (the period's papers minus the reader's known ones). */
  readonly ranked: number;
}

/** A reader's ranking of a space depends only on the trained reader and the space, so it is computed once. */
const rankings = new WeakMap<TrainedReader, Ranking>();

function lowerSet(values: readonly string[]): Set<string> {
  return new Set(values.map((v) => v.toLowerCase()));
}

function followedCategoriesOf(candidate: CandidateFacts, followed: ReadonlySet<string>): string[] {
  return candidate.categories.filter((c) => {
    const lower = c.toLowerCase();
    return followed.has(lower) || followed.has(lower.split('.')[0]!);
  });
}

/** The candidate positions of these paper ids, as lists for `marked` (ids outside the period give none). */
function positionsOf(byId: ReadonlyMap<string, number>, ids: Iterable<string>): (readonly number[] | undefined)[] {
  return Array.from(ids, (id) => {
    const position = byId.get(id);
    return position === undefined ? undefined : [position];
  });
}

/** Marks the candidates listed under any of `keys` (each candidate once). */
function marked(size: number, lists: Iterable<readonly number[] | undefined>): Uint8Array {
  const marks = new Uint8Array(size);
  for (const list of lists) if (list) for (const position of list) marks[position] = 1;
  return marks;
}

/**
 * The `count` best candidates by score, then trending score, then id — what a full sort would put first, found in
 * one pass: most candidates lose to the current last of the list at the first comparison.
 */
export function bestCandidates(candidates: readonly CandidateFacts[], scores: Float64Array, skip: Uint8Array, count: number): Int32Array {
  const before = (a: number, b: number): boolean =>
    scores[a]! !== scores[b]!
      ? scores[a]! > scores[b]!
      : candidates[a]!.trendingScore !== candidates[b]!.trendingScore
        ? candidates[a]!.trendingScore > candidates[b]!.trendingScore
        : candidates[a]!.id < candidates[b]!.id;
  const best: number[] = [];
  // The score of the last of a full list: a lower score cannot get in, and most candidates are told so by one read.
  let floor = -Infinity;
  for (let i = 0; i < candidates.length; i++) {
    if (skip[i] || scores[i]! < floor) continue;
    if (best.length === count && !before(i, best[count - 1]!)) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(best[mid]!, i)) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, i);
    if (best.length > count) best.pop();
    if (best.length === count) floor = scores[best[count - 1]!]!;
  }
  return Int32Array.from(best);
}

async function rank(space: PeriodSpace, reader: TrainedReader, walker: ProfileWalker | undefined): Promise<Ranking> {
  const cached = rankings.get(reader);
  if (cached) return cached;
  const { candidates, lookup } = space;
  let scores: Float64Array = new Float64Array(candidates.length);
  if (reader.model) {
    scores = walker ? await scoreIndexedWith(reader.model, space.index, walker) : scoreIndexed(reader.model, space.index);
  }
  const boost = (lists: Iterable<readonly number[] | undefined>, amount: number) => {
    const marks = marked(candidates.length, lists);
    for (let i = 0; i < marks.length; i++) if (marks[i]) scores[i]! += amount;
  };
  if (reader.signals.followedAuthors.length > 0) {
    boost(
      [...lowerSet(reader.signals.followedAuthors)].map((a) => lookup.byAuthor.get(a)),
      FOLLOW_BOOST.author,
    );
  }
  if (reader.queryMatches.size > 0) {
    boost(positionsOf(lookup.byId, reader.queryMatches.keys()), FOLLOW_BOOST.query);
  }
  if (reader.signals.followedCategories.length > 0) {
    boost(
      [...lowerSet(reader.signals.followedCategories)].map((c) => lookup.byCategory.get(c)),
      FOLLOW_BOOST.category,
    );
  }
  const known = marked(candidates.length, positionsOf(lookup.byId, reader.excluded));
  let knownCount = 0;
  for (let i = 0; i < known.length; i++) knownCount += known[i]!;
  const ranked = candidates.length - knownCount;
  // Ties (no model, or a model blind to both papers) go to the more trending paper, then to the id.
  const ranking = { order: bestCandidates(candidates, scores, known, MAX_RECOMMENDATIONS), scores, ranked };
  rankings.set(reader, ranking);
  return ranking;
}

/** A reader's follows, lower-cased once for all the papers explained to them. */
interface LoweredFollows {
  readonly authors: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
}

function reasonFor(
  space: PeriodSpace,
  reader: TrainedReader,
  follows: LoweredFollows,
  candidate: CandidateFacts,
  text: PaperText,
  personalised: boolean,
): ForYouReason {
  const authors = candidate.authors.filter((a) => follows.authors.has(a.toLowerCase()));
  const categories = followedCategoriesOf(candidate, follows.categories);
  const searches = reader.queryMatches.get(candidate.id) ?? [];
  let closeTo: ForYouReason['closeTo'] = null;
  let words: string[] = [];
  const vector = space.tfidf.vectors.get(candidate.id);
  if (reader.model && vector) {
    const explained = closestPositive(reader.model, vector);
    const profile = explained.closestTo ? reader.profile.get(explained.closestTo) : undefined;
    if (explained.closestTo && profile && explained.closeness > 0) {
      closeTo = { paperId: explained.closestTo, title: profile.title, source: profile.source, closeness: explained.closeness };
    }
    words = space.tfidf.weightiestTerms(`${text.title}\n${text.abstract}`, reader.model.explainWeights, 3, candidate.id);
  }
  const parts = { closeTo, words, authors, categories, searches: [...searches], popular: !personalised };
  return { text: reasonText(parts), ...parts };
}

/** What a reason reads of a paper, and whether it may still be shown. */
interface PaperText {
  readonly title: string;
  readonly abstract: string;
  readonly hidden: boolean;
}

interface Ranked<P> {
  readonly items: readonly { readonly paper: P; readonly id: string; readonly score: number; readonly reason: ForYouReason }[];
  readonly candidates: number;
  readonly personalised: boolean;
}

/** The reader's best papers of the period with scores and reasons; `load` reads what the caller shows of them. */
async function ranked<P>(
  deps: ForYouDeps,
  actor: Actor,
  input: RecommendationsInput,
  load: (ids: readonly string[]) => Promise<ReadonlyMap<string, P>>,
  textOf: (paper: P) => PaperText,
  signals?: ReaderSignals,
): Promise<Ranked<P>> {
  if (actor.banned) throw new Refused('forbidden', 'Your account is banned.');
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_RECOMMENDATIONS) {
    throw new Refused('invalid', `limit must be from 1 to ${MAX_RECOMMENDATIONS}.`);
  }
  const space = await deps.forYou.spaces.get({ from: input.period.from, to: input.period.to });
  const reader = await deps.forYou.models.get(actor.id, space, signals);
  const personalised = hasSignals(reader.signals);
  const ranking = await rank(space, reader, deps.profileWalker);
  const top = Array.from(ranking.order.subarray(0, input.limit));
  const papers = await load(top.map((i) => space.candidates[i]!.id));
  const items: { paper: P; id: string; score: number; reason: ForYouReason }[] = [];
  const follows = { authors: lowerSet(reader.signals.followedAuthors), categories: lowerSet(reader.signals.followedCategories) };
  for (const i of top) {
    const candidate = space.candidates[i]!;
    const paper = papers.get(candidate.id);
    // Hidden since the space was built: left out until the next rebuild drops it.
    if (paper === undefined || textOf(paper).hidden) continue;
    const reason = reasonFor(space, reader, follows, candidate, textOf(paper), personalised);
    items.push({ paper, id: candidate.id, score: ranking.scores[i]!, reason });
  }
  return { items, candidates: ranking.ranked, personalised };
}

/**
 * For you: the papers of one period — every visible paper published or featured in it — ranked for one reader, best
 * first, each with its reason. Known papers (saved, rated, upvoted, written by the reader) are left out. A reader
 * without any signal gets the period's most trending papers (`personalised: false`). Callable from a request or a
 * batch job (digests) alike; the period's features and the reader's model are cached by the engine.
 */
export async function recommendationsFor(deps: ForYouDeps, actor: Actor, input: RecommendationsInput): Promise<Recommendations> {
  const result = await ranked(
    deps,
    actor,
    input,
    (ids) => getListedPapers(deps.store.db, ids),
    (listed) => listed.paper,
  );
  return {
    period: input.period,
    items: result.items.map(({ paper, score, reason }) => ({ listed: paper, score, reason })),
    candidates: result.candidates,
    personalised: result.personalised,
  };
}

/**
 * The same ranking and reasons as `recommendationsFor`, as paper ids: what a digest keeps. It reads only the titles
 * and abstracts the reasons need, not the listings a page shows; `signals`, when given, are the reader's current ones
 * (a batch job read them for many readers at once).
 */
export async function recommendedPapersFor(
  deps: ForYouDeps,
  actor: Actor,
  input: RecommendationsInput,
  signals?: ReaderSignals,
): Promise<{ readonly id: string; readonly reason: ForYouReason }[]> {
  const result = await ranked(
    deps,
    actor,
    input,
    (ids) => paperTexts(deps.store.db, ids),
    (text) => text,
    signals,
  );
  return result.items.map(({ id, reason }) => ({ id, reason }));
}
