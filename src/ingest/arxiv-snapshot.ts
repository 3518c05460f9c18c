import path from 'node:path';
import type { PaperRecord } from '../papers/paper.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { INPUT_LIMITS } from './input-limits.js';
import { openBoundedLineFile, type OverlongLine } from './line-reader.js';
import { itemsFromParseWorker, prewarmParseWorker } from './parse-in-worker.js';
import { MalformedRecord, type SourceItem, type SourceUnit } from './source.js';
import { withinPaperLimits } from './record-limits.js';
import { cleanText, optionalText, readTimestamp, splitAuthorList } from './text.js';

interface SnapshotVersion {
  version?: unknown;
  created?: unknown;
}

function authorsOf(record: Record<string, unknown>): string[] {
  const parsed = record.authors_parsed;
  if (Array.isArray(parsed) && parsed.length > 0) {
    const names = parsed
      .filter((entry): entry is unknown[] => Array.isArray(entry))
      .map((entry) => {
        const [last, first, suffix] = entry.map((part) => (typeof part === 'string' ? cleanText(part) : ''));
        return [first, last, suffix].filter((part) => part).join(' ');
      })
      .filter((name) => name !== '');
    if (names.length > 0) return names;
  }
  return typeof record.authors === 'string' ? splitAuthorList(record.authors) : [];
}

/** Maps one line of the arXiv bulk metadata snapshot to a paper; throws MalformedRecord with the reason. */
export function parseSnapshotRecord(line: string): PaperRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new MalformedRecord('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedRecord('not a JSON object');
  const record = value as Record<string, unknown>;
  if (typeof record.id !== 'string') throw new MalformedRecord('missing id');
  const arxivId = parseArxivId(record.id);
  if (!arxivId) throw new MalformedRecord(`invalid arXiv id "${record.id.slice(0, 40)}"`);
  const title = optionalText(record.title);
  if (!title) throw new MalformedRecord(`${arxivId.id}: missing title`);
  if (typeof record.abstract !== 'string') throw new MalformedRecord(`${arxivId.id}: missing abstract`);
  const authors = authorsOf(record);
  if (authors.length === 0) throw new MalformedRecord(`${arxivId.id}: no authors`);

  const versions = Array.isArray(record.versions) ? (record.versions as SnapshotVersion[]) : [];
  const versionDates = versions
    .map((v) => readTimestamp(v?.created, `${arxivId.id}: a version date`))
    .filter((d): d is string => d !== null);
  const announced = readTimestamp(record.update_date, `${arxivId.id}: update_date`);
  const categories = typeof record.categories === 'string' ? record.categories.split(/\s+/).filter(Boolean) : [];

  return withinPaperLimits({
    id: arxivId.id,
    version: versions.length > 0 ? versions.length : arxivId.version,
    title,
    abstract: cleanText(record.abstract),
    authors,
    categories,
    publishedAt: versionDates[0] ?? announced,
    updatedAt: versionDates[versionDates.length - 1] ?? announced,
    comments: optionalText(record.comments),
    journalRef: optionalText(record['journal-ref']),
    doi: optionalText(record.doi),
    license: optionalText(record.license),
    source: 'arxiv-snapshot',
  });
}

/** The item for the non-blank line at `position` of a snapshot file: its paper, or why it was skipped. */
export function snapshotItem(line: string | OverlongLine, position: number, label: string): SourceItem {
  if (typeof line !== 'string') {
    const reason = `line is ${line.overlongBytes} bytes long (at most ${INPUT_LIMITS.snapshotLineBytes})`;
    return { kind: 'skip', reason, where: `${label}:${position}`, position };
  }
  try {
    return { kind: 'paper', paper: parseSnapshotRecord(line), position };
  } catch (error) {
    if (!(error instanceof MalformedRecord)) throw error;
    return { kind: 'skip', reason: error.message, where: `${label}:${position}`, position };
  }
}

export function isBlank(line: string | OverlongLine): boolean {
  return typeof line === 'string' && line.trim() === '';
}

/** Below this size starting a worker thread costs more than parsing on the calling thread. */
const WORKER_MIN_BYTES = 1 << 20;

export interface SnapshotUnitOptions {
  /** Parse on a worker thread (default: for files of 1 MiB and more). */
  readonly parseInWorker?: boolean;
}

export function snapshotFileUnit(file: string): SourceUnit {
  return snapshotFileUnitWith(file, {});
}

export function snapshotFileUnitWith(file: string, options: SnapshotUnitOptions): SourceUnit {
  const reader = openBoundedLineFile(file, INPUT_LIMITS.snapshotLineBytes);
  const label = path.basename(file);
  const parseInWorker = options.parseInWorker ?? reader.totalBytes >= WORKER_MIN_BYTES;
  let workerBytesRead = 0;
  if (parseInWorker) prewarmParseWorker();
  return {
    key: `arxiv-snapshot:${path.resolve(file)}:${reader.totalBytes}`,
    label,
    totalBytes: reader.totalBytes,
    bytesRead: parseInWorker ? () => workerBytesRead : reader.bytesRead,
    async *items(): AsyncIterable<SourceItem> {
      if (parseInWorker) {
        yield* itemsFromParseWorker({ file, label, batchSize: 250, window: 4 }, (bytes) => (workerBytesRead = bytes));
        return;
      }
      let position = 0;
      for await (const line of reader.lines()) {
        if (isBlank(line)) continue;
        position += 1;
        yield snapshotItem(line, position, label);
      }
    },
  };
}
