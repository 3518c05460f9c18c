import { performance } from 'node:perf_hooks';
import { readRecommendationDataset, RecommendationDatasetError } from '../../recommend/eval/dataset.js';
import { evaluateRecommendations } from '../../recommend/eval/evaluate.js';
import { DEFAULT_RANKING_METHOD, RANKING_METHODS, type RankingMethod } from '../../recommend/rank.js';
import { buildTfidf } from '../../recommend/tfidf.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';
import { datasetArguments } from './dataset-args.js';

function parseMethod(value: string | undefined): RankingMethod {
  if (value === undefined) return DEFAULT_RANKING_METHOD;
  const method = RANKING_METHODS.find((m) => m === value);
  if (!method) throw new UsageError(`--method must be one of ${RANKING_METHODS.join(', ')} (got "${value}")`);
  return method;
}

export const evalRecommendCommand: Command = {
  name: 'eval recommend',
  summary: 'Rank a corpus for each profile of a dataset and report nDCG@10, Recall@100, pairwise loss and latency',
  usage: `paperboy eval recommend <dir> [--split test] [--method ${RANKING_METHODS.join('|')}] [--json]`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      split: { type: 'string' },
      method: { type: 'string' },
      json: { type: 'boolean' },
    });
    const { directory, split } = datasetArguments(positionals, values.split);
    const method = parseMethod(values.method);
    try {
      ctx.io.err(`reading ${directory} …`);
      const dataset = await readRecommendationDataset(directory, split);
      if (dataset.profiles.length === 0) {
        ctx.io.err(`No profile of ${directory}/profiles.jsonl has judgements in qrels/${split}.tsv.`);
        return ExitCode.failure;
      }
      const started = performance.now();
      const model = buildTfidf(dataset.corpus);
      ctx.io.err(
        `TF-IDF over ${dataset.corpus.length} documents (${model.terms.length} terms) in ${((performance.now() - started) / 1000).toFixed(1)} s; ranking for ${dataset.profiles.length} profiles (${method})`,
      );
      const report = evaluateRecommendations(dataset, model, { method, explain: 0 }, (done, total) => {
        if (done % 50 === 0 && done < total) ctx.io.err(`${done}/${total} profiles`);
      });
      if (values.json) {
        ctx.io.out(JSON.stringify(report));
      } else {
        ctx.io.out(
          [
            `method:         ${method}`,
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
