import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

function autoIncrementKey(caps: StoreCapabilities) {
  return (c: ColumnDefinitionBuilder) => (caps.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey());
}

export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', caps.autoIncrementType, autoIncrementKey(caps))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('topics', 'text')
    .addColumn('max_papers', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(10)
        .check(sql`max_papers BETWEEN 5 AND 50`),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    .addColumn('confirm_sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscriptions_status_frequency').on('subscriptions').columns(['status', 'frequency', 'id']).execute();
  await db.schema.createIndex('subscriptions_user').on('subscriptions').column('user_id').execute();

  await db.schema
    .createTable('digest_outbox')
    .addColumn('id', caps.autoIncrementType, autoIncrementKey(caps))
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('paper_ids', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('handed_over_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('digest_outbox_once_per_period', ['subscription_id', 'frequency', 'period'])
    .execute();
  await db.schema.createIndex('digest_outbox_due').on('digest_outbox').columns(['status', 'next_attempt_at', 'id']).execute();
  await db.schema.createIndex('digest_outbox_period').on('digest_outbox').columns(['frequency', 'period', 'status']).execute();

  await db.schema
    .createTable('digest_sent_papers')
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().references('digest_outbox.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('digest_sent_papers_pk', ['subscription_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('digest_sent_papers_outbox').on('digest_sent_papers').column('outbox_id').execute();
}
