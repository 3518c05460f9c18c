import type { Queryable } from '../db/schema.js';

export interface StoredModel {
  readonly id: string;
  readonly trainedOn: number;
  readonly data: Uint8Array;
}

export async function activeModel(db: Queryable, kind: string): Promise<StoredModel | null> {
  const row = await db
    .selectFrom('search_models')
    .select(['id', 'trained_on', 'data'])
    .where('kind', '=', kind)
    .where('active', '=', 1)
    .executeTakeFirst();
  return row ? { id: row.id, trainedOn: row.trained_on, data: row.data } : null;
}

/** Stores a model and makes it the only active one of its kind; older models of the kind are dropped. */
export async function activateModel(db: Queryable, kind: string, model: StoredModel, now: string): Promise<void> {
  await db.deleteFrom('search_models').where('kind', '=', kind).execute();
  await db
    .insertInto('search_models')
    .values({ id: model.id, kind, trained_on: model.trainedOn, data: model.data, active: 1, created_at: now })
    .execute();
}

export async function activeModelId(db: Queryable, kind: string): Promise<string | null> {
  const row = await db.selectFrom('search_models').select('id').where('kind', '=', kind).where('active', '=', 1).executeTakeFirst();
  return row?.id ?? null;
}
