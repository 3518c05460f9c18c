import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import { deleteJobState, getJobState, setJobState } from '../db/job-state.repository.js';
import { upsertFeedEntries } from '../feed/feed.repository.js';
import type { FeedRecord, PaperRecord } from '../papers/paper.js';
import { upsertPapersNotifyingFollowers } from '../notifications/new-papers.js';
import { IMPORT_BATCH_SIZE } from '../papers/papers.repository.js';
import { restoreAuthorNameIndex } from '../papers/author-name-index.js';
import { AuthorIndexDeferral } from './author-index-deferral.js';
import { ProgressMeter, silentProgress, type ProgressSink } from './progress.js';
import type { SourceItem, SourceUnit } from './source.js';
import { scoreOnArrival } from '../trending/trending-score.js';
import { recomputeTrending } from '../trending/trending.repository.js';

export interface SkippedRecord {
  readonly where: string;
  readonly reason: string;
}

export interface ImportSummary {
  read: number;
  inserted: number;
  updated: number;
  skipped: number;
  /** Records passed over because a previous, interrupted run had already committed them. */
  resumed: number;
  feedEntries: number;
  /** The first skipped records with their reasons (all of them are counted in `skipped`). */
  skippedExamples: SkippedRecord[];
  skipReasons: Record<string, number>;
  seconds: number;
}

/**
 * The papers of a batch whose trending score may differ from the one they were written with: updated papers, papers
 * with a feed entry or a star count in the batch. A new paper with neither was inserted with its arrival score,
 * which is what a recomputation gives, so it is not read back.
 */
export function scoresToRecompute(papers: readonly PaperRecord[], feed: readonly FeedRecord[], insertedIds: readonly string[]): string[] {
  const inserted = new Set(insertedIds);
  const ids = new Set(feed.map((entry) => entry.paperId));
  for (const paper of papers) if (!inserted.has(paper.id) || (paper.codeRepo && paper.codeRepo.stars !== null)) ids.add(paper.id);
  return [...ids];
}

export interface ImportOptions {
  readonly dryRun?: boolean;
  readonly progress?: ProgressSink;
  readonly now?: () => Date;
  /** Called after each committed batch with the ids written, e.g. to index them for search. */
  readonly onPapersWritten?: (ids: readonly string[]) => Promise<void>;
  /** Stop after this many records (used to simulate interruptions in tests and for sampling). */
  readonly limit?: number;
  /** New papers after which an import may count as a bulk load (AuthorIndexDeferral; default BULK_IMPORT_PAPERS). */
  readonly bulkFrom?: number;
}

const MAX_SKIP_EXAMPLES = 20;

function reasonKind(reason: string): string {
  return reason.replace(/^[^:]*: /, '').replace(/"[^"]*"/g, '"…"');
}

export function emptyImportSummary(): ImportSummary {
  return {
    read: 0,
    inserted: 0,
    updated: 0,
    skipped: 0,
    resumed: 0,
    feedEntries: 0,
    skippedExamples: [],
    skipReasons: {},
    seconds: 0,
  };
}

/** Counts a skipped record under its kind of reason, keeping the first few as examples. */
export function recordSkip(summary: ImportSummary, where: string, reason: string): void {
  summary.skipped += 1;
  const kind = reasonKind(reason);
  summary.skipReasons[kind] = (summary.skipReasons[kind] ?? 0) + 1;
  if (summary.skippedExamples.length < MAX_SKIP_EXAMPLES) summary.skippedExamples.push({ where, reason });
}

type UnitItem = SourceItem | { readonly kind: 'failed'; readonly reason: string };

/**
 * The unit's items, ending with a `failed` item when the unit cannot be read on (unreadable file, corrupt gzip):
 * the reason always names the file, and the import goes on with the next unit.
 */
async function* namingFailures(unit: SourceUnit): AsyncGenerator<UnitItem> {
  const iterator = unit.items()[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<SourceItem>;
      try {
        next = await iterator.next();
      } catch (error) {
        finished = true;
        const message = error instanceof Error ? error.message : String(error);
        yield { kind: 'failed', reason: `${unit.label} could not be read (${message})` };
        return;
      }
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // The consumer stopped early (a limit, a database error): let the unit release its file or worker.
    if (!finished) await iterator.return?.();
  }
}

/**
 * Imports units one batch at a time. Each batch is written in one transaction together with the unit's
 * checkpoint, so an interrupted import resumes after the last committed record and never duplicates one.
 */
export async function runImport(store: Store, units: readonly SourceUnit[], options: ImportOptions = {}): Promise<ImportSummary> {
  const progress = options.progress ?? silentProgress;
  if (options.dryRun) return importUnits(store, units, options, progress, null);
  // An import killed while it had the author-name index set aside left it missing.
  await restoreAuthorNameIndex(store.db);
  const deferral = new AuthorIndexDeferral(store, progress, options.bulkFrom);
  let summary: ImportSummary;
  try {
    summary = await importUnits(store, units, options, progress, deferral);
  } catch (error) {
    await deferral.finish().catch(() => undefined);
    throw error;
  }
  const rebuildStarted = performance.now();
  await deferral.finish();
  summary.seconds += (performance.now() - rebuildStarted) / 1000;
  return summary;
}

