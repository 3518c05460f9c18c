import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FeedRecord, Organization, PaperRecord, SourceSubmitter } from '../papers/paper.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { MalformedRecord, type SourceItem, type SourceUnit } from './source.js';
import { INPUT_LIMITS } from './input-limits.js';
import { withinFeedLimits, withinPaperLimits } from './record-limits.js';
import { readTimestamp, verbatimText, verbatimUrl } from './text.js';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

function strings(value: unknown, read: (item: unknown) => string | null): string[] | null {
  if (!Array.isArray(value)) return null;
  const kept = value.map(read).filter((item): item is string => item !== null);
  return kept.length > 0 ? kept : null;
}

function organizationOf(value: unknown): Organization | null {
  const org = asObject(value);
  if (!org) return null;
  // HF's paper organisations carry `avatar`; its user-side organisation objects call it `avatarUrl`.
  const avatar = verbatimUrl(org.avatar) ?? verbatimUrl(org.avatarUrl);
  const organization = { name: verbatimText(org.name), fullname: verbatimText(org.fullname), avatar };
  return organization.name || organization.fullname ? organization : null;
}

const SUBMITTER_TEXT = ['name', 'user', 'fullname', 'type'] as const;
const SUBMITTER_FLAGS = ['isPro', 'isHf'] as const;

/** The submitter's public profile fields HF shows on a card, with HF's keys; ids and everything else are left out. */
function submitterOf(value: unknown): SourceSubmitter | null {
  const raw = asObject(value);
  if (!raw) return null;
  const submitter: Record<string, string | boolean> = {};
  for (const key of SUBMITTER_TEXT) {
    const text = verbatimText(raw[key]);
    if (text !== null) submitter[key] = text;
  }
  const avatarUrl = verbatimUrl(raw.avatarUrl);
  if (avatarUrl !== null) submitter.avatarUrl = avatarUrl;
  for (const key of SUBMITTER_FLAGS) if (typeof raw[key] === 'boolean') submitter[key] = raw[key];
  return submitter.name || submitter.user || submitter.fullname ? (submitter as SourceSubmitter) : null;
}

/**
 * Maps one entry of the Hugging Face `/api/daily_papers` response, keeping every value as HF wrote it: titles and
 * summaries with their line breaks and TeX, URLs with their trailing slashes, timestamps with their time of day.
 * The paper object's fields go to the paper; the entry's own `publishedAt`, `title`, `summary`, `submittedBy`
 * and `mediaUrls`, and the paper's `submittedOnDailyAt`, belong to this appearance on the feed.
 *
 * The feed day is `paper.submittedOnDailyAt` where present, otherwise the entry's own `publishedAt` (when it was
 * put on the feed).
 */
export function parseDailyPaperEntry(entry: unknown): { paper: PaperRecord; feed: FeedRecord } {
  const outer = asObject(entry);
  if (!outer) throw new MalformedRecord('entry is not an object');
  const inner = asObject(outer.paper);
  if (!inner) throw new MalformedRecord('entry has no paper object');
  if (typeof inner.id !== 'string') throw new MalformedRecord('paper has no id');
  const arxivId = parseArxivId(inner.id);
  if (!arxivId) throw new MalformedRecord(`invalid arXiv id "${inner.id.slice(0, 40)}"`);
  const entryTitle = verbatimText(outer.title);
  const title = verbatimText(inner.title) ?? entryTitle;
  if (!title) throw new MalformedRecord(`${arxivId.id}: missing title`);
  const entrySummary = typeof outer.summary === 'string' ? outer.summary : null;
  const summary = typeof inner.summary === 'string' ? inner.summary : entrySummary;
  if (summary === null) throw new MalformedRecord(`${arxivId.id}: missing summary`);
  const authors = (Array.isArray(inner.authors) ? inner.authors : [])
    .map((author) => verbatimText(asObject(author)?.name))
    .filter((name): name is string => name !== null);

  const submittedOnDailyAt = readTimestamp(inner.submittedOnDailyAt, `${arxivId.id}: submittedOnDailyAt`);
  const entryPublishedAt = readTimestamp(outer.publishedAt, `${arxivId.id}: the entry's publishedAt (its feed date)`);
  const featuredAt = submittedOnDailyAt ?? entryPublishedAt;
  if (!featuredAt) throw new MalformedRecord(`${arxivId.id}: no feed date (submittedOnDailyAt or publishedAt)`);
  const day = featuredAt.slice(0, 10);
  const repoUrl = verbatimUrl(inner.githubRepo);
  const stars = typeof inner.githubStars === 'number' && inner.githubStars >= 0 ? Math.floor(inner.githubStars) : null;

  return {
    paper: withinPaperLimits({
      id: arxivId.id,
      version: arxivId.version,
      title,
      abstract: summary,
      authors,
      publishedAt: readTimestamp(inner.publishedAt, `${arxivId.id}: publishedAt`),
      projectPage: verbatimUrl(inner.projectPage),
      organization: organizationOf(inner.organization) ?? organizationOf(outer.organization),
      aiSummary: verbatimText(inner.ai_summary) ?? verbatimText(outer.ai_summary),
      aiKeywords: strings(inner.ai_keywords, verbatimText) ?? strings(outer.ai_keywords, verbatimText),
      thumbnail: verbatimUrl(outer.thumbnail),
      codeRepo: repoUrl ? { url: repoUrl, stars, countedAt: `${day}T00:00:00.000Z` } : null,
      source: 'hf-daily',
    }),
    feed: withinFeedLimits({
      day,
      paperId: arxivId.id,
      upvotes: count(inner.upvotes),
      comments: count(outer.numComments),
      source: 'hf-daily',
      submittedOnDailyAt,
      publishedAt: entryPublishedAt,
      title: entryTitle,
      // The entry repeats the paper's summary; only a summary of its own is worth a second copy.
      summary: entrySummary !== null && entrySummary !== summary ? entrySummary : null,
      submittedBy: submitterOf(outer.submittedBy) ?? submitterOf(inner.submittedOnDailyBy),
      mediaUrls: strings(inner.mediaUrls, verbatimUrl) ?? strings(outer.mediaUrls, verbatimUrl),
    }),
  };
}

