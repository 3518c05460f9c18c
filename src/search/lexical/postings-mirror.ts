import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Store } from '../../db/database.js';
import { LOG_START, type LogPosition } from '../change-log.js';
import type { ColumnWeights } from './fts5-bm25.js';
import { createPaperTextSource, TEXT_PAGE, type PaperTextSource } from './paper-text-source.js';
import { readPostingsFile, writePostingsFile, type PostingsFileMeta } from './postings-file.js';
import { PostingsIndex, type PostingsQuery } from './postings-index.js';
import { RankingLanes } from './ranking-lanes.js';
/** Each build segment holds this many papers: large enough that segments stay few, small enough to build fast. */
const BUILD_SEGMENT = 65_536;
/** The file is rewritten once this many changes (or a quarter of the papers, if more) were applied since it was. */
const MIN_UNSAVED_CHANGES = 20_000;

export interface MirrorBuildReport {
  /** Where the index came from: its file (then caught up with the log), or every paper in the database. */
  readonly source: 'file' | 'database';
  /** Why an existing file was not used, when it was not. */
  readonly fileRejected?: string;
  readonly papers: number;
  readonly postings: number;
  readonly segments: number;
  readonly seconds: number;
}

/** A ranked paper of the in-memory index. */
export interface RankedPaper {
  readonly paperId: string;
  readonly score: number;
}

/**
 * Which of these (visible, ranked) papers the query's remaining conditions admit — phrases, multi-word exclusions,
 * filters — asked of the database's own full-text engine; the ranking stays the in-memory bm25.
 */
export type AdmitPapers = (paperIds: readonly string[]) => Promise<ReadonlySet<string>>;

/** The first candidate pool for a query with conditions the database checks, as a multiple of the page asked for. */
const ADMIT_POOL_FACTOR = 4;

/** Keys up to this are kept in a typed array; a larger (unusual, sparse) rowid goes to a map. */
const DENSE_KEYS = 1 << 27;

