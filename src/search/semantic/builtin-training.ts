import type { Store } from '../../db/database.js';
import { countPapers } from '../../papers/papers.repository.js';
import { BuiltinEmbedder } from '../embedders/builtin-embedder.js';
import type { Embedder } from '../embedders/embedder.js';
import { DEFAULT_CONTRASTIVE, type ContrastiveOptions } from '../embedders/contrastive-tuning.js';
import { isTunedLsaModelId, lsaModelId, serializeLsa } from '../embedders/lsa-model.js';
import { trainLsaOffThread } from '../embedders/lsa-train-thread.js';
import { removeCheckpoint } from '../embedders/training-checkpoint.js';
import { activateModel } from '../search-models.repository.js';

export const DEFAULT_MAX_TRAINING = 60_000;
/** The builtin model is retrained once the corpus has grown to this multiple of what it was trained on. */
const RETRAIN_GROWTH = 2;

export interface TrainingOptions {
  /** The builtin model trains on at most this many papers (a stride sample of larger corpora). */
  readonly maxTrainingPapers?: number;
  readonly dimensions?: number;
  /** Contrastive tuning of the LSA starting point (default DEFAULT_CONTRASTIVE); null trains plain LSA. */
  readonly contrastive?: ContrastiveOptions | null;
  /** Where an interrupted training keeps its checkpoint; null keeps none. */
  readonly checkpointFile?: string | null;
  /** Stops the training (TrainingAbortedError); a checkpointed one resumes next time. */
  readonly signal?: AbortSignal;
}

function contrastiveOf(options: TrainingOptions): ContrastiveOptions | null {
  return options.contrastive === undefined ? DEFAULT_CONTRASTIVE : options.contrastive;
}

/**
 * True when there is no builtin model yet, the one there is was trained another way (an older method: its vectors
 * are replaced), or the corpus has outgrown it.
 */
export function builtinNeedsTraining(current: Embedder | null, papers: number, options: TrainingOptions): boolean {
  if (papers === 0) return false;
  if (!(current instanceof BuiltinEmbedder)) return true;
  if (isTunedLsaModelId(current.id) !== (contrastiveOf(options) !== null)) return true;
  const trainedOn = current.model.trainedOn;
  return trainedOn < (options.maxTrainingPapers ?? DEFAULT_MAX_TRAINING) && papers >= trainedOn * RETRAIN_GROWTH;
}

async function trainingSample(store: Store, cap: number): Promise<{ sample: { title: string; abstract: string }[]; corpus: number }> {
  const total = await countPapers(store.db);
  const stride = Math.max(1, Math.ceil(total / cap));
  // Every stride-th id from a walk over the ids alone, then only those papers' text: a large corpus is not read whole.
  const chosen: string[] = [];
  let seen = 0;
  for (let after = ''; ;) {
    const ids = await store.db.selectFrom('papers').select('id').where('id', '>', after).orderBy('id').limit(50_000).execute();
    if (ids.length === 0) break;
    for (const row of ids) if (seen++ % stride === 0) chosen.push(row.id);
    after = ids[ids.length - 1]!.id;
  }
  const sample: { title: string; abstract: string }[] = [];
  for (let i = 0; i < chosen.length; i += 1_000) {
    const rows = await store.db
      .selectFrom('papers')
      .select(['title', 'abstract'])
      .where('id', 'in', chosen.slice(i, i + 1_000))
      .orderBy('id')
      .execute();
    sample.push(...rows);
  }
  return { sample, corpus: total };
}

/**
 * Trains the builtin model on a sample of the papers and stores it as the active one (other processes follow it).
 * Null when there are no papers and `force` is not set.
 */
export async function trainBuiltinModel(
  store: Store,
  options: TrainingOptions & { readonly now: string; readonly force: boolean },
  progress: (line: string) => void,
): Promise<BuiltinEmbedder | null> {
  const { sample, corpus } = await trainingSample(store, options.maxTrainingPapers ?? DEFAULT_MAX_TRAINING);
  progress(`training the builtin model on ${sample.length} of ${corpus} papers`);
  if (sample.length === 0 && !options.force) return null;
  // trainedOn records the corpus size, not the sample size, so a capped sample does not look like a small corpus.
  // Training is seconds to minutes of computation: a worker thread does it while the server keeps answering.
  const contrastive = contrastiveOf(options);
  const checkpointFile = options.checkpointFile ?? null;
  const trained = await trainLsaOffThread(
    sample,
    { dimensions: options.dimensions, contrastive, checkpointFile },
    progress,
    options.signal,
  );
  const model = { ...trained, trainedOn: corpus };
  const data = serializeLsa(model);
  const id = lsaModelId(data, contrastive !== null);
  await activateModel(store.db, 'builtin', { id, trainedOn: model.trainedOn, data }, options.now);
  // The model is stored: a later training starts afresh.
  if (checkpointFile) removeCheckpoint(checkpointFile);
  return new BuiltinEmbedder(id, model);
}
