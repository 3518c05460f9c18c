import { parentPort } from 'node:worker_threads';
import { rankSegments, TopK, type RankingView } from './postings-ranking.js';
import type { LaneAnswer, LaneRequest } from './ranking-lanes.js';

/** A ranking lane's thread (ranking-lanes.ts): ranks the segments it is asked for with scores of its own. */
let view: RankingView | null = null;
let scores = new Float64Array(0);

parentPort!.on('message', (message: LaneRequest) => {
  if (message.kind === 'view') {
    view = message.view;
    return;
  }
  const { id, from, to, request } = message;
  const segments = view!.segments.slice(from, to);
  const last = segments[segments.length - 1];
  const needed = last ? last.firstDoc + last.docCount : 0;
  if (scores.length < needed) scores = new Float64Array(needed);
  const best = new TopK(request.limit);
  rankSegments(view!.columns, segments, request, scores, best);
  parentPort!.postMessage({ id, best: best.sorted() } satisfies LaneAnswer);
});
