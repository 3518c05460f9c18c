import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { ColumnWeights } from './fts5-bm25.js';
import { readPostingsFile, writePostingsFile, type PostingsFileMeta } from './postings-file.js';
import { PostingsIndex, type IndexedText, type PostingsQuery, type ScoredKey } from './postings-index.js';

/** Papers read (and tokenized without yielding) per page while building, and changes applied per page while catching up. */
const PAGE = 4_096;
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

interface TextRow {
  key: number;
  title: string | null;
  abstract: string | null;
  authors: string | null;
  hidden: number | null;
  published_at: string | null;
}

/** Rowids up to this are kept in a typed array; a larger (unusual, sparse) rowid goes to a map. */
const DENSE_KEYS = 1 << 27;

/** Days since 1970-01-01 of an ISO date or timestamp, or 0 when there is none (no paper predates 1991). */
function epochDay(publishedAt: string | null): number {
  if (publishedAt === null || publishedAt.length < 10) return 0;
  const ms = Date.parse(`${publishedAt.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(ms) ? 0 : Math.round(ms / 86_400_000);
}

/** Publication days by paper rowid, so a match set can be counted by day without asking the database. */
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

/**
 * Keeps a PostingsIndex in step with the papers table of a SQLite database: loaded from its file (or built from
 * every paper), then brought up to date before each search from papers_text_changes (migration 008), which
 * triggers fill whichever process writes. Searches wait for nothing: until the index is ready, `search` returns
 * null and the caller uses the full-text engine instead. The file is only a cache: one that does not match the
 * database (another database's log, an older backup restored) is rebuilt, and deleting it is always safe.
 */
export class PostingsMirror {
  private index: PostingsIndex;
  private readonly days = new DaysByKey();
  private built = false;
  private building: Promise<MirrorBuildReport> | null = null;
  private appliedSeq = 0;
  /** Catch-ups run one at a time, so two searches never apply the same change twice. */
  private catchingUp: Promise<void> = Promise.resolve();
  private backlog: Promise<void> | null = null;
  private unsavedChanges = 0;
  /** Saves run one after another (two writers would race on the temporary file). */
  private saveChain: Promise<void> = Promise.resolve();
  private autoSaving = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly weights: ColumnWeights,
    /** Where the index is saved between runs; null keeps it in memory only. */
    private readonly file: string | null = null,
  ) {
    this.index = new PostingsIndex(weights);
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
    const anchor = await this.anchorAt(meta.appliedSeq);
    if ((await this.lastSeq()) < meta.appliedSeq || JSON.stringify(anchor) !== JSON.stringify(meta.anchor)) {
      return "its change-log position does not match this database's";
    }
    this.index = PostingsIndex.restore(this.weights, state);
    this.appliedSeq = meta.appliedSeq;
    return true;
  }

  /** Reads every paper into the index, yielding to the event loop between pages. */
  private async readAllPapers(): Promise<void> {
    const startSeq = await this.lastSeq();
    let open = 0;
    for (let after = 0; ;) {
      const { rows } = await sql<TextRow>`
        SELECT rowid AS key, title, abstract, authors, hidden, published_at FROM papers WHERE rowid > ${after} ORDER BY rowid LIMIT ${PAGE}`.execute(
        this.db,
      );
      if (rows.length === 0) break;
      for (const row of rows) this.days.set(Number(row.key), epochDay(row.published_at));
      open += rows.length;
      this.index.add(rows.map(toText), { seal: open >= BUILD_SEGMENT });
      if (open >= BUILD_SEGMENT) open = 0;
      after = Number(rows[rows.length - 1]!.key);
      // A server keeps answering (with FTS5) while this runs.
      await nextTurn();
    }
    this.index.add([]);
    // Changes made while reading are in the log after startSeq; applying them again is harmless.
    this.appliedSeq = startSeq;
  }

  /** Publication days of every paper (the saved file holds the text index only). */
  private async readAllDays(): Promise<void> {
    for (let after = 0; ;) {
      const { rows } = await sql<{ key: number; published_at: string | null }>`
        SELECT rowid AS key, published_at FROM papers WHERE rowid > ${after} ORDER BY rowid LIMIT ${PAGE * 8}`.execute(this.db);
      if (rows.length === 0) break;
      for (const row of rows) this.days.set(Number(row.key), epochDay(row.published_at));
      after = Number(rows[rows.length - 1]!.key);
      await nextTurn();
    }
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
  async search(query: PostingsQuery): Promise<ScoredKey[] | null> {
    return (await this.current()) ? this.index.search(query) : null;
  }

  /**
   * Visible papers holding every one of `terms` and none of `excluded` (single words), counted by publication day
   * (days since 1970-01-01; undated papers are left out), or null when the index cannot answer now (as `search`).
   */
  async countByDay(terms: readonly string[], excluded: readonly string[]): Promise<Map<number, number> | null> {
    if (!(await this.current())) return null;
    const counts = new Map<number, number>();
    this.index.forEachMatch(terms, excluded, (key) => {
      const day = this.days.get(key);
      if (day !== 0) counts.set(day, (counts.get(day) ?? 0) + 1);
    });
    return counts;
  }

  /** Whether the index is built and caught up with the database, catching up when only a little behind. */
  private async current(): Promise<boolean> {
    if (!this.built) return false;
    try {
      // A large backlog (an import by another process) is applied in the background while FTS5 answers, rather
      // than holding this search and every one queued behind it.
      const behind = (await this.lastSeq()) - this.appliedSeq;
      if (behind > PAGE) {
        this.backlog ??= this.catchUp().finally(() => (this.backlog = null));
        this.backlog.catch(() => undefined);
        return false;
      }
      if (behind > 0) await this.catchUp();
    } catch {
      return false;
    }
    return true;
  }

  catchUp(): Promise<void> {
    const run = this.catchingUp.catch(() => undefined).then(() => this.applyChanges());
    this.catchingUp = run;
    return run;
  }

  /** Saves the index when changes were applied since it was last saved. */
  async flush(): Promise<void> {
    if (this.built && this.file && this.unsavedChanges > 0) await this.save();
    else await this.saveChain.catch(() => undefined);
  }

  private async applyChanges(): Promise<void> {
    if ((await this.lastSeq()) <= this.appliedSeq) return;
    for (;;) {
      const { rows } = await sql<TextRow & { seq: number }>`
        SELECT c.seq AS seq, c.paper_rowid AS key, p.title AS title, p.abstract AS abstract, p.authors AS authors, p.hidden AS hidden,
          p.published_at AS published_at
        FROM papers_text_changes c LEFT JOIN papers p ON p.rowid = c.paper_rowid
        WHERE c.seq > ${this.appliedSeq} ORDER BY c.seq LIMIT ${PAGE}`.execute(this.db);
      if (rows.length === 0) break;
      // A paper changed twice in one page is applied once, as it is now.
      const latest = new Map<number, TextRow>();
      for (const row of rows) latest.set(Number(row.key), row);
      const present: IndexedText[] = [];
      const gone: number[] = [];
      for (const [key, row] of latest) {
        this.days.set(key, epochDay(row.published_at));
        if (row.title === null) gone.push(key);
        else present.push(toText(row));
      }
      this.index.remove(gone);
      this.index.add(present);
      this.appliedSeq = Number(rows[rows.length - 1]!.seq);
      this.unsavedChanges += rows.length;
    }
    if (this.file && !this.autoSaving && this.unsavedChanges >= Math.max(MIN_UNSAVED_CHANGES, this.index.size / 4)) {
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
    const appliedSeq = this.appliedSeq;
    const changes = this.unsavedChanges;
    const anchor = await this.anchorAt(appliedSeq);
    const meta: PostingsFileMeta = { weights: this.weights, appliedSeq, anchor };
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await writePostingsFile(this.file, state, meta);
    this.unsavedChanges -= changes;
  }

  /** The paper the change log names at a position: ties a saved file to this database's log. */
  private async anchorAt(seq: number): Promise<PostingsFileMeta['anchor']> {
    if (seq === 0) return null;
    const { rows } = await sql<{ rowid: number; id: string | null }>`
      SELECT c.paper_rowid AS rowid, p.id AS id FROM papers_text_changes c LEFT JOIN papers p ON p.rowid = c.paper_rowid WHERE c.seq = ${seq}`.execute(
      this.db,
    );
    const row = rows[0];
    return row ? { rowid: Number(row.rowid), id: row.id ?? '' } : { rowid: -1, id: '' };
  }

  private async lastSeq(): Promise<number> {
    const { rows } = await sql<{ seq: number | null }>`SELECT max(seq) AS seq FROM papers_text_changes`.execute(this.db);
    return Number(rows[0]?.seq ?? 0);
  }
}

function toText(row: TextRow): IndexedText {
  return {
    key: Number(row.key),
    title: row.title ?? '',
    abstract: row.abstract ?? '',
    authors: row.authors ?? '',
    hidden: row.hidden === 1,
  };
}
