import type { SourceItem } from './source.js';

/** One file for the snapshot parse worker to read. */
export interface ParseJob {
  readonly file: string;
  readonly label: string;
  /** Items per message: large enough to amortise messaging, small enough to keep the pipeline moving. */
  readonly batchSize: number;
  /** Messages the worker may have in flight before it waits for the reader to catch up (bounds memory). */
  readonly window: number;
}

/** Reader → worker: start a job (one at a time), or one credit for another `items` message. */
export type ParseWorkerRequest = { readonly type: 'parse'; readonly job: ParseJob } | { readonly type: 'more' };

/** Worker → reader, for the current job. */
export type ParseWorkerMessage =
  | { readonly type: 'items'; readonly items: SourceItem[]; readonly bytesRead: number }
  | { readonly type: 'end'; readonly bytesRead: number };
