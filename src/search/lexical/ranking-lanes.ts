import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../worker-threads.js';
import { findTerm, rankSegments, TopK, type RankingRequest, type RankingView, type ScoredKey, type Segment } from './postings-ranking.js';

/** Postings a query must sum before its segments are shared out: below, handing work over costs more than it saves. */
const LANES_FROM_POSTINGS = 100_000;
/** Lanes beyond four gain little: the segments are few, and a server answers other requests meanwhile. */
const MAX_LANES = 4;

/**
 * What this thread tells a lane: the index's view when it changed (posted with every query, the segments' shared
 * arrays took a tenth of the time in a profile of API searches), then which of its segments to rank.
 */
export type LaneRequest =
  | { readonly kind: 'view'; readonly view: RankingView }
  | { readonly kind: 'rank'; readonly id: number; readonly from: number; readonly to: number; readonly request: RankingRequest };

/** A lane's answer: its share's best documents, best first. */
export interface LaneAnswer {
  readonly id: number;
  readonly best: readonly ScoredKey[];
}

interface Lane {
  readonly worker: Worker;
  /** The view this lane was last sent. */
  view: RankingView | null;
  /** Answers it owes: while there are any, its thread keeps the process alive. */
  owed: number;
}

interface Waiting {
  readonly resolve: (best: readonly ScoredKey[]) => void;
  readonly reject: (error: Error) => void;
}

/** One lane per core, at most MAX_LANES (with a single core, `rank` ranks on the calling thread). */
function defaultRankingLanes(): number {
  return Math.max(1, Math.min(os.availableParallelism(), MAX_LANES));
}

/** The query's postings in each segment: the work of ranking it there. */
function postingsPerSegment(segments: readonly Segment[], request: RankingRequest): number[] {
  return segments.map((segment) => {
    let postings = 0;
    for (const term of request.terms) {
      const at = findTerm(segment, term.termId);
      if (at >= 0) postings += segment.offsets[at + 1]! - segment.offsets[at]!;
    }
    return postings;
  });
}

/** Consecutive runs of segments, one per lane, each with about the same share of the work. */
export function shareOut(work: readonly number[], lanes: number): [number, number][] {
  const total = work.reduce((sum, w) => sum + w, 0);
  const shares: [number, number][] = [];
  let from = 0;
  let done = 0;
  for (let lane = 0; lane < lanes; lane++) {
    let to = from;
    const target = (total * (lane + 1)) / lanes;
    while (to < work.length && (lane === lanes - 1 || done + work[to]! / 2 < target)) done += work[to++]!;
    shares.push([from, to]);
    from = to;
  }
  return shares;
}

/**
 * Ranks a query's segments on worker threads, one share each, all reading the same segments in shared memory
 * (postings-ranking.ts); this thread only merges their answers, so it is free meanwhile for the other side of a hybrid
 * query. Every segment is ranked as the index alone would rank it, and merging each share's best keeps the same order
 * and ties, so a page is the same either way. The threads start at the first query worth sharing out; if one fails,
 * its share is ranked here and later queries stay on this thread.
 */
export class RankingLanes {
  private readonly lanes: Lane[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private failed = false;

  constructor(
    readonly count = defaultRankingLanes(),
    private readonly fromPostings = LANES_FROM_POSTINGS,
  ) {}

  /** Threads started so far (none until a query is worth sharing out). */
  get threads(): number {
    return this.lanes.length;
  }

  async rank(view: RankingView, request: RankingRequest, scores: Float64Array): Promise<ScoredKey[]> {
    const { columns, segments } = view;
    const best = new TopK(request.limit);
    const work = postingsPerSegment(segments, request);
    const total = work.reduce((sum, w) => sum + w, 0);
    if (this.count < 2 || this.failed || segments.length < 2 || total < this.fromPostings) {
      rankSegments(columns, segments, request, scores, best);
      return best.sorted();
    }
    const shares = shareOut(work, this.count).filter(([from, to]) => to > from);
    const answers = shares.map(([from, to], i) => this.ask(this.lane(i), view, from, to, request));
    for (const [i, answer] of answers.entries()) {
      let theirs: readonly ScoredKey[];
      try {
        theirs = await answer;
      } catch {
        this.failed = true;
        const fallback = new TopK(request.limit);
        rankSegments(columns, segments.slice(...shares[i]!), request, scores, fallback);
        theirs = fallback.sorted();
      }
      for (const { key, score } of theirs) best.offer(score, key);
    }
    return best.sorted();
  }

  /**
   * Stops the lanes' threads (idle ones do not keep a process alive, so a server need not); queries waiting on them
   * rank the rest of their segments here, and later ones run on this thread.
   */
  async close(): Promise<void> {
    this.failed = true;
    const workers = this.lanes.splice(0).map((lane) => lane.worker);
    for (const worker of workers) worker.removeAllListeners('exit');
    for (const waiting of this.waiting.values()) waiting.reject(new Error('the ranking lanes were closed'));
    this.waiting.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private ask(lane: Lane, view: RankingView, from: number, to: number, request: RankingRequest): Promise<readonly ScoredKey[]> {
    if (lane.view !== view) {
      lane.worker.postMessage({ kind: 'view', view } satisfies LaneRequest);
      lane.view = view;
    }
    const id = this.nextId++;
    const answer = new Promise<readonly ScoredKey[]>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    if (lane.owed++ === 0) lane.worker.ref();
    lane.worker.postMessage({ kind: 'rank', id, from, to, request } satisfies LaneRequest);
    const settled = answer.finally(() => {
      if (--lane.owed === 0) lane.worker.unref();
    });
    // `rank` awaits the answers one by one: a later one failing first is handled there, not reported as unhandled.
    settled.catch(() => undefined);
    return settled;
  }

  private lane(i: number): Lane {
    const existing = this.lanes[i];
    if (existing) return existing;
    const worker = startSiblingWorker(import.meta.url, 'ranking-lane-worker');
    worker.unref();
    worker.on('message', (answer: LaneAnswer) => {
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      waiting?.resolve(answer.best);
    });
    const fail = (error: Error) => {
      this.failed = true;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`a ranking lane stopped (exit code ${code})`)));
    const lane: Lane = { worker, view: null, owed: 0 };
    this.lanes[i] = lane;
    return lane;
  }
}
