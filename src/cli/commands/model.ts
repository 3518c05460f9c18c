import path from 'node:path';
import { paperboyUserAgent } from '../../ingest/polite-http.js';
import { fetchModel, ModelFetchError, parseRepoId, type PoolingChoice } from '../../search/model-fetch/fetch-model.js';
import { HubClient, HubError } from '../../search/model-fetch/hub-client.js';
import { ModelFilesError, ONNX_VARIANTS, type OnnxVariant } from '../../search/model-fetch/model-files.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';

function parseVariant(value: string | undefined): OnnxVariant {
  if (value === undefined) return 'fp32';
  const variant = ONNX_VARIANTS.find((name) => name === value);
  if (variant === undefined) throw new UsageError(`--variant must be one of ${ONNX_VARIANTS.join(', ')} (got "${value}")`);
  return variant;
}

/** Quotes a path for a POSIX shell when it holds anything but plain path characters. */
function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function parsePooling(value: string | undefined): PoolingChoice | null {
  if (value === undefined) return null;
  if (value !== 'cls' && value !== 'mean') throw new UsageError(`--pooling must be cls or mean (got "${value}")`);
  return value;
}

export const modelFetchCommand: Command = {
  name: 'model fetch',
  summary: "Download a sentence-embedding model's ONNX weights and tokenizer from the Hugging Face hub for PAPERBOY_EMBEDDER=onnx:",
  usage: 'paperboy model fetch <owner/name> [--revision main] [--variant fp32|quantized|int8|uint8] [--pooling cls|mean] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      revision: { type: 'string' },
      variant: { type: 'string' },
      pooling: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('give one model repository, e.g. Xenova/bge-small-en-v1.5');
    const repo = parseRepoId(positionals[0]!);
    if (repo === null) throw new UsageError(`"${positionals[0]}" is not a model repository id like Xenova/bge-small-en-v1.5`);
    const revision = values.revision ?? 'main';
    if (!/^[\w./-]{1,200}$/.test(revision)) throw new UsageError(`--revision must be a branch, tag or commit (got "${revision}")`);
    const variant = parseVariant(values.variant);
    const pooling = parsePooling(values.pooling);
    const hubUrl = ctx.config.sources.hfUrl;
    const hub = new HubClient({
      baseUrl: hubUrl,
      token: ctx.config.hfToken,
      userAgent: paperboyUserAgent(ctx.config.publicUrl),
      onRetry: (notice) =>
        ctx.io.err(
          `${notice.what}: ${notice.reason}; retry ${notice.attempt} of ${notice.maxAttempts - 1} in ${(notice.delayMs / 1000).toFixed(1)} s`,
        ),
    });
    try {
      const result = await fetchModel(
        { hub, hubUrl, progress: ctx.io.err },
        { repo, revision, variant, pooling, modelsDir: path.join(ctx.config.dataDir, 'models') },
      );
      const { directory, manifest } = result;
      if (values.json) {
        ctx.io.out(JSON.stringify({ directory, embedder: `onnx:${directory}`, downloaded: result.downloaded, manifest }));
      } else {
        ctx.io.out(
          [
            `Fetched ${repo} (${variant}) at commit ${manifest.commit} into ${directory}.`,
            'Use it for search with:',
            `  export PAPERBOY_EMBEDDER=${shellWord(`onnx:${directory}`)}`,
            '  paperboy index rebuild',
          ].join('\n'),
        );
      }
      return ExitCode.ok;
    } catch (error) {
      if (error instanceof HubError || error instanceof ModelFetchError || error instanceof ModelFilesError) {
        ctx.io.err(error.message);
        return ExitCode.failure;
      }
      throw error;
    }
  },
};
