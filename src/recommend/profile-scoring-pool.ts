import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../worker-threads.js';
import type { CandidateIndex, ProfileScores, ProfileWalker } from './candidate-index.js';
import type { ProfileScoringReply, ProfileScoringRequest } from './profile-scoring-protocol.js';

interface PendingJob {
  readonly worker: Worker;
  readonly resolve: (scores: ProfileScores) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Worker threads that walk readers' profiles through candidate indexes held in shared memory, so a batch job
 * (digest planning) scores readers there while the main thread reads, explains and writes the others. Each walk goes
 * to the thread with the fewest in flight. Threads start on first use, hold the process open only while a walk is in
 * flight, and are replaced after a failure.
 */
export class ProfileScoringPool {
  private readonly workers: (Worker | null)[];
  /** The index each thread holds (it keeps the last one sent). */
  private readonly held = new Map<Worker, CandidateIndex>();
  private readonly pending = new Map<number, PendingJob>();
  private nextJob = 1;

  constructor(threads = 1) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => null);
  }

  readonly walk: ProfileWalker = (index, positives, k, sum) => {
    if (!(index.offsets.buffer instanceof SharedArrayBuffer)) {
      return Promise.reject(new Error('a candidate index scored on another thread must be built with { shared: true }'));
    }
    const worker = this.leastBusy();
    const job = this.nextJob++;
    return new Promise<ProfileScores>((resolve, reject) => {
      this.pending.set(job, { worker, resolve, reject });
      worker.ref();
      const send = this.held.get(worker) === index ? null : index;
      const request: ProfileScoringRequest = { job, index: send, positives, k, sum: sum ?? null };
      worker.postMessage(request);
      this.held.set(worker, index);
    });
  };

  /** Stops the threads; walks still in flight fail. */
  async close(): Promise<void> {
    const workers = this.workers.filter((w): w is Worker => w !== null);
    this.workers.fill(null);
    this.held.clear();
    this.failAll(new Error('the scoring worker was closed'));
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private inFlight(worker: Worker): number {
    let count = 0;
    for (const job of this.pending.values()) if (job.worker === worker) count++;
    return count;
  }

  private leastBusy(): Worker {
    let best: Worker | null = null;
    let bestLoad = Infinity;
    for (let slot = 0; slot < this.workers.length; slot++) {
      const worker = this.workers[slot] ?? this.start(slot);
      const load = this.inFlight(worker);
      if (load < bestLoad) [best, bestLoad] = [worker, load];
      if (load === 0) break;
    }
    return best!;
  }

  private start(slot: number): Worker {
    const worker = startSiblingWorker(import.meta.url, 'profile-scoring-worker');
    worker.on('message', (reply: ProfileScoringReply) => this.settle(reply));
    worker.on('error', (error: Error) => this.lose(worker, error));
    worker.on('exit', (code: number) => this.lose(worker, new Error(`the scoring worker stopped (exit code ${code})`)));
    worker.unref();
    this.workers[slot] = worker;
    return worker;
  }

  private settle(reply: ProfileScoringReply): void {
    const job = this.pending.get(reply.job);
    if (!job) return;
    this.pending.delete(reply.job);
    if (this.inFlight(job.worker) === 0) job.worker.unref();
    if ('error' in reply) job.reject(new Error(`scoring worker: ${reply.error}`));
    else job.resolve({ nearest: reply.nearest, sum: reply.sum });
  }

  private lose(worker: Worker, error: Error): void {
    const slot = this.workers.indexOf(worker);
    if (slot < 0) return;
    this.workers[slot] = null;
    this.held.delete(worker);
    for (const [id, job] of this.pending) {
      if (job.worker !== worker) continue;
      this.pending.delete(id);
      job.reject(error);
    }
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
