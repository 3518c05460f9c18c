// Worker thread entry: reads, decompresses and parses arXiv snapshot files off the main thread, so parsing overlaps
// with the synchronous database writes there. Items travel in batches under a credit window; the thread stays
// alive between files (so its compiled code stays warm) and parses one file at a time.
import { parentPort } from 'node:worker_threads';
import { isBlank, snapshotItem } from './arxiv-snapshot.js';
import { INPUT_LIMITS } from './input-limits.js';
import { openBoundedLineFile } from './line-reader.js';
import type { ParseJob, ParseWorkerMessage, ParseWorkerRequest } from './parse-worker-protocol.js';
import type { SourceItem } from './source.js';

const port = parentPort;
if (!port) throw new Error('snapshot-parse-worker must run in a worker thread');

let credits = 0;
let wake: (() => void) | null = null;

async function post(message: ParseWorkerMessage): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  if (message.type === 'items') credits -= 1;
  port!.postMessage(message);
}

async function parse(job: ParseJob): Promise<void> {
  credits = job.window;
  const reader = openBoundedLineFile(job.file, INPUT_LIMITS.snapshotLineBytes);
  let batch: SourceItem[] = [];
  let position = 0;
  for await (const line of reader.lines()) {
    if (isBlank(line)) continue;
    position += 1;
    batch.push(snapshotItem(line, position, job.label));
    if (batch.length >= job.batchSize) {
      const items = batch;
      batch = [];
      await post({ type: 'items', items, bytesRead: reader.bytesRead() });
    }
  }
  if (batch.length > 0) await post({ type: 'items', items: batch, bytesRead: reader.bytesRead() });
  await post({ type: 'end', bytesRead: reader.bytesRead() });
}

port.on('message', (request: ParseWorkerRequest) => {
  if (request.type === 'more') {
    credits += 1;
    wake?.();
    wake = null;
    return;
  }
  // A failure surfaces as the worker's 'error' event in the reader, which then discards this thread.
  parse(request.job).catch((error: unknown) => {
    throw error;
  });
});
