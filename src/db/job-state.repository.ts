import { sql } from 'kysely';
import type { Queryable } from './schema.js';

export async function getJobState(db: Queryable, key: string): Promise<string | null> {
  const row = await db.selectFrom('job_state').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setJobState(db: Queryable, key: string, value: string, now: string): Promise<void> {
  await db
    .insertInto('job_state')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql`excluded.value`, updated_at: sql`excluded.updated_at` }))
    .execute();
}

export async function deleteJobState(db: Queryable, key: string): Promise<void> {
  await db.deleteFrom('job_state').where('key', '=', key).execute();
}
