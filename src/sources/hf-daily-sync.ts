import { createHash } from 'node:crypto';
import type { Store } from '../db/database.js';
import { dailyEntryItems } from '../ingest/hf-daily.js';
import { emptyImportSummary, runImport, type ImportSummary } from '../ingest/import-runner.js';
import type { PoliteHttpClient } from '../ingest/polite-http.js';
import { silentProgress, type ProgressSink } from '../ingest/progress.js';
import type { SourceItem, SourceUnit } from '../ingest/source.js';

/** Entries per request; Hugging Face serves up to 100. */
export const HF_PAGE_SIZE = 100;
/** A day never has this many pages; a server that keeps sending full pages is misbehaving. */
const MAX_PAGES_PER_DAY = 100;

/** Where a sync stands: the next page to fetch. */
export interface HfSyncPosition {
  readonly days: readonly string[];
  readonly dayIndex: number;
  readonly page: number;
}

export interface HfSyncOptions {
  readonly store: Store;
  readonly client: PoliteHttpClient;
  /** Base URL of the Hugging Face API, without a trailing slash. */
  readonly baseUrl: string;
  /** Days to fetch (YYYY-MM-DD), in the order given. */
  readonly days: readonly string[];
  readonly pageSize?: number;
  readonly dryRun?: boolean;
  readonly progress?: ProgressSink;
  readonly now?: () => Date;
  /** After each committed page, with the ids written: index them for search, clear caches. */
  readonly onPapersWritten?: (ids: readonly string[]) => Promise<void>;
  /** Continue a sync cut short at this position (ignored when its days differ). */
  readonly resumeAt?: HfSyncPosition | null;
  /** After each committed page, with the position that follows it (null when the sync is complete). */
  readonly onPageDone?: (next: HfSyncPosition | null) => Promise<void>;
  readonly countFetch?: () => void;
  readonly signal?: AbortSignal;
}

export interface HfSyncSummary extends ImportSummary {
  readonly days: readonly string[];
  pages: number;
  /** Papers written (inserted or updated), in the order they were written. */
  paperIds: string[];
}

export function dailyPapersUrl(baseUrl: string, day: string, page: number, limit: number): string {
  return `${baseUrl}/api/daily_papers?date=${day}&p=${page}&limit=${limit}`;
}

/** One fetched page as an import unit: the same items a daily-papers file gives, so runImport writes them alike. */
function pageUnit(day: string, page: number, entries: readonly unknown[], body: string): SourceUnit {
  const label = `${day} page ${page}`;
  let consumed = 0;
  return {
    // The content hash keeps a checkpoint from an interrupted import of a different answer from being applied.
    key: `hf-api:${day}:p${page}:${createHash('sha1').update(body).digest('hex')}`,
    label,
    totalBytes: body.length,
    bytesRead: () => consumed,
    async *items(): AsyncIterable<SourceItem> {
      yield* dailyEntryItems(entries, label, (done) => {
        consumed = Math.round((body.length * done) / entries.length);
      });
    },
  };
}

function addSummary(total: HfSyncSummary, part: ImportSummary): void {
  total.read += part.read;
  total.inserted += part.inserted;
  total.updated += part.updated;
  total.resumed += part.resumed;
  total.feedEntries += part.feedEntries;
  total.skipped += part.skipped;
  for (const [reason, n] of Object.entries(part.skipReasons)) total.skipReasons[reason] = (total.skipReasons[reason] ?? 0) + n;
  for (const example of part.skippedExamples) if (total.skippedExamples.length < 20) total.skippedExamples.push(example);
}

function samePosition(days: readonly string[], resumeAt: HfSyncPosition | null | undefined): resumeAt is HfSyncPosition {
  return !!resumeAt && resumeAt.days.length === days.length && resumeAt.days.every((day, i) => day === days[i]);
}

/**
 * Mirrors Hugging Face's daily papers for the given days: `GET {base}/api/daily_papers?date=D&p=N&limit=L`, page
 * after page until a short one, each page upserted through runImport exactly as an imported file would be.
 * The scheduler and `paperboy sync hf` both run this.
 */
export async function syncHfDays(options: HfSyncOptions): Promise<HfSyncSummary> {
  const started = performance.now();
  const progress = options.progress ?? silentProgress;
  const limit = options.pageSize ?? HF_PAGE_SIZE;
  const days = options.days;
  const summary: HfSyncSummary = { ...emptyImportSummary(), days, pages: 0, paperIds: [] };
  const resume = samePosition(days, options.resumeAt) ? options.resumeAt : null;
  if (resume) progress.line(`resuming at ${days[resume.dayIndex] ?? 'the end'} page ${resume.page}`);

  for (let dayIndex = resume?.dayIndex ?? 0; dayIndex < days.length; dayIndex++) {
    const day = days[dayIndex]!;
    let dayEntries = 0;
    for (let page = resume && dayIndex === resume.dayIndex ? resume.page : 0; page < MAX_PAGES_PER_DAY; page++) {
      options.signal?.throwIfAborted();
      const url = dailyPapersUrl(options.baseUrl, day, page, limit);
      const response = await options.client.get(url, { accept: 'application/json', onAttempt: options.countFetch, signal: options.signal });
      let entries: unknown;
      try {
        entries = JSON.parse(response.body);
      } catch {
        throw new Error(`${url} did not answer with JSON`);
      }
      if (!Array.isArray(entries)) throw new Error(`${url} did not answer with a JSON array of daily papers`);
      summary.pages += 1;
      dayEntries += entries.length;
      const written: string[] = [];
      const part = await runImport(options.store, [pageUnit(day, page, entries, response.body)], {
        dryRun: options.dryRun,
        now: options.now,
        onPapersWritten: async (ids) => {
          written.push(...ids);
          await options.onPapersWritten?.(ids);
        },
      });
      addSummary(summary, part);
      summary.paperIds.push(...written);
      const last = entries.length < limit;
      const next: HfSyncPosition | null = !last
        ? { days, dayIndex, page: page + 1 }
        : dayIndex + 1 < days.length
          ? { days, dayIndex: dayIndex + 1, page: 0 }
          : null;
      if (!options.dryRun) await options.onPageDone?.(next);
      if (last) break;
    }
    progress.line(`${day}: ${dayEntries} paper${dayEntries === 1 ? '' : 's'}`);
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/**
 * Drops page checkpoints left by imports killed between their commit and their clean-up (each key names one answer,
 * so none is ever reused). Whatever they covered is committed; a page being imported right now just starts over.
 */
export async function dropStalePageCheckpoints(store: Store): Promise<void> {
  await store.db.deleteFrom('job_state').where('key', 'like', 'import:hf-api:%').execute();
}

/** `YYYY-MM-DD` of `date` in UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Today and the `count - 1` days before it (UTC), newest first: the days the mirror keeps current. */
export function recentDays(now: Date, count = 3): string[] {
  return Array.from({ length: count }, (_, i) => utcDay(new Date(now.getTime() - i * 86_400_000)));
}

/** Every day from `from` to `to` inclusive, oldest first. */
export function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(utcDay(new Date(t)));
  return days;
}
