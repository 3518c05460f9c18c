import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Store } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { createChangeLogReader, type ChangeLogReader, type LogPosition } from '../change-log.js';
import type { IndexedText } from './postings-index.js';

/** Papers read (and tokenized without yielding) per page while building, and changes applied per page while catching up. */
export const TEXT_PAGE = 4_096;
/** Publication dates read per page (narrow rows: many fit in a page). */
const DAYS_PAGE = TEXT_PAGE * 8;
/** Keys per statement when resolving ranked keys to paper ids (under every engine's parameter limit). */
const KEYS_PER_STATEMENT = 10_000;

/** Runs `lookup` over slices of `keys` and merges the maps. */
async function inSlices<K, V>(keys: readonly K[], lookup: (slice: readonly K[]) => Promise<Map<number, V>>): Promise<Map<number, V>> {
  const merged = new Map<number, V>();
  for (let at = 0; at < keys.length; at += KEYS_PER_STATEMENT) {
    for (const [key, value] of await lookup(keys.slice(at, at + KEYS_PER_STATEMENT))) merged.set(key, value);
  }
  return merged;
}

/** What a saved index file records of the change log, so a file from another database is never used. */
export interface LogAnchor {
  readonly rowid: number;
  readonly id: string;
}

/** A paper's text as indexed, with its publication date (kept beside the index, for counts by day). */
export interface SourcedText extends IndexedText {
  readonly publishedAt: string | null;
}

/** A paper's publication date under its key. */
export interface KeyedDay {
  readonly key: number;
  readonly publishedAt: string | null;
}

/** Changes of one page of the log, as each paper is now: its text, or gone (deleted). */
export interface TextChanges {
  readonly present: SourcedText[];
  readonly gone: number[];
}

/**
 * The papers' text as the in-memory keyword index reads it, with numeric keys: the table's rowid where the engine
 * has one that stays put, otherwise keys handed out here in the order papers are first seen.
 */
export interface PaperTextSource {
  /** Reads every paper, page by page; `onPage` may yield. */
  readAll(onPage: (texts: SourcedText[]) => Promise<void>): Promise<void>;
  /** Reads every paper's publication date, page by page (a saved index file holds the text only); `onPage` may yield. */
  readAllDays(onPage: (days: KeyedDay[]) => Promise<void>): Promise<void>;
  readonly log: {
    end(): Promise<LogPosition>;
    pending(from: LogPosition): Promise<number>;
    read(from: LogPosition, apply: (changes: TextChanges, count: number) => void): Promise<LogPosition>;
  };
  /** The ids of the visible papers among these keys. */
  visibleIds(keys: readonly number[]): Promise<Map<number, string>>;
  /** Ties a saved file to this database's log; null when this source's index is not saved (keys live in memory). */
  readonly anchorAt: ((position: LogPosition) => Promise<LogAnchor | null>) | null;
}

interface TextColumns {
  title: string | null;
  abstract: string | null;
  authors: string | null;
  hidden: number | null;
  published_at: string | null;
}

function toText(key: number, row: TextColumns): SourcedText {
  return {
    key,
    title: row.title ?? '',
    abstract: row.abstract ?? '',
    authors: row.authors ?? '',
    hidden: row.hidden === 1,
    publishedAt: row.published_at,
  };
}

/** A page of log rows as each paper is now; a paper changed twice in one page is applied once. */
function latestOf<R extends TextColumns>(rows: readonly R[], keyOf: (row: R) => number | null): TextChanges {
  const latest = new Map<number, R>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key !== null) latest.set(key, row);
  }
  const present: SourcedText[] = [];
  const gone: number[] = [];
  for (const [key, row] of latest) {
    if (row.title === null) gone.push(key);
    else present.push(toText(key, row));
  }
  return { present, gone };
}

export function createPaperTextSource(store: Store): PaperTextSource {
  return store.capabilities.sequencesCommitInOrder ? new RowidTextSource(store) : new MappedKeyTextSource(store);
}

/** SQLite: keys are rowids, the log (migration 008) names rowids, and saved files are anchored to the log. */
class RowidTextSource implements PaperTextSource {
  private readonly db: Kysely<DB>;
  private readonly reader: ChangeLogReader<TextColumns & { key: number }>;

  constructor(store: Store) {
    this.db = store.db;
    this.reader = createChangeLogReader(store.db, store.capabilities, {
      from: sql`papers_text_changes log LEFT JOIN papers p ON p.rowid = log.paper_rowid`,
      columns: sql`log.paper_rowid AS key, p.title AS title, p.abstract AS abstract, p.authors AS authors, p.hidden AS hidden,
        p.published_at AS published_at`,
      seq: 'seq',
    });
  }

  async readAll(onPage: (texts: SourcedText[]) => Promise<void>): Promise<void> {
    for (let after = 0; ;) {
      const { rows } = await sql<TextColumns & { key: number }>`
        SELECT rowid AS key, title, abstract, authors, hidden, published_at FROM papers
        WHERE rowid > ${after} ORDER BY rowid LIMIT ${TEXT_PAGE}`.execute(this.db);
      if (rows.length === 0) return;
      await onPage(rows.map((row) => toText(Number(row.key), row)));
      after = Number(rows[rows.length - 1]!.key);
    }
  }

