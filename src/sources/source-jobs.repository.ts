import os from 'node:os';
import { sql, type Selectable } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { SourceJobsTable } from './sources.table.js';

export type SourceJobRow = Selectable<SourceJobsTable>;

/** `host:pid:random`: names the instance holding a lease, for the status page and the logs. */
export function newSourceLeaseOwner(): string {
  return `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
}

/** Creates the job's row, due now, unless it exists. */
export async function ensureSourceJob(db: Queryable, name: string, now: Date): Promise<void> {
  const iso = now.toISOString();
  await db
    .insertInto('source_jobs')
    .values({ name, next_run_at: iso, updated_at: iso })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * Takes the job's lease when the job is due and nobody holds an unexpired lease. One conditional UPDATE: on both
 * engines a second instance racing for the same row re-checks the condition after the first commits, so exactly
 * one of them gets it.
 */
export async function acquireSourceLease(db: Queryable, name: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
  const iso = now.toISOString();
  const result = await db
    .updateTable('source_jobs')
    .set({
      lease_owner: owner,
      lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
      last_started_at: iso,
      updated_at: iso,
    })
    .where('name', '=', name)
    .where('next_run_at', '<=', iso)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<=', iso)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Extends a lease still held by `owner`; false when it was lost (expired and taken over). */
export async function renewSourceLease(db: Queryable, name: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('source_jobs')
    .set({ lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(), updated_at: now.toISOString() })
    .where('name', '=', name)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Stores the run's checkpoint; false when the lease was lost, so the caller stops writing. */
export async function saveSourceState(db: Queryable, name: string, owner: string, state: unknown, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('source_jobs')
    .set({ state: state === null ? null : JSON.stringify(state), updated_at: now.toISOString() })
    .where('name', '=', name)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findSourceJob(db: Queryable, name: string): Promise<SourceJobRow | null> {
  return (await db.selectFrom('source_jobs').selectAll().where('name', '=', name).executeTakeFirst()) ?? null;
}

export async function listSourceJobs(db: Queryable): Promise<SourceJobRow[]> {
  return db.selectFrom('source_jobs').selectAll().orderBy('name').execute();
}

export interface FinishedRun {
  readonly ok: boolean;
  readonly error: string | null;
  readonly fetches: number;
  readonly papersUpserted: number;
  readonly nextRunAt: Date;
}

/** Records a run's outcome and releases the lease (only when still held by `owner`). */
export async function finishSourceRun(db: Queryable, name: string, owner: string, run: FinishedRun, now: Date): Promise<boolean> {
  const iso = now.toISOString();
  const result = await db
    .updateTable('source_jobs')
    .set({
      lease_owner: null,
      lease_expires_at: null,
      next_run_at: run.nextRunAt.toISOString(),
      runs: sql`runs + 1`,
      fetches: sql`fetches + ${run.fetches}`,
      papers_upserted: sql`papers_upserted + ${run.papersUpserted}`,
      ...(run.ok
        ? { last_success_at: iso, consecutive_failures: 0, last_run_papers: run.papersUpserted }
        : { last_error: run.error, last_error_at: iso, consecutive_failures: sql`consecutive_failures + 1`, failures: sql`failures + 1` }),
      updated_at: iso,
    })
    .where('name', '=', name)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives a lease back without recording an outcome (the instance is shutting down): the job stays due. */
export async function releaseSourceLease(db: Queryable, name: string, owner: string, fetches: number, now: Date): Promise<void> {
  await db
    .updateTable('source_jobs')
    .set({ lease_owner: null, lease_expires_at: null, fetches: sql`fetches + ${fetches}`, updated_at: now.toISOString() })
    .where('name', '=', name)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function getValidator(db: Queryable, source: string, resource: string): Promise<string | null> {
  const row = await db
    .selectFrom('source_validators')
    .select('etag')
    .where('source', '=', source)
    .where('resource', '=', resource)
    .executeTakeFirst();
  return row?.etag ?? null;
}

export async function setValidator(
  db: Queryable,
  source: string,
  resource: string,
  etag: string | null,
  status: number,
  now: Date,
): Promise<void> {
  await db
    .insertInto('source_validators')
    .values({ source, resource, etag, status, checked_at: now.toISOString() })
    .onConflict((oc) =>
      oc
        .columns(['source', 'resource'])
        .doUpdateSet({ etag: sql`excluded.etag`, status: sql`excluded.status`, checked_at: sql`excluded.checked_at` }),
    )
    .execute();
}
