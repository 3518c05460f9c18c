// Worker thread entry: folds batches of papers into the builtin model's space, off the main thread.
import { parentPort } from 'node:worker_threads';
import { LsaFolder, type LsaModel } from './lsa-model.js';
import type { LsaWorkerReply, LsaWorkerRequest } from './lsa-embed-protocol.js';

const port = parentPort;
if (!port) throw new Error('lsa-embed-worker must run in a worker thread');

let folder: LsaFolder | null = null;

port.on('message', (request: LsaWorkerRequest) => {
  if (request.type === 'model') {
    const model: LsaModel = { ...request.model };
    folder = new LsaFolder(model);
    return;
  }
  let reply: LsaWorkerReply;
  if (!folder) {
    reply = { job: request.job, error: 'no model loaded' };
    port.postMessage(reply);
    return;
  }
  const dimensions = folder.model.dimensions;
  const vectors = new Float32Array(request.documents.length * dimensions);
  request.documents.forEach((doc, i) => vectors.set(folder!.document(doc), i * dimensions));
  reply = { job: request.job, vectors };
  port.postMessage(reply, [vectors.buffer]);
});
