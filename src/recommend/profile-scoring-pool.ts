import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../worker-threads.js';
import type { ProfileScores, ProfileWalker } from './candidate-index.js';
import type { ProfileScoringReply, ProfileScoringRequest } from './profile-scoring-protocol.js';

interface PendingJob {
  readonly resolve: (scores: ProfileScores) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One worker thread that walks readers' profiles through candidate indexes held in shared memory, so a batch job
 * (digest planning) scores one reader there while the main thread reads, explains and writes the others. The thread
 * starts on first use, holds the process open only while a walk is in flight, and is replaced after a failure.
 */
export class ProfileScoringPool {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, PendingJob>();
  private nextJob = 1;

  readonly walk: ProfileWalker = (index, positives, k, sum) => {
    if (!(index.offsets.buffer instanceof SharedArrayBuffer)) {
      return Promise.reject(new Error('a candidate index scored on another thread must be built with { shared: true }'));
    }
    const worker = this.ensureWorker();
    const job = this.nextJob++;
    return new Promise<ProfileScores>((resolve, reject) => {
      this.pending.set(job, { resolve, reject });
      worker.ref();
      const request: ProfileScoringRequest = { job, index, positives, k, sum: sum ?? null };
      worker.postMessage(request);
    });
  };

  /** Stops the thread; walks still in flight fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('the scoring worker was closed'));
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startSiblingWorker(import.meta.url, 'profile-scoring-worker');
    worker.on('message', (reply: ProfileScoringReply) => this.settle(reply));
    worker.on('error', (error: Error) => this.lose(worker, error));
    worker.on('exit', (code: number) => this.lose(worker, new Error(`the scoring worker stopped (exit code ${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(reply: ProfileScoringReply): void {
    const job = this.pending.get(reply.job);
    if (!job) return;
    this.pending.delete(reply.job);
    if (this.pending.size === 0) this.worker?.unref();
    if ('error' in reply) job.reject(new Error(`scoring worker: ${reply.error}`));
    else job.resolve({ nearest: reply.nearest, sum: reply.sum });
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