/** Files to import: the given files, and every `.json`/`.json.gz` inside given directories, in name order. */
export function listDailyFiles(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    const stat = fs.statSync(input);
    if (stat.isDirectory()) {
      const names = fs
        .readdirSync(input)
        .filter((name) => name.endsWith('.json') || name.endsWith('.json.gz'))
        .sort();
      files.push(...names.map((name) => path.join(input, name)));
    } else {
      files.push(input);
    }
  }
  return files;
}

class DailyFileError extends Error {}

const gunzip = promisify(zlib.gunzip);

/** The file's bytes, gunzipped for `.gz`; a DailyFileError when it is larger than the limit or not gzip. */
async function readDailyFile(file: string, size: number): Promise<Buffer> {
  const max = INPUT_LIMITS.dailyFileBytes;
  if (size > max) throw new DailyFileError(`file is ${size} bytes (at most ${max})`);
  const raw = await fs.promises.readFile(file);
  if (!file.endsWith('.gz')) return raw;
  try {
    // Decompression stops as soon as the output would pass the limit, so a gzip bomb never takes more memory.
    return await gunzip(raw, { maxOutputLength: max });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new DailyFileError(`file decompresses to more than ${max} bytes`);
    throw new DailyFileError(`file is not valid gzip (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function readDailyJson(file: string, size: number): Promise<unknown> {
  const text = (await readDailyFile(file, size)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new DailyFileError('file is not valid JSON');
  }
}

/**
 * The entries of one `/api/daily_papers` answer as import items: a paper with its feed entry, or a skip naming the
 * entry (`label[index]`). `progress` hears how many entries have been read.
 */
export function* dailyEntryItems(entries: readonly unknown[], label: string, progress: (done: number) => void): Generator<SourceItem> {
  for (let index = 0; index < entries.length; index++) {
    progress(index + 1);
    const position = index + 1;
    try {
      const { paper, feed } = parseDailyPaperEntry(entries[index]);
      yield { kind: 'paper', paper, feed, position };
    } catch (error) {
      if (!(error instanceof MalformedRecord)) throw error;
      yield { kind: 'skip', reason: error.message, where: `${label}[${index}]`, position };
    }
  }
}

/** One daily-papers file (a JSON array of entries, at most a few hundred kilobytes). */
export function dailyFileUnit(file: string): SourceUnit {
  const size = fs.statSync(file).size;
  const label = path.basename(file);
  let consumed = 0;
  return {
    key: `hf-daily:${path.resolve(file)}:${size}`,
    label,
    totalBytes: size,
    bytesRead: () => consumed,
    async *items(): AsyncIterable<SourceItem> {
      let entries: unknown;
      try {
        entries = await readDailyJson(file, size);
      } catch (error) {
        if (!(error instanceof DailyFileError)) throw error;
        consumed = size;
        yield { kind: 'skip', reason: error.message, where: label, position: 1 };
        return;
      }
      if (!Array.isArray(entries)) {
        consumed = size;
        yield { kind: 'skip', reason: 'file is not a JSON array of daily papers', where: label, position: 1 };
        return;
      }
      yield* dailyEntryItems(entries, label, (done) => {
        consumed = Math.round((size * done) / entries.length);
      });
    },
  };
}
