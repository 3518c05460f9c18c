import { setImmediate as nextTurn } from 'node:timers/promises';
import { startSiblingWorker } from '../../worker-threads.js';
import type { EmbeddableDocument } from './embedder.js';
import type { BuiltinTrainingOptions } from './builtin-model-training.js';
import type { LsaModel } from './lsa-model.js';
import type { LsaTrainReply, LsaTrainRequest } from './lsa-train-protocol.js';

/** Papers per message: copying one batch into the worker takes the main thread a few milliseconds at most. */
const BATCH = 1_000;

/** Training was stopped (the process is shutting down); a checkpointed training resumes at the next start. */
export class TrainingAbortedError extends Error {
  constructor() {
    super('training of the builtin model was stopped');
    this.name = 'TrainingAbortedError';
  }
}

/**
 * trainBuiltin on a worker thread of its own, which stops once the model is back: the same model, while the main
 * thread keeps serving requests (training takes seconds to minutes of computation). Progress lines arrive as the
 * worker reports them. Aborting `signal` terminates the worker at once (its last checkpoint stays on disk).
 */
export async function trainLsaOffThread(
  documents: readonly EmbeddableDocument[],
  options: BuiltinTrainingOptions = {},
  progress: (line: string) => void = () => undefined,
  signal?: AbortSignal,
): Promise<LsaModel> {
  if (signal?.aborted) throw new TrainingAbortedError();
  const worker = startSiblingWorker(import.meta.url, 'lsa-train-worker');
  try {
    const reply = new Promise<LsaModel>((resolve, reject) => {
      worker.on('message', (message: LsaTrainReply) => {
        if ('progress' in message) progress(message.progress);
        else if ('error' in message) reject(new Error(`training worker: ${message.error}`));
        else resolve(message.model);
      });
      worker.once('error', reject);
      worker.once('exit', (code: number) => reject(new Error(`the training worker stopped (exit code ${code})`)));
      signal?.addEventListener('abort', () => reject(new TrainingAbortedError()), { once: true });
    });
    // A failure while the papers are still being sent surfaces when the reply is awaited.
    reply.catch(() => undefined);
    for (let i = 0; i < documents.length && !signal?.aborted; i += BATCH) {
      // Only the text crosses the thread boundary.
      const batch = documents.slice(i, i + BATCH).map((d) => ({ title: d.title, abstract: d.abstract }));
      const request: LsaTrainRequest = { type: 'documents', documents: batch };
      worker.postMessage(request);
      await nextTurn();
    }
    const train: LsaTrainRequest = { type: 'train', options };
    if (!signal?.aborted) worker.postMessage(train);
    return await reply;
  } finally {
    await worker.terminate();
  }
}
