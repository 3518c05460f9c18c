import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import {
  acquireSourceLease,
  ensureSourceJob,
  finishSourceRun,
  findSourceJob,
  listSourceJobs,
  newSourceLeaseOwner,
  releaseSourceLease,
  renewSourceLease,
  saveSourceState,
} from './source-jobs.repository.js';
import { LeaseLost, type SourceJob } from './source-job.js';
import { HttpRequestError } from '../ingest/polite-http.js';

/** What the scheduler reports to: the per-source counters in /metrics. */
export interface SourceRunObserver {
  observeSourceRun(source: string, run: { fetches: number; failed: boolean; papersUpserted: number }): void;
  setSourceLastSuccess(source: string, epochSeconds: number): void;
}

export interface SourceSchedulerOptions {
  readonly store: Store;
  readonly jobs: readonly SourceJob[];
  readonly logger: Logger;
  readonly now: () => Date;
  readonly observer?: SourceRunObserver;
  /** How often due jobs are looked for. */
  readonly tickMs?: number;
  /** How long a lease lasts without renewal; a killed instance's job is taken over after this. */
  readonly leaseMs?: number;
  /** First retry delay after a failure; doubles with every further failure up to the job's maxRetryDelayMs. */
  readonly retryBaseMs?: number;
  readonly owner?: string;
}

const DEFAULT_TICK_MS = 5_000;
const DEFAULT_LEASE_MS = 120_000;
const DEFAULT_RETRY_BASE_MS = 30_000;

/** The first line of an error, without stack or secrets (URLs carry no tokens: those go in headers). */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 500);
}

/**
 * Runs the live sources inside `paperboy serve`. Each job is leased in the database, so instances sharing one
 * database never run a job at the same time; a run killed mid-way leaves its checkpoint and its lease, which
 * expires, and the next run (here or elsewhere) resumes from the checkpoint. A failing source is retried with
 * backoff and logged once when it starts failing and once when it recovers.
 */
export class SourceScheduler {
  private readonly store: Store;
  private readonly jobs: readonly SourceJob[];
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly observer: SourceRunObserver | undefined;
  private readonly tickMs: number;
  private readonly leaseMs: number;
  private readonly retryBaseMs: number;
  readonly owner: string;
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private acquiring: Promise<Promise<void>[]> | null = null;
  private databaseFailing = false;
  private stopped = false;

  constructor(options: SourceSchedulerOptions) {
    this.store = options.store;
    this.jobs = options.jobs;
    this.logger = options.logger;
    this.now = options.now;
    this.observer = options.observer;
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.owner = options.owner ?? newSourceLeaseOwner();
  }

