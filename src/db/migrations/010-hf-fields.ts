import type { Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * What the Hugging Face daily-papers source says, kept as it said it.
 *
 * - `organizations`: one row per HF organisation, keyed by its handle (`organization.name`), so organisation pages
 *   can live at /orgs/<name>. `papers.organization` keeps the display name for sources that only know that.
 * - `papers`: the generated `ai_summary` and `ai_keywords` (a JSON array), the social `thumbnail`, and the
 *   organisation handle.
 * - `feed_entries`: what belongs to one appearance on the feed: the exact `submittedOnDailyAt`, the entry's own
 *   `publishedAt`, `title` and `summary` (HF writes them apart from the paper's), who submitted it on the source
 *   (`source_submitter`, a JSON object with HF's keys) and its media URLs (a JSON array).
 *
 * Every column is nullable text: a source that lacks a field leaves it null, and no engine-specific type is needed.
 */
export async function up(db: Kysely<unknown>, _caps: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('fullname', 'text')
    .addColumn('avatar', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  for (const column of ['ai_summary', 'ai_keywords', 'thumbnail', 'organization_name']) {
    await db.schema.alterTable('papers').addColumn(column, 'text').execute();
  }
  await db.schema.createIndex('papers_organization_name').on('papers').column('organization_name').execute();

  for (const column of ['submitted_on_daily_at', 'published_at', 'title', 'summary', 'source_submitter', 'media_urls']) {
    await db.schema.alterTable('feed_entries').addColumn(column, 'text').execute();
  }
}
