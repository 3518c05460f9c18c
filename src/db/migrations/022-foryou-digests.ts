import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

function autoIncrementKey(caps: StoreCapabilities) {
  return (c: ColumnDefinitionBuilder) => (caps.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey());
}

const OUTBOX_COLUMNS =
  'id, subscription_id, frequency, period, email, paper_ids, message_id, status, attempts, next_attempt_at, lease_owner, ' +
  'lease_expires_at, handed_over_at, last_error, sent_at, created_at';

/**
 * "For you" digests. A subscriber chooses which digests they get (`digest_kinds`: trending, foryou or both; existing
 * subscriptions stay trending). The outbox gains the digest's `kind` — one row per subscriber, period and kind — and
 * `content`, the For-you digest as planned (ranked papers with their reasons, the followed-author section), so a
 * resend after a crash carries exactly what was planned.
 *
 * SQLite cannot drop a table constraint, so there the outbox is rebuilt: the sent-papers rows are set aside first
 * (their foreign key would cascade on the drop), then put back with the same outbox ids.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('digest_kinds', 'text', (c) => c.notNull().defaultTo('trending'))
    .execute();

  if (caps.autoIncrementType !== 'integer') {
    await db.schema
      .alterTable('digest_outbox')
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('trending'))
      .execute();
    await db.schema.alterTable('digest_outbox').addColumn('content', 'text').execute();
    await db.schema.alterTable('digest_outbox').dropConstraint('digest_outbox_once_per_period').execute();
    await db.schema
      .alterTable('digest_outbox')
      .addUniqueConstraint('digest_outbox_once_per_period_kind', ['subscription_id', 'frequency', 'period', 'kind'])
      .execute();
    return;
  }

  await sql`CREATE TABLE digest_sent_papers_kept AS SELECT subscription_id, paper_id, outbox_id FROM digest_sent_papers`.execute(db);
  await db.schema.dropTable('digest_sent_papers').execute();
  await db.schema
    .createTable('digest_outbox_rebuilt')
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
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('trending'))
    .addColumn('content', 'text')
    .addUniqueConstraint('digest_outbox_once_per_period_kind', ['subscription_id', 'frequency', 'period', 'kind'])
    .execute();
  await sql.raw(`INSERT INTO digest_outbox_rebuilt (${OUTBOX_COLUMNS}) SELECT ${OUTBOX_COLUMNS} FROM digest_outbox`).execute(db);
  await db.schema.dropTable('digest_outbox').execute();
  await sql`ALTER TABLE digest_outbox_rebuilt RENAME TO digest_outbox`.execute(db);
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
  await sql`INSERT INTO digest_sent_papers (subscription_id, paper_id, outbox_id) SELECT subscription_id, paper_id, outbox_id FROM digest_sent_papers_kept`.execute(
    db,
  );
  await db.schema.dropTable('digest_sent_papers_kept').execute();
}
