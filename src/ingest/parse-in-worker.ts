import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../worker-threads.js';
import type { ParseJob, ParseWorkerMessage, ParseWorkerRequest } from './parse-worker-protocol.js';
import type { SourceItem } from './source.js';

function startParseWorker(): Worker {
  return startSiblingWorker(import.meta.url, 'snapshot-parse-worker');
}

/**
 * One idle worker is kept (unreferenced, so it never holds the process open) for the next file: starting a thread
 * and warming up its compiled code costs more than parsing a small file.
 */
let idle: { worker: Worker; forget: () => void } | null = null;

function acquireWorker(): Worker {
  if (!idle) return startParseWorker();
  const { worker, forget } = idle;
  idle = null;
  worker.off('exit', forget).off('error', forget);
  worker.ref();
  return worker;
}

function releaseWorker(worker: Worker, reusable: boolean): Promise<number> | void {
  if (!reusable || idle) return worker.terminate();
  keepIdle(worker);
}

function keepIdle(worker: Worker): void {
  // A thread that fails or exits while idle is simply not reused.
  const forget = () => {
    if (idle?.worker === worker) idle = null;
  };
  worker.on('exit', forget).on('error', forget);
  worker.unref();
  idle = { worker, forget };
}

/** Starts a worker ahead of the first file, so its start-up overlaps whatever the caller does before reading. */
export function prewarmParseWorker(): void {
  if (!idle) keepIdle(startParseWorker());
}

/**
 * Yields the items a parse worker produces for one snapshot file, in order. Stopping early (a limit, an error
 * downstream) discards the worker; a failure in the worker (unreadable file, corrupt gzip) is rethrown here.
 */
export async function* itemsFromParseWorker(job: ParseJob, onBytesRead: (bytes: number) => void): AsyncGenerator<SourceItem> {
  const worker = acquireWorker();
  const inbox: ParseWorkerMessage[] = [];
  let failure: Error | null = null;
  let finished = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const onMessage = (message: ParseWorkerMessage) => {
    inbox.push(message);
    notify();
  };
  const onError = (error: Error) => {
    failure ??= error;
    notify();
  };
  const onExit = (code: number) => {
    failure ??= new Error(`the snapshot parse worker for ${job.label} stopped early (exit code ${code})`);
    notify();
  };
  // Only this reader's own listeners come off afterwards: the worker keeps internal ones of its own.
  worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  const send = (request: ParseWorkerRequest) => worker.postMessage(request);
  try {
    send({ type: 'parse', job });
    for (;;) {
      const message = inbox.shift();
      if (!message) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      onBytesRead(message.bytesRead);
      if (message.type === 'end') {
        finished = true;
        return;
      }
      // Hand the credit back before consuming, so the worker parses the next batch while this one is written.
      send({ type: 'more' });
      yield* message.items;
    }
  } finally {
    worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    await releaseWorker(worker, finished && !failure);
  }
}
