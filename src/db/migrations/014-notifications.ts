import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

function autoIncrementKey(caps: StoreCapabilities) {
  return (c: ColumnDefinitionBuilder) => (caps.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey());
}

/** Readers' notifications, their email preference and the outbox of batched notification emails. */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('notification_settings')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('email_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_email_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The planner looks for readers who asked for email.
  await db.schema.createIndex('notification_settings_email').on('notification_settings').columns(['email_enabled', 'user_id']).execute();

  await db.schema
    .createTable('notification_emails')
    .addColumn('id', caps.autoIncrementType, autoIncrementKey(caps))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('handed_over_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notification_emails_due').on('notification_emails').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notification_emails_user').on('notification_emails').columns(['user_id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', caps.autoIncrementType, autoIncrementKey(caps))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id'))
    .addColumn('comment_id', 'integer', (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('email_id', 'integer', (c) => c.references('notification_emails.id').onDelete('set null'))
    .addUniqueConstraint('notifications_user_subject', ['user_id', 'subject'])
    .execute();
  // The header's unread count and the page (newest first) for one reader.
  await db.schema.createIndex('notifications_user_unread').on('notifications').columns(['user_id', 'read_at']).execute();
  await db.schema.createIndex('notifications_user_id').on('notifications').columns(['user_id', 'id']).execute();
}
