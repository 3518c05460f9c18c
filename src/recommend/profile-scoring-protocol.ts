import type { CandidateIndex, ProfileSum } from './candidate-index.js';
import type { SparseVector } from './tfidf.js';

/** A profile walk for the scoring thread; the index's arrays are shared memory, so sending them copies nothing. */
export interface ProfileScoringRequest {
  readonly job: number;
  readonly index: CandidateIndex;
  readonly positives: readonly SparseVector[];
  readonly k: number;
  readonly sum: ProfileSum | null;
}

export type ProfileScoringReply =
  | { readonly job: number; readonly nearest: Float64Array | null; readonly sum: Float64Array | null }
  | { readonly job: number; readonly error: string };
