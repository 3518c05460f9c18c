import { createHash } from 'node:crypto';
import { DEFAULT_CONTRASTIVE, trainingPairs, tuneProjection, type ContrastiveOptions } from './contrastive-tuning.js';
import type { EmbeddableDocument } from './embedder.js';
import { cooperativeYield } from './linear-algebra.js';
import { trainLsa, type LsaModel, type LsaTrainingOptions } from './lsa-model.js';
import { loadCheckpoint, saveCheckpoint } from './training-checkpoint.js';

/**
 * The builtin model: LSA over the papers' TF-IDF matrix as the starting point, then contrastive tuning of its term
 * coordinates on pairs the papers give for free: title ↔ abstract, sentence ↔ the rest of the abstract
 * (contrastive-tuning.ts).
 */
export interface BuiltinTrainingOptions extends LsaTrainingOptions {
  /** null trains the plain LSA model. */
  readonly contrastive?: ContrastiveOptions | null;
  /** Where to keep a checkpoint after each stage, so an interrupted training resumes; null keeps none. */
  readonly checkpointFile?: string | null;
}

/** Names the training papers and options: a checkpoint is resumed only by the training it came from. */
export function trainingFingerprint(documents: readonly EmbeddableDocument[], options: BuiltinTrainingOptions): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({ dimensions: options.dimensions, maxVocabulary: options.maxVocabulary, powerIterations: options.powerIterations }),
  );
  hash.update(JSON.stringify(options.contrastive ?? null));
  for (const doc of documents) hash.update(`${doc.title}\u0000${doc.abstract}\u0000`);
  return hash.digest('hex');
}

/** Trains the builtin model in this thread (the worker thread runs this), reporting each stage on `progress`. */
export async function trainBuiltin(
  documents: readonly EmbeddableDocument[],
  options: BuiltinTrainingOptions = {},
  progress: (line: string) => void = () => undefined,
): Promise<LsaModel> {
  const contrastive = options.contrastive === undefined ? DEFAULT_CONTRASTIVE : options.contrastive;
  const file = options.checkpointFile ?? null;
  const fingerprint = file ? trainingFingerprint(documents, options) : '';
  const resumed = file ? loadCheckpoint(file, fingerprint) : null;
  let base: LsaModel;
  if (resumed) {
    base = resumed.base;
    progress(`resuming from a checkpoint (${resumed.tuning?.epochsDone ?? 0} tuning epochs done)`);
  } else {
    const started = performance.now();
    base = await trainLsa(documents, options);
    progress(`LSA starting point: ${base.terms.length} terms, ${base.dimensions} dimensions, ${seconds(started)} s`);
    if (file) saveCheckpoint(file, { fingerprint, base, tuning: null });
  }
  if (!contrastive || contrastive.epochs === 0) return base;
  const pairs = trainingPairs(base, documents, contrastive);
  if (pairs.length < contrastive.minPairs) {
    progress(`not tuned: ${pairs.length} training pairs, fewer than ${contrastive.minPairs}`);
    return base;
  }
  let epochStarted = performance.now();
  const tuned = await tuneProjection(base, pairs, contrastive, {
    pause: cooperativeYield(),
    resumeFrom: resumed?.tuning ?? undefined,
    onEpoch: (state, loss) => {
      if (file) saveCheckpoint(file, { fingerprint, base, tuning: state });
      progress(
        `tuning epoch ${state.epochsDone}/${contrastive.epochs} on ${pairs.length} pairs (title ↔ abstract, sentence ↔ rest): loss ${loss.toFixed(4)}, ${seconds(epochStarted)} s`,
      );
      epochStarted = performance.now();
    },
  });
  return tuned;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