  async readAllDays(onPage: (days: KeyedDay[]) => Promise<void>): Promise<void> {
    for (let after = 0; ;) {
      const { rows } = await sql<{ key: number; published_at: string | null }>`
        SELECT rowid AS key, published_at FROM papers WHERE rowid > ${after} ORDER BY rowid LIMIT ${DAYS_PAGE}`.execute(this.db);
      if (rows.length === 0) return;
      await onPage(rows.map((row) => ({ key: Number(row.key), publishedAt: row.published_at })));
      after = Number(rows[rows.length - 1]!.key);
    }
  }

  readonly log = {
    end: () => this.reader.end(),
    pending: (from: LogPosition) => this.reader.pending(from),
    read: (from: LogPosition, apply: (changes: TextChanges, count: number) => void) =>
      this.reader.read(from, TEXT_PAGE, (rows) =>
        apply(
          latestOf(rows, (row) => Number(row.key)),
          rows.length,
        ),
      ),
  };

  visibleIds(keys: readonly number[]): Promise<Map<number, string>> {
    return inSlices(keys, async (slice) => {
      const { rows } = await sql<{ rowid: number; id: string }>`
        SELECT rowid, id FROM papers WHERE hidden = 0 AND rowid IN (${sql.join(slice.map((k) => sql`${k}`))})`.execute(this.db);
      return new Map(rows.map((row) => [Number(row.rowid), row.id]));
    });
  }

  readonly anchorAt = async (position: LogPosition): Promise<LogAnchor | null> => {
    const seq = Number(position.after);
    if (seq === 0) return null;
    const { rows } = await sql<{ rowid: number; id: string | null }>`
      SELECT c.paper_rowid AS rowid, p.id AS id FROM papers_text_changes c LEFT JOIN papers p ON p.rowid = c.paper_rowid WHERE c.seq = ${seq}`.execute(
      this.db,
    );
    const row = rows[0];
    return row ? { rowid: Number(row.rowid), id: row.id ?? '' } : { rowid: -1, id: '' };
  };
}

/**
 * PostgreSQL: papers have no stable numeric row key, so keys are handed out here (the index lives in memory only
 * and is rebuilt from the database at start); the log (migration 016) names paper ids and is read by snapshot
 * watermark, since its sequence values commit out of order.
 */
class MappedKeyTextSource implements PaperTextSource {
  private readonly db: Kysely<DB>;
  private readonly reader: ChangeLogReader<TextColumns & { paper_id: string }>;
  private readonly keyOfId = new Map<string, number>();
  private readonly idOfKey: string[] = [];

  constructor(store: Store) {
    this.db = store.db;
    this.reader = createChangeLogReader(store.db, store.capabilities, {
      from: sql`papers_text_changes log LEFT JOIN papers p ON p.id = log.paper_id`,
      columns: sql`log.paper_id AS paper_id, p.title AS title, p.abstract AS abstract, p.authors AS authors, p.hidden AS hidden,
        p.published_at AS published_at`,
      seq: 'seq',
    });
  }

  private keyFor(id: string): number {
    let key = this.keyOfId.get(id);
    if (key === undefined) {
      key = this.idOfKey.length;
      this.idOfKey.push(id);
      this.keyOfId.set(id, key);
    }
    return key;
  }

  async readAll(onPage: (texts: SourcedText[]) => Promise<void>): Promise<void> {
    for (let after: string | null = null; ;) {
      const from: RawBuilder<unknown> = after === null ? sql`` : sql`WHERE id > ${after}`;
      const { rows }: { rows: (TextColumns & { id: string })[] } = await sql<TextColumns & { id: string }>`
        SELECT id, title, abstract, authors, hidden, published_at FROM papers ${from} ORDER BY id LIMIT ${TEXT_PAGE}`.execute(this.db);
      if (rows.length === 0) return;
      await onPage(rows.map((row) => toText(this.keyFor(row.id), row)));
      after = rows[rows.length - 1]!.id;
    }
  }

  async readAllDays(onPage: (days: KeyedDay[]) => Promise<void>): Promise<void> {
    for (let after: string | null = null; ;) {
      const from: RawBuilder<unknown> = after === null ? sql`` : sql`WHERE id > ${after}`;
      const { rows }: { rows: { id: string; published_at: string | null }[] } = await sql<{ id: string; published_at: string | null }>`
        SELECT id, published_at FROM papers ${from} ORDER BY id LIMIT ${DAYS_PAGE}`.execute(this.db);
      if (rows.length === 0) return;
      await onPage(rows.map((row) => ({ key: this.keyFor(row.id), publishedAt: row.published_at })));
      after = rows[rows.length - 1]!.id;
    }
  }

  readonly log = {
    end: () => this.reader.end(),
    pending: (from: LogPosition) => this.reader.pending(from),
    read: (from: LogPosition, apply: (changes: TextChanges, count: number) => void) =>
      this.reader.read(from, TEXT_PAGE, (rows) =>
        apply(
          latestOf(rows, (row) => (row.title === null ? (this.keyOfId.get(row.paper_id) ?? null) : this.keyFor(row.paper_id))),
          rows.length,
        ),
      ),
  };

  visibleIds(keys: readonly number[]): Promise<Map<number, string>> {
    const ids = keys.flatMap((key) => (this.idOfKey[key] === undefined ? [] : [this.idOfKey[key]]));
    return inSlices(ids, async (slice) => {
      const { rows } = await sql<{ id: string }>`
        SELECT id FROM papers WHERE hidden = 0 AND id IN (${sql.join(slice.map((id) => sql`${id}`))})`.execute(this.db);
      return new Map(rows.map((row) => [this.keyOfId.get(row.id)!, row.id]));
    });
  }

  readonly anchorAt = null;
}
