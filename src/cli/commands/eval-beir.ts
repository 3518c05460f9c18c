import { BeirFormatError, evaluate, openBeirSession, readBeirQueries } from '../../search/eval/beir.js';
import type { ClassScores, QueryClasses } from '../../search/eval/query-classes.js';
import type { FusionMethod } from '../../search/fusion.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';
import { datasetArguments } from './dataset-args.js';
import { parseMode } from './search-support.js';

/**
 * `rrf:<k>:<semantic weight>`, `convex:<semantic weight>` or `feedback:<seeds>:<feedback weight>:<semantic weight>[:<margin
 * discount>]`, for fusion experiments; without --fusion the embedder's own settings apply.
 */
function parseFusion(value: string | undefined): FusionMethod | undefined {
  if (value === undefined) return undefined;
  const rrf = /^rrf:(\d+(?:\.\d+)?):(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(value);
  if (rrf) return { kind: 'rrf', k: Number(rrf[1]), semanticWeight: Number(rrf[2]) };
  const convex = /^convex:(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(value);
  if (convex) return { kind: 'convex', semanticWeight: Number(convex[1]) };
  const feedback = /^feedback:(\d{1,2}):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(value);
  if (feedback) {
    const [seeds, feedbackWeight, semanticWeight, marginDiscount] = feedback.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    return { kind: 'feedback', seeds: seeds!, feedbackWeight: feedbackWeight!, semanticWeight: semanticWeight!, marginDiscount };
  }
  throw new UsageError(`--fusion must look like feedback:2:0.5:0, rrf:60:0.4 or convex:0.3 (got "${value}")`);
}

/** nDCG@10 and MRR@10 of each class of query, one line each. */
function classLines(classes: QueryClasses | undefined): string[] {
  if (!classes) return [];
  const line = (name: string, scores: ClassScores) =>
    `${name.padEnd(13)}nDCG@10 ${scores['ndcg@10'].toFixed(4)}, MRR@10 ${scores['mrr@10'].toFixed(4)} (${scores.queries} queries)`;
  return [
    line(`≤ ${classes.medianWords} words:`, classes.short),
    line(`> ${classes.medianWords} words:`, classes.long),
    line('rare words:', classes.rareTerm),
    line('common words:', classes.commonTerm),
  ];
}

/** `--database postgres://…` evaluates in a temporary schema of that database; without it, in a temporary SQLite file. */
function parseEvalDatabase(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/^postgres(ql)?:\/\//.test(value) || !URL.canParse(value))
    throw new UsageError(`--database must be a postgres:// URL (got "${value.replace(/:[^:@/]*@/, ':***@')}")`);
  return value;
}

export const evalBeirCommand: Command = {
  name: 'eval beir',
  summary: 'Index a BEIR dataset into a temporary database and report nDCG@10, MRR@10, Recall@100 and latency',
  usage:
    'paperboy eval beir <dir> [--split train|test|dev] [--mode lexical|semantic|hybrid] [--fusion feedback:2:0.5:0|rrf:60:0.4|convex:0.3] [--database postgres://…] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      split: { type: 'string' },
      mode: { type: 'string' },
      fusion: { type: 'string' },
      database: { type: 'string' },
      json: { type: 'boolean' },
    });
    const { directory, split } = datasetArguments(positionals, values.split);
    const mode = parseMode(values.mode) ?? 'hybrid';
    const fusion = parseFusion(values.fusion);
    const database = parseEvalDatabase(values.database);
    try {
      const dataset = await readBeirQueries(directory, split);
      if (dataset.queries.length === 0) {
        ctx.io.err(`No queries of ${directory}/queries.jsonl have judgements in qrels/${split}.tsv.`);
        return ExitCode.failure;
      }
      ctx.io.err(`indexing ${directory} …`);
      const session = await openBeirSession(directory, {
        embedder: ctx.config.embedder,
        embedderKey: ctx.config.embedderKey,
        fusion,
        database,
      });
      try {
        ctx.io.err(
          `indexed ${session.documents} documents in ${session.indexSeconds.toFixed(1)} s; running ${dataset.queries.length} queries (${mode})`,
        );
        const report = await evaluate(session.service, dataset, mode);
        if (values.json) {
          ctx.io.out(JSON.stringify(report));
        } else {
          ctx.io.out(
            [
              `mode:        ${mode}`,
              `queries:     ${report.queries}`,
              `nDCG@10:     ${report['ndcg@10'].toFixed(4)}`,
              `MRR@10:      ${report['mrr@10'].toFixed(4)}`,
              `Recall@100:  ${report['recall@100'].toFixed(4)}`,
              `latency:     mean ${report.latency_ms.mean.toFixed(2)} ms, p95 ${report.latency_ms.p95.toFixed(2)} ms`,
              ...classLines(report.classes),
            ].join('\n'),
          );
        }
        return ExitCode.ok;
      } finally {
        await session.close();
      }
    } catch (error) {
      if (error instanceof BeirFormatError) {
        ctx.io.err(error.message);
        return ExitCode.failure;
      }
      throw error;
    }
  },
};
