import type { FeedRecord, PaperRecord } from '../papers/paper.js';

/** One record read from a source: a paper (optionally featured on a feed day), or a reason it was skipped. */
export type SourceItem =
  | { readonly kind: 'paper'; readonly paper: PaperRecord; readonly feed?: FeedRecord; readonly position: number }
  | { readonly kind: 'skip'; readonly reason: string; readonly where: string; readonly position: number };

/**
 * A named stream of records. `position` counts records from the start of the unit (a file, a harvest page),
 * so an interrupted import can resume after the last committed position.
 */
export interface SourceUnit {
  /** Stable key for checkpoints: the same input gives the same key. */
  readonly key: string;
  readonly label: string;
  /** Total size in bytes where known, for progress and ETA. */
  readonly totalBytes: number | null;
  bytesRead(): number;
  items(): AsyncIterable<SourceItem>;
}

export class MalformedRecord extends Error {}
