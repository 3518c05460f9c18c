// Worker thread entry: trains the builtin model, so the main thread keeps answering requests meanwhile.
import { parentPort } from 'node:worker_threads';
import { trainBuiltin } from './builtin-model-training.js';
import type { EmbeddableDocument } from './embedder.js';
import type { LsaTrainReply, LsaTrainRequest } from './lsa-train-protocol.js';

const port = parentPort;
if (!port) throw new Error('lsa-train-worker must run in a worker thread');

const documents: EmbeddableDocument[] = [];

port.on('message', (request: LsaTrainRequest) => {
  if (request.type === 'documents') {
    for (const document of request.documents) documents.push(document);
    return;
  }
  const progress = (line: string) => {
    const reply: LsaTrainReply = { progress: line };
    port.postMessage(reply);
  };
  trainBuiltin(documents, request.options, progress).then(
    (model) => {
      const reply: LsaTrainReply = { model };
      // The model's arrays are moved, not copied, to the main thread.
      port.postMessage(reply, [model.idf.buffer as ArrayBuffer, model.projection.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: LsaTrainReply = { error: error instanceof Error ? error.message : String(error) };
      port.postMessage(reply);
    },
  );
});
