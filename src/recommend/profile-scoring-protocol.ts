import type { CandidateIndex, ProfileSum } from './candidate-index.js';
import type { SparseVector } from './tfidf.js';

/**
 * A profile walk for the scoring thread. The index's arrays are shared memory, so sending them copies nothing; still,
 * one period's readers all walk the same index, so it is sent only when it is not the one the thread holds already.
 */
export interface ProfileScoringRequest {
  readonly job: number;
  /** The index to walk from now on; null to walk the one sent before. */
  readonly index: CandidateIndex | null;
  readonly positives: readonly SparseVector[];
  readonly k: number;
  readonly sum: ProfileSum | null;
}

export type ProfileScoringReply =
  | { readonly job: number; readonly nearest: Float64Array | null; readonly sum: Float64Array | null }
  | { readonly job: number; readonly error: string };
