import type { Actor } from '../community/community-deps.js';
import { Refused } from '../refused.js';
import { follow, type SignalsDeps } from '../signals/signals.service.js';
import type { ForYouEngine } from './foryou-engine.js';
import type { DayRange } from './candidates.repository.js';

/** Categories offered to a new reader when the period says little (an empty instance). */
const COMMON_CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL', 'cs.AI', 'cs.RO', 'stat.ML'];

/** At most this many categories are offered, and followed from one form. */
export const MAX_OFFERED_CATEGORIES = 16;

/** The categories most papers of the period are in, most common first, topped up with common ones. */
export async function suggestedCategories(engine: ForYouEngine, range: DayRange): Promise<string[]> {
  const space = await engine.spaces.get(range);
  const counts = new Map<string, number>();
  for (const candidate of space.candidates)
    for (const category of candidate.categories) counts.set(category, (counts.get(category) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([category]) => category);
  return [...new Set([...ranked, ...COMMON_CATEGORIES])].slice(0, MAX_OFFERED_CATEGORIES);
}

/** Follows several categories at once (the cold start's first step); each is one follow, announced as such. */
export async function followCategories(
  deps: SignalsDeps,
  actor: Actor,
  input: { readonly categories: readonly string[] },
): Promise<string[]> {
  if (input.categories.length === 0) throw new Refused('invalid', 'Pick at least one category.');
  if (input.categories.length > MAX_OFFERED_CATEGORIES)
    throw new Refused('invalid', `Pick at most ${MAX_OFFERED_CATEGORIES} categories at once.`);
  const followed: string[] = [];
  for (const category of input.categories) followed.push((await follow(deps, actor, { kind: 'category', value: category })).value);
  return followed;
}