async function importUnits(
  store: Store,
  units: readonly SourceUnit[],
  options: ImportOptions,
  progress: ProgressSink,
  deferral: AuthorIndexDeferral | null,
): Promise<ImportSummary> {
  const now = options.now ?? (() => new Date());
  const meter = new ProgressMeter(progress);
  // Batches commit without waiting for their WAL flush where the engine allows it: the checkpoint commits in the
  // same transaction, so a crash can only lose whole batches together with their checkpoints (re-imported on the
  // next run), and the completed import's last commit (deleting the checkpoint) waits for the flush of all of them.
  const asyncCommit = store.capabilities.asyncCommit;
  const summary = emptyImportSummary();
  const totalBytes = units.every((u) => u.totalBytes !== null) ? units.reduce((sum, u) => sum + (u.totalBytes ?? 0), 0) : null;
  let bytesBefore = 0;
  let processed = 0;

  for (const unit of units) {
    const checkpointKey = `import:${unit.key}`;
    const checkpoint = options.dryRun ? null : await getJobState(store.db, checkpointKey);
    const resumeAfter = checkpoint ? Number(checkpoint) : 0;
    if (resumeAfter > 0) progress.line(`${unit.label}: resuming after record ${resumeAfter}`);

    let papers: PaperRecord[] = [];
    let feed: FeedRecord[] = [];
    let lastPosition = 0;

    // Everything a batch needs is taken before its first await: reading goes on while it is written.
    const flush = async () => {
      if (papers.length === 0 && lastPosition <= resumeAfter) return;
      const batchPapers = papers;
      const batchFeed = feed;
      const position = lastPosition;
      papers = [];
      feed = [];
      if (options.dryRun) return;
      await deferral?.beforeBatch(summary.inserted);
      const stamp = now().toISOString();
      const counts = await store.db.transaction().execute(async (trx) => {
        if (asyncCommit) await sql`SET LOCAL synchronous_commit = off`.execute(trx);
        const result = await upsertPapersNotifyingFollowers(trx, store.capabilities.maxParameters, batchPapers, stamp, {
          initialTrendingScore: scoreOnArrival,
        });
        await upsertFeedEntries(trx, batchFeed, stamp);
        // Upvotes, star counts and feed days feed the trending score: recompute it in the same transaction, so a
        // score never disagrees with its inputs, even when the import is killed.
        await recomputeTrending(trx, scoresToRecompute(batchPapers, batchFeed, result.insertedIds));
        await setJobState(trx, checkpointKey, String(position), stamp);
        return result;
      });
      summary.inserted += counts.inserted;
      summary.updated += counts.updated;
      summary.feedEntries += batchFeed.length;
      if (options.onPapersWritten && batchPapers.length > 0) await options.onPapersWritten(batchPapers.map((p) => p.id));
    };

    // One batch is written while the next is read and parsed; batches still commit one after another, in order, so
    // each checkpoint covers every record before it.
    let writing: Promise<void> = Promise.resolve();
    const startFlush = async () => {
      await writing;
      writing = flush();
      // A failure surfaces where the batch is next awaited.
      writing.catch(() => undefined);
    };

    let unitFailed = false;
    try {
      for await (const item of namingFailures(unit)) {
        if (item.kind === 'failed') {
          // The records committed before the failure stay, and so does the unit's checkpoint: reading the same
          // file again (after a passing read error) resumes after them.
          recordSkip(summary, unit.label, item.reason);
          unitFailed = true;
          break;
        }
        if (options.limit !== undefined && processed >= options.limit) break;
        lastPosition = item.position;
        if (item.position <= resumeAfter) {
          summary.resumed += 1;
          continue;
        }
        processed += 1;
        summary.read += 1;
        if (item.kind === 'skip') {
          recordSkip(summary, item.where, item.reason);
        } else {
          papers.push(item.paper);
          if (item.feed) feed.push(item.feed);
          if (papers.length >= IMPORT_BATCH_SIZE) await startFlush();
        }
        meter.update(unit.label, summary.read, bytesBefore + unit.bytesRead(), totalBytes);
      }
    } catch (error) {
      // The batch being written finishes (or fails) before the error leaves the import.
      await writing.catch(() => undefined);
      throw error;
    }
    await startFlush();
    await writing;
    const interrupted = options.limit !== undefined && processed >= options.limit;
    if (!options.dryRun && !interrupted && !unitFailed) await deleteJobState(store.db, checkpointKey);
    bytesBefore += unit.totalBytes ?? 0;
    if (interrupted) break;
  }
  summary.seconds = meter.elapsedSeconds();
  return summary;
}

export function formatSummary(summary: ImportSummary, dryRun = false): string {
  const lines = [
    `${dryRun ? 'Dry run: ' : ''}read ${summary.read}, inserted ${summary.inserted}, updated ${summary.updated}, skipped ${summary.skipped}` +
      (summary.resumed > 0 ? `, already imported by an interrupted run ${summary.resumed}` : '') +
      ` (${summary.seconds.toFixed(1)}s, ${Math.round(summary.read / Math.max(summary.seconds, 1e-9))} records/s)`,
  ];
  if (summary.feedEntries > 0) lines.push(`feed entries written: ${summary.feedEntries}`);
  for (const [reason, n] of Object.entries(summary.skipReasons)) lines.push(`  skipped ${n} × ${reason}`);
  for (const example of summary.skippedExamples.slice(0, 5)) lines.push(`  e.g. ${example.where}: ${example.reason}`);
  return lines.join('\n');
}
