import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrateUpTo } from '../helpers/migrate-up-to.js';
import { tempDir } from '../helpers/stores.js';
import { confirmedSubscriber, seedFeed } from './fixtures.js';

const dir = tempDir('paperboy-foryou-migration-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('keeps planned and sent digests with their papers when the outbox gains its kind (SQLite rebuilds the table)', async () => {
  const store = openSqlite(path.join(dir, 'paperboy.db'));
  await migrateUpTo(store, '022');
  await seedFeed(store, [{ id: '2501.00001', day: '2025-01-06', upvotes: 5 }]);
  const subscriptionId = await confirmedSubscriber(store, 'old@example.org');
  const row = { subscription_id: subscriptionId, frequency: 'daily', email: 'old@example.org', paper_ids: '["2501.00001"]' };
  const common = { status: 'sent', next_attempt_at: '2025-01-06T00:00:00Z', created_at: '2025-01-06T00:00:00Z' };
  const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  await db
    .insertInto('digest_outbox')
    .values([
      { ...row, ...common, period: '2025-01-06', message_id: '<a@x>' },
      { ...row, ...common, period: '2025-01-07', message_id: '<b@x>', status: 'planned' },
    ])
    .execute();
  await db.insertInto('digest_sent_papers').values({ subscription_id: subscriptionId, paper_id: '2501.00001', outbox_id: 1 }).execute();

  expect((await migrateToLatest(store)).applied[0]).toBe('022-foryou-digests');
  const outbox = await store.db.selectFrom('digest_outbox').select(['id', 'period', 'status', 'kind', 'content']).orderBy('id').execute();
  expect(outbox).toEqual([
    { id: 1, period: '2025-01-06', status: 'sent', kind: 'trending', content: null },
    { id: 2, period: '2025-01-07', status: 'planned', kind: 'trending', content: null },
  ]);
  expect(await store.db.selectFrom('digest_sent_papers').selectAll().execute()).toEqual([
    { subscription_id: subscriptionId, paper_id: '2501.00001', outbox_id: 1 },
  ]);
  const subscription = await store.db.selectFrom('subscriptions').select('digest_kinds').executeTakeFirstOrThrow();
  expect(subscription.digest_kinds).toBe('trending');
  // The foreign key still cascades: deleting a digest removes its papers.
  await store.db.deleteFrom('digest_outbox').where('id', '=', 1).execute();
  expect(await store.db.selectFrom('digest_sent_papers').selectAll().execute()).toEqual([]);
  await store.close();
});
