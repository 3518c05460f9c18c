import { performance } from 'node:perf_hooks';
import { mean, ndcgAt, percentile, recallAt } from '../../search/eval/metrics.js';
import { rankInSpaces, type RankOptions, type WeightedSpace } from '../rank.js';
import type { RecommendationDataset } from './dataset.js';
import { pairwiseLoss } from './pairwise-loss.js';

export interface RecommendationReport {
  'ndcg@10': number;
  'recall@100': number;
  /** Mean over the users whose judged documents differ in grade; null when there are none. */
  pairwise_loss: number | null;
  users: number;
  latency_ms: { mean: number; p95: number };
}

/** Ranks (in one representation, or a weighted fusion of several) the corpus minus each profile's positives, as the For-you feed would, and scores it against the judgements. */
export function evaluateRecommendations(
  dataset: RecommendationDataset,
  spaces: readonly WeightedSpace[],
  options: RankOptions = {},
  onProgress?: (done: number, total: number) => void,
): RecommendationReport {
  const ndcg: number[] = [];
  const recall: number[] = [];
  const losses: number[] = [];
  const latencies: number[] = [];
  const allIds = dataset.corpus.map((d) => d.id);
  dataset.profiles.forEach((profile, i) => {
    const judgements = dataset.qrels.get(profile.user)!;
    const own = new Set(profile.positives);
    const candidates = allIds.filter((id) => !own.has(id));
    const started = performance.now();
    const ranked = rankInSpaces(spaces, profile, candidates, options);
    latencies.push(performance.now() - started);
    const ids = ranked.map((r) => r.id);
    ndcg.push(ndcgAt(ids, judgements, 10));
    recall.push(recallAt(ids, judgements, 100));
    const judgedScores = new Map(ranked.filter((r) => judgements.has(r.id)).map((r) => [r.id, r.score]));
    const loss = pairwiseLoss(judgedScores, judgements);
    if (loss !== null) losses.push(loss);
    onProgress?.(i + 1, dataset.profiles.length);
  });
  return {
    'ndcg@10': mean(ndcg),
    'recall@100': mean(recall),
    pairwise_loss: losses.length === 0 ? null : mean(losses),
    users: dataset.profiles.length,
    latency_ms: { mean: mean(latencies), p95: percentile(latencies, 95) },
  };
}
