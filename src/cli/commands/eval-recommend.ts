import { performance } from 'node:perf_hooks';
import { readRecommendationDataset, RecommendationDatasetError } from '../../recommend/eval/dataset.js';
import { evaluateRecommendations } from '../../recommend/eval/evaluate.js';
import { builtinEmbeddingSpace } from '../../recommend/eval/embedding-space.js';
import { DEFAULT_RANKING_METHOD, RANKING_METHODS, type RankingMethod, type WeightedSpace } from '../../recommend/rank.js';
import { buildHashedTfidf, DEFAULT_MAX_DOCUMENT_FRACTION } from '../../recommend/hashed-tfidf.js';
import { buildTfidf } from '../../recommend/tfidf.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';
import { datasetArguments } from './dataset-args.js';

function seconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(1);
}

function parseMethod(value: string | undefined): RankingMethod {
  if (value === undefined) return DEFAULT_RANKING_METHOD;
  const method = RANKING_METHODS.find((m) => m === value);
  if (!method) throw new UsageError(`--method must be one of ${RANKING_METHODS.join(', ')} (got "${value}")`);
  return method;
}

const FEATURES = ['tfidf', 'hashed-tfidf', 'embedding', 'tfidf+embedding', 'hashed-tfidf+embedding'] as const;
type Features = (typeof FEATURES)[number];

function parseFeatures(value: string | undefined): Features {
  if (value === undefined) return 'tfidf';
  const features = FEATURES.find((f) => f === value);
  if (!features) throw new UsageError(`--features must be one of ${FEATURES.join(', ')} (got "${value}")`);
  return features;
}

function parseWeight(value: string | undefined): number {
  if (value === undefined) return 1;
  const weight = Number(value);
  if (!Number.isFinite(weight) || weight < 0 || weight > 100)
    throw new UsageError(`--embedding-weight must be a number from 0 to 100 (got "${value}")`);
  return weight;
}

function parseFraction(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_DOCUMENT_FRACTION;
  const fraction = Number(value);
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1)
    throw new UsageError(`--max-df must be a number above 0 and at most 1 (got "${value}")`);
  return fraction;
}

export const evalRecommendCommand: Command = {
  name: 'eval recommend',
  summary: 'Rank a corpus for each profile of a dataset and report nDCG@10, Recall@100, pairwise loss and latency',
  usage: `paperboy eval recommend <dir> [--split test] [--method ${RANKING_METHODS.join('|')}] [--features ${FEATURES.join('|')}] [--embedding-weight 1] [--max-df ${DEFAULT_MAX_DOCUMENT_FRACTION}] [--json]`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      split: { type: 'string' },
      method: { type: 'string' },
      features: { type: 'string' },
      'embedding-weight': { type: 'string' },
      'max-df': { type: 'string' },
      json: { type: 'boolean' },
    });
    const { directory, split } = datasetArguments(positionals, values.split);
    const method = parseMethod(values.method);
    const features = parseFeatures(values.features);
    const embeddingWeight = parseWeight(values['embedding-weight']);
    const maxDocumentFraction = parseFraction(values['max-df']);
    try {
      ctx.io.err(`reading ${directory} …`);
      const dataset = await readRecommendationDataset(directory, split);
      if (dataset.profiles.length === 0) {
        ctx.io.err(`No profile of ${directory}/profiles.jsonl has judgements in qrels/${split}.tsv.`);
        return ExitCode.failure;
      }
      const spaces: WeightedSpace[] = [];
      if (features.startsWith('tfidf')) {
        const started = performance.now();
        const model = buildTfidf(dataset.corpus);
        spaces.push({ space: model, weight: 1 });
        ctx.io.err(`TF-IDF over ${dataset.corpus.length} documents (${model.terms.length} terms) in ${seconds(started)} s`);
      }
      if (features.startsWith('hashed-tfidf')) {
        const started = performance.now();
        spaces.push({ space: buildHashedTfidf(dataset.corpus, { maxDocumentFraction }), weight: 1 });
        ctx.io.err(`hashed TF-IDF over ${dataset.corpus.length} documents in ${seconds(started)} s`);
      }
      if (features.includes('embedding')) {
        const started = performance.now();
        spaces.push({ space: await builtinEmbeddingSpace(dataset.corpus), weight: embeddingWeight });
        ctx.io.err(`builtin embeddings of ${dataset.corpus.length} documents in ${seconds(started)} s`);
      }
      ctx.io.err(`ranking for ${dataset.profiles.length} profiles (${method}, ${features})`);
      const report = evaluateRecommendations(dataset, spaces, { method, explain: 0 }, (done, total) => {
        if (done % 50 === 0 && done < total) ctx.io.err(`${done}/${total} profiles`);
      });
      if (values.json) {
        ctx.io.out(JSON.stringify(report));
      } else {
        ctx.io.out(
          [
            `method:         ${method}`,
            `features:       ${features}${features.includes('+') ? ` (embedding weight ${embeddingWeight})` : ''}`,
            `users:          ${report.users}`,
            `nDCG@10:        ${report['ndcg@10'].toFixed(4)}`,
            `Recall@100:     ${report['recall@100'].toFixed(4)}`,
            `pairwise loss:  ${report.pairwise_loss === null ? 'n/a (no graded pairs)' : report.pairwise_loss.toFixed(4)}`,
            `latency:        mean ${report.latency_ms.mean.toFixed(2)} ms, p95 ${report.latency_ms.p95.toFixed(2)} ms per user`,
          ].join('\n'),
        );
      }
      return ExitCode.ok;
    } catch (error) {
      if (error instanceof RecommendationDatasetError) {
        ctx.io.err(error.message);
        return ExitCode.failure;
      }
      throw error;
    }
  },
};