  start(): void {
    if (this.timer || this.stopped || this.jobs.length === 0) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  /**
   * Starts every due job that is not running here and whose lease this instance gets; resolves when the runs it
   * started have ended. Timer ticks do not wait for runs, so a long harvest never holds up the other sources.
   */
  async tick(): Promise<void> {
    this.acquiring ??= this.startDueJobs().finally(() => {
      this.acquiring = null;
    });
    const started = await this.acquiring;
    await Promise.all(started);
    if (started.length > 0) await this.publishLastSuccess().catch(() => undefined);
  }

  private async startDueJobs(): Promise<Promise<void>[]> {
    if (this.stopped) return [];
    const started: Promise<void>[] = [];
    try {
      for (const job of this.jobs) {
        if (this.running.has(job.name)) continue;
        const now = this.now();
        await ensureSourceJob(this.store.db, job.name, now);
        if (!(await acquireSourceLease(this.store.db, job.name, this.owner, now, this.leaseMs))) continue;
        const run = this.runLeased(job)
          // Only the database can fail here (a job's own errors are recorded as its failures); the lease expires.
          .catch((error: unknown) =>
            this.logger.error('source run could not be recorded', { source: job.name, error: describeError(error) }),
          )
          .finally(() => this.running.delete(job.name));
        this.running.set(job.name, run);
        started.push(run);
      }
      await this.publishLastSuccess();
      if (this.databaseFailing) this.logger.info('source scheduler reaches the database again');
      this.databaseFailing = false;
    } catch (error) {
      // The database is unreachable or busy: the next tick tries again; pages are unaffected. Logged once.
      if (!this.databaseFailing) this.logger.error('source scheduler cannot reach the database', { error: describeError(error) });
      this.databaseFailing = true;
    }
    return started;
  }

  private async publishLastSuccess(): Promise<void> {
    if (!this.observer) return;
    for (const row of await listSourceJobs(this.store.db)) {
      if (row.last_success_at) this.observer.setSourceLastSuccess(row.name, Date.parse(row.last_success_at) / 1000);
    }
  }

  private async runLeased(job: SourceJob): Promise<void> {
    const db = this.store.db;
    const before = await findSourceJob(db, job.name);
    let fetches = 0;
    let leaseLost = false;
    const heartbeat = setInterval(
      () =>
        void renewSourceLease(db, job.name, this.owner, this.now(), this.leaseMs)
          .then((held) => {
            if (!held) leaseLost = true;
          })
          .catch(() => undefined),
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      const result = await job.run({
        now: this.now,
        checkpoint: before?.state ? (JSON.parse(before.state) as unknown) : null,
        saveCheckpoint: async (state, within) => {
          if (leaseLost || !(await saveSourceState(within ?? db, job.name, this.owner, state, this.now()))) {
            leaseLost = true;
            throw new LeaseLost(job.name);
          }
        },
        countFetch: () => {
          fetches += 1;
        },
        signal: this.abort.signal,
      });
      const now = this.now();
      const usual = job.nextRunAfterSuccess(now);
      const nextRunAt = result.notBefore && result.notBefore > usual ? result.notBefore : usual;
      await finishSourceRun(
        db,
        job.name,
        this.owner,
        { ok: true, error: null, fetches, papersUpserted: result.papersUpserted, nextRunAt },
        now,
      );
      this.observer?.observeSourceRun(job.name, { fetches, failed: false, papersUpserted: result.papersUpserted });
      if (before && before.consecutive_failures > 0) {
        this.logger.info('source recovered', { source: job.name, failedRuns: before.consecutive_failures });
      }
    } catch (error) {
      const now = this.now();
      if (error instanceof LeaseLost || this.abort.signal.aborted) {
        // Shutting down, or another instance owns the job now: no outcome to record.
        await releaseSourceLease(db, job.name, this.owner, fetches, now).catch(() => undefined);
        this.observer?.observeSourceRun(job.name, { fetches, failed: false, papersUpserted: 0 });
        return;
      }
      const failures = (before?.consecutive_failures ?? 0) + 1;
      const backoff = Math.min(job.maxRetryDelayMs, this.retryBaseMs * 2 ** (failures - 1));
      const retryAfter = error instanceof HttpRequestError && error.retryAfterMs !== null ? error.retryAfterMs : 0;
      const nextRunAt = new Date(now.getTime() + Math.max(backoff, retryAfter));
      const message = describeError(error);
      await finishSourceRun(db, job.name, this.owner, { ok: false, error: message, fetches, papersUpserted: 0, nextRunAt }, now).catch(
        (cause: unknown) =>
          this.logger.error('source scheduler could not record a failure', { source: job.name, error: describeError(cause) }),
      );
      this.observer?.observeSourceRun(job.name, { fetches, failed: true, papersUpserted: 0 });
      if (failures === 1) {
        this.logger.error('source failing', { source: job.name, error: message, nextRunAt: nextRunAt.toISOString() });
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Stops looking for due jobs, aborts the runs in progress (their checkpoints stay) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort(new Error('the server is shutting down'));
    await this.acquiring;
    await Promise.all(this.running.values());
  }
}
