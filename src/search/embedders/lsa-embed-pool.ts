import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../worker-threads.js';
import type { EmbeddableDocument } from './embedder.js';
import type { LsaWorkerReply, LsaWorkerRequest } from './lsa-embed-protocol.js';
import type { LsaModel } from './lsa-model.js';

function startWorker(): Worker {
  return startSiblingWorker(import.meta.url, 'lsa-embed-worker');
}

interface PendingJob {
  readonly count: number;
  readonly resolve: (vectors: Float32Array[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One worker thread that folds papers into the builtin model's space, so embedding a batch overlaps the main
 * thread's database writes and index additions. The thread starts on first use, holds the process open only while
 * a batch is in flight, and is replaced after a failure.
 */
export class LsaEmbedPool {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, PendingJob>();
  private nextJob = 1;

  constructor(private readonly model: LsaModel) {}

  embed(documents: readonly EmbeddableDocument[]): Promise<Float32Array[]> {
    if (documents.length === 0) return Promise.resolve([]);
    const worker = this.ensureWorker();
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.pending.set(job, { count: documents.length, resolve, reject });
      worker.ref();
      // Only the text crosses the thread boundary.
      const request: LsaWorkerRequest = { type: 'embed', job, documents: documents.map((d) => ({ title: d.title, abstract: d.abstract })) };
      worker.postMessage(request);
    });
  }

  /** Stops the thread; batches still in flight fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('the embedding worker was closed'));
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.on('message', (reply: LsaWorkerReply) => this.settle(reply));
    worker.on('error', (error: Error) => this.lose(worker, error));
    worker.on('exit', (code: number) => this.lose(worker, new Error(`the embedding worker stopped (exit code ${code})`)));
    const request: LsaWorkerRequest = { type: 'model', model: this.model };
    worker.postMessage(request);
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(reply: LsaWorkerReply): void {
    const job = this.pending.get(reply.job);
    if (!job) return;
    this.pending.delete(reply.job);
    if (this.pending.size === 0) this.worker?.unref();
    if ('error' in reply) {
      job.reject(new Error(`embedding worker: ${reply.error}`));
      return;
    }
    const dimensions = reply.vectors.length / job.count;
    job.resolve(Array.from({ length: job.count }, (_, i) => reply.vectors.slice(i * dimensions, (i + 1) * dimensions)));
  }

  private lose(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.failAll(error);
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