/** Days since 1970-01-01 of an ISO date or timestamp, or 0 when there is none (no paper predates 1991). */
function epochDay(publishedAt: string | null): number {
  if (publishedAt === null || publishedAt.length < 10) return 0;
  const ms = Date.parse(`${publishedAt.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(ms) ? 0 : Math.round(ms / 86_400_000);
}

/** Publication days by paper key, so a match set can be counted by day without asking the database. */
class DaysByKey {
  private dense = new Int32Array(1024);
  private readonly sparse = new Map<number, number>();

  set(key: number, day: number): void {
    if (key >= DENSE_KEYS) {
      if (day === 0) this.sparse.delete(key);
      else this.sparse.set(key, day);
      return;
    }
    if (key >= this.dense.length) {
      const next = new Int32Array(Math.max(key + 1, this.dense.length * 2));
      next.set(this.dense);
      this.dense = next;
    }
    this.dense[key] = day;
  }

  get(key: number): number {
    return key < this.dense.length ? this.dense[key]! : (this.sparse.get(key) ?? 0);
  }
}

/** How many papers hold each word, out of how many. */
export interface DocumentFrequencies {
  readonly papers: number;
  readonly frequencies: ReadonlyMap<string, number>;
}

/** Days this side of 2150 are counted in an array (a hash-map update per matching paper cost a trend most of its time). */
const DENSE_DAYS = 65_536;

/** Counts matching papers by day, then hands the counts over and starts afresh. */
class DayTally {
  private readonly dense = new Int32Array(DENSE_DAYS);
  private readonly touched: number[] = [];
  private readonly sparse = new Map<number, number>();

  add(day: number): void {
    if (day > 0 && day < DENSE_DAYS) {
      const before = this.dense[day]!;
      this.dense[day] = before + 1;
      if (before === 0) this.touched.push(day);
    } else {
      this.sparse.set(day, (this.sparse.get(day) ?? 0) + 1);
    }
  }

  drain(): Map<number, number> {
    const counts = new Map<number, number>(this.sparse);
    for (const day of this.touched) {
      counts.set(day, this.dense[day]!);
      this.dense[day] = 0;
    }
    this.touched.length = 0;
    this.sparse.clear();
    return counts;
  }
}

/**
 * Keeps a PostingsIndex in step with the papers table: loaded from its file (or built from every paper), then
 * brought up to date before each search from papers_text_changes (migrations 008 and 016), which triggers fill
 * whichever process writes, read in commit-safe order (see change-log.ts). Searches wait for nothing: until the
 * index is ready, `search` returns null and the caller uses the full-text engine instead. The file is only a cache:
 * one that does not match the database (another database's log, an older backup restored) is rebuilt, and
 * deleting it is always safe. Where keys are handed out in memory (PostgreSQL) the index is not saved.
 */
export class PostingsMirror {
  private index: PostingsIndex;
  /** Each paper's publication day beside the index, filled from the same reads and changes as its text. */
  private readonly days = new DaysByKey();
  private readonly dayTally = new DayTally();
  private built = false;
  private building: Promise<MirrorBuildReport> | null = null;
  private applied: LogPosition = LOG_START;
  /** Catch-ups run one at a time, so two searches never apply the same change twice. */
  private catchingUp: Promise<void> = Promise.resolve();
  private backlog: Promise<void> | null = null;
  private unsavedChanges = 0;
  /** Saves run one after another (two writers would race on the temporary file). */
  private saveChain: Promise<void> = Promise.resolve();
  private autoSaving = false;
  /** Set by `close`: a build under way gives up, and nothing is saved after the one save `close` makes. */
  private closing = false;

  private readonly source: PaperTextSource;
  /** Threads that share out the ranking of a large query. */
  private readonly lanes = new RankingLanes();

  constructor(
    store: Store,
    private readonly weights: ColumnWeights,
    /** Where the index is saved between runs; null keeps it in memory only. */
    private readonly file: string | null = null,
  ) {
    this.index = new PostingsIndex(weights);
    this.source = createPaperTextSource(store);
  }

  get ready(): boolean {
    return this.built;
  }

  get size(): number {
    return this.index.size;
  }

  /** Loads or builds the index; later calls share the first one. */
  build(): Promise<MirrorBuildReport> {
    this.building ??= this.buildOnce().catch((error: unknown) => {
      this.building = null;
      throw error;
    });
    return this.building;
  }

  private async buildOnce(): Promise<MirrorBuildReport> {
    const started = performance.now();
    const loaded = this.file ? await this.load(this.file) : null;
    if (loaded === true) {
      await this.readAllDays();
      this.built = true;
      await this.catchUp();
      return this.report('file', undefined, started);
    }
    await this.readAllPapers();
    this.built = true;
    await this.catchUp();
    if (this.file) await this.save();
    return this.report('database', loaded ?? undefined, started);
  }

  /** True when the file was loaded; otherwise why it was not (null when there is none). */
  private async load(file: string): Promise<true | string | null> {
    const saved = await readPostingsFile(file);
    if (saved === null) return null;
    const { meta, state } = saved;
    if (meta.weights.join() !== this.weights.join()) return 'it was built with other column weights';
    const position = meta.applied;
    const anchor = await this.source.anchorAt(position);
    if (BigInt((await this.source.log.end()).after) < BigInt(position.after) || anchor !== meta.anchor) {
      return "its change-log position does not match this database's";
    }
    this.index = PostingsIndex.restore(this.weights, state);
    this.applied = position;
    return true;
  }

  /** Reads every paper into the index, yielding to the event loop between pages. */
  private async readAllPapers(): Promise<void> {
    const start = await this.source.log.end();
    let open = 0;
    await this.source.readAll(async (texts) => {
      this.stopIfClosing();
      for (const text of texts) this.days.set(text.key, epochDay(text.publishedAt));
      open += texts.length;
      this.index.add(texts, { seal: open >= BUILD_SEGMENT });
      if (open >= BUILD_SEGMENT) open = 0;
      // A server keeps answering (with the database's full-text engine) while this runs.
      await nextTurn();
    });
    this.index.add([]);
    // Changes made while reading are in the log after `start`; applying them again is harmless.
    this.applied = start;
  }

  /** Publication days of every paper, after loading the saved file (which holds the text index only). */
  private async readAllDays(): Promise<void> {
    await this.source.readAllDays(async (days) => {
      this.stopIfClosing();
      for (const { key, publishedAt } of days) this.days.set(key, epochDay(publishedAt));
      await nextTurn();
    });
  }

  private report(source: MirrorBuildReport['source'], fileRejected: string | undefined, started: number): MirrorBuildReport {
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    return {
      source,
      ...(fileRejected ? { fileRejected } : {}),
      papers: this.index.size,
      postings: this.index.postingCount,
      segments: this.index.segmentCount,
      seconds,
    };
  }

  /**
   * The best documents by bm25, or null while the index is still being built, is applying a large backlog of
   * changes, or could not catch up with the database (a locked or failing read): the caller then asks FTS5, and the
   * next search tries again.
   */
  async search(query: PostingsQuery): Promise<RankedPaper[] | null> {
    if (!(await this.caughtUp())) return null;
    const ranked = await this.index.searchInLanes(query, this.lanes);
    const ids = await this.source.visibleIds(ranked.map((r) => r.key));
    return ranked.flatMap((r) => {
      const paperId = ids.get(r.key);
      return paperId === undefined ? [] : [{ paperId, score: r.score }];
    });
  }

  /**
   * The best papers by bm25 among those `admit` lets through: ranks a pool a few times the page, asks the database
   * which of them qualify, and widens the pool until the page is full or every matching paper was asked about.
   */
  async searchAdmitted(query: PostingsQuery, admit: AdmitPapers): Promise<RankedPaper[] | null> {
    if (!(await this.caughtUp())) return null;
    const admitted: RankedPaper[] = [];
    let asked = 0;
    for (let pool = query.limit * ADMIT_POOL_FACTOR; ; pool *= ADMIT_POOL_FACTOR) {
      const ranked = await this.index.searchInLanes({ ...query, limit: pool }, this.lanes);
      const fresh = ranked.slice(asked);
      asked = ranked.length;
      const ids = await this.source.visibleIds(fresh.map((r) => r.key));
      const candidates = fresh.flatMap((r) => {
        const paperId = ids.get(r.key);
        return paperId === undefined ? [] : [{ paperId, score: r.score }];
      });
      const allowed = candidates.length === 0 ? new Set<string>() : await admit(candidates.map((c) => c.paperId));
      for (const candidate of candidates) if (allowed.has(candidate.paperId)) admitted.push(candidate);
      if (admitted.length >= query.limit || ranked.length < pool) return admitted.slice(0, query.limit);
    }
  }

  /** Papers holding each word, and all papers, or null when the index cannot answer now (as `search`). */
  async documentFrequencies(words: readonly string[]): Promise<DocumentFrequencies | null> {
    if (!(await this.caughtUp())) return null;
    return this.index.documentFrequencies(words);
  }

  /** Papers holding the rarest of the words (hidden ones included), or null when the index cannot answer now. */
  async rarestWordFrequency(words: readonly string[]): Promise<number | null> {
    const counts = await this.documentFrequencies(words);
    return counts ? Math.min(...counts.frequencies.values()) : null;
  }

  /**
   * The visible papers holding every one of the words, or null when a word is in more than `upTo` papers (hidden
   * ones included), or when the index cannot answer now (as `search`).
   */
  async papersHoldingAll(words: readonly string[], upTo: number): Promise<string[] | null> {
    if (words.length === 0) return null;
    const rarest = await this.rarestWordFrequency(words);
    if (rarest === null || rarest > upTo) return null;
    const keys: number[] = [];
    this.index.forEachMatch(words, [], (key) => keys.push(key));
    return [...(await this.source.visibleIds(keys)).values()];
  }

  /**
   * Visible papers holding every one of `terms` and none of `excluded` (single words), counted by publication day
   * (days since 1970-01-01; undated papers are left out), or null when the index cannot answer now (as `search`).
   */
  async countByDay(terms: readonly string[], excluded: readonly string[]): Promise<Map<number, number> | null> {
    if (!(await this.caughtUp())) return null;
    const tally = this.dayTally;
    this.index.forEachMatch(terms, excluded, (key) => {
      const day = this.days.get(key);
      if (day !== 0) tally.add(day);
    });
    return tally.drain();
  }

  /**
   * Applies the log before a search; false while the index is being built, is applying a large backlog, or could
   * not catch up (a locked or failing read): the caller then asks the database, and the next search tries again.
   */
  private async caughtUp(): Promise<boolean> {
    if (!this.built) return false;
    try {
      // A large backlog (an import by another process) is applied in the background while the database answers,
      // rather than holding this search and every one queued behind it.
      const behind = await this.source.log.pending(this.applied);
      if (behind > TEXT_PAGE) {
        this.backlog ??= this.catchUp().finally(() => (this.backlog = null));
        this.backlog.catch(() => undefined);
        return false;
      }
      if (behind > 0) await this.catchUp();
      return true;
    } catch {
      return false;
    }
  }

  catchUp(): Promise<void> {
    const run = this.catchingUp.catch(() => undefined).then(() => this.applyChanges());
    this.catchingUp = run;
    return run;
  }

  /**
   * Stops for good, for a process that is closing: a build under way gives up at its next page (a server must not wait
   * minutes for one), a catch-up under way finishes, the index is saved once if changes were applied since it last
   * was, and no save starts afterwards, so nothing writes the file once this has resolved.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.building?.catch(() => undefined);
    await this.catchingUp.catch(() => undefined);
    if (this.built && this.file && this.unsavedChanges > 0) await this.save();
    await this.saveChain.catch(() => undefined);
  }

  private stopIfClosing(): void {
    if (this.closing) throw new Error('the keyword index was closed while it was being built');
  }

  private async applyChanges(): Promise<void> {
    if ((await this.source.log.pending(this.applied)) === 0) return;
    this.applied = await this.source.log.read(this.applied, ({ present, gone }, count) => {
      for (const key of gone) this.days.set(key, 0);
      for (const text of present) this.days.set(text.key, epochDay(text.publishedAt));
      this.index.remove(gone);
      this.index.add(present);
      this.unsavedChanges += count;
    });
    if (this.file && !this.closing && !this.autoSaving && this.unsavedChanges >= Math.max(MIN_UNSAVED_CHANGES, this.index.size / 4)) {
      this.autoSaving = true;
      void this.save()
        .catch(() => undefined)
        .finally(() => (this.autoSaving = false));
    }
  }

  private save(): Promise<void> {
    const run = this.saveChain.catch(() => undefined).then(() => this.writeFile());
    this.saveChain = run;
    return run;
  }

  /** Writes the current state; the state and its log position are taken together, before the first await. */
  private async writeFile(): Promise<void> {
    if (!this.file) return;
    const state = this.index.state();
    const applied = this.applied;
    const changes = this.unsavedChanges;
    const anchor = await this.source.anchorAt(applied);
    const meta: PostingsFileMeta = { weights: this.weights, applied, anchor };
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await writePostingsFile(this.file, state, meta);
    this.unsavedChanges -= changes;
  }
}
