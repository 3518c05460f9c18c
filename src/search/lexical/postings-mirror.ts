import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { ColumnWeights } from './fts5-bm25.js';
import { PostingsIndex, type IndexedText, type PostingsQuery, type ScoredKey } from './postings-index.js';

/** Papers read (and tokenized without yielding) per page while building, and changes applied per page while catching up. */
const PAGE = 4_096;
/** Each build segment holds this many papers: large enough that segments stay few, small enough to build fast. */
const BUILD_SEGMENT = 65_536;

export interface MirrorBuildReport {
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
}

/**
 * Keeps a PostingsIndex in step with the papers table of a SQLite database: built once from every paper, then
 * brought up to date before each search from papers_text_changes (migration 008), which triggers fill whichever
 * process writes. Searches wait for nothing: until the build is done, `search` returns null and the caller uses
 * the full-text engine instead.
 */
export class PostingsMirror {
  private readonly index: PostingsIndex;
  private built = false;
  private building: Promise<MirrorBuildReport> | null = null;
  private appliedSeq = 0;
  /** Catch-ups run one at a time, so two searches never apply the same change twice. */
  private catchingUp: Promise<void> = Promise.resolve();
  private backlog: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    weights: ColumnWeights,
  ) {
    this.index = new PostingsIndex(weights);
  }

  get ready(): boolean {
    return this.built;
  }

  /** Reads every paper into the index, yielding to the event loop between pages; later calls share the first build. */
  build(): Promise<MirrorBuildReport> {
    this.building ??= this.buildOnce().catch((error: unknown) => {
      this.building = null;
      throw error;
    });
    return this.building;
  }

  private async buildOnce(): Promise<MirrorBuildReport> {
    const started = performance.now();
    const startSeq = await this.lastSeq();
    let open = 0;
    for (let after = 0; ; ) {
      const { rows } = await sql<TextRow>`
        SELECT rowid AS key, title, abstract, authors, hidden FROM papers WHERE rowid > ${after} ORDER BY rowid LIMIT ${PAGE}`.execute(this.db);
      if (rows.length === 0) break;
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
    this.built = true;
    await this.catchUp();
    return { papers: this.index.size, postings: this.index.postingCount, segments: this.index.segmentCount, seconds: Math.round((performance.now() - started) / 100) / 10 };
  }

  /**
   * The best documents by bm25, or null while the index is still being built, is applying a large backlog of
   * changes, or could not catch up with the database (a locked or failing read): the caller then asks FTS5, and the
   * next search tries again.
   */
  async search(query: PostingsQuery): Promise<ScoredKey[] | null> {
    if (!this.built) return null;
    try {
      // A large backlog (an import by another process) is applied in the background while FTS5 answers, rather
      // than holding this search and every one queued behind it.
      if ((await this.lastSeq()) - this.appliedSeq > PAGE) {
        this.backlog ??= this.catchUp().finally(() => (this.backlog = null));
        this.backlog.catch(() => undefined);
        return null;
      }
      await this.catchUp();
    } catch {
      return null;
    }
    return this.index.search(query);
  }

  get size(): number {
    return this.index.size;
  }

  catchUp(): Promise<void> {
    const run = this.catchingUp.catch(() => undefined).then(() => this.applyChanges());
    this.catchingUp = run;
    return run;
  }

  private async applyChanges(): Promise<void> {
    if ((await this.lastSeq()) <= this.appliedSeq) return;
    for (;;) {
      const { rows } = await sql<TextRow & { seq: number }>`
        SELECT c.seq AS seq, c.paper_rowid AS key, p.title AS title, p.abstract AS abstract, p.authors AS authors, p.hidden AS hidden
        FROM papers_text_changes c LEFT JOIN papers p ON p.rowid = c.paper_rowid
        WHERE c.seq > ${this.appliedSeq} ORDER BY c.seq LIMIT ${PAGE}`.execute(this.db);
      if (rows.length === 0) return;
      // A paper changed twice in one page is applied once, as it is now.
      const latest = new Map<number, TextRow>();
      for (const row of rows) latest.set(Number(row.key), row);
      const present: IndexedText[] = [];
      const gone: number[] = [];
      for (const [key, row] of latest) {
        if (row.title === null) gone.push(key);
        else present.push(toText(row));
      }
      this.index.remove(gone);
      this.index.add(present);
      this.appliedSeq = Number(rows[rows.length - 1]!.seq);
    }
  }

  private async lastSeq(): Promise<number> {
    const { rows } = await sql<{ seq: number | null }>`SELECT max(seq) AS seq FROM papers_text_changes`.execute(this.db);
    return Number(rows[0]?.seq ?? 0);
  }
}

function toText(row: TextRow): IndexedText {
  return { key: Number(row.key), title: row.title ?? '', abstract: row.abstract ?? '', authors: row.authors ?? '', hidden: row.hidden === 1 };
}
