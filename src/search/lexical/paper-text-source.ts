import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Store } from '../../db/database.js';
import { oneOf } from '../../db/bulk-rows.js';
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

/**
 * What a saved index file records of the database it was saved from, for a log position: the same database at the
 * same position gives the same anchor, another database a different one. Opaque: compared, never parsed.
 */
export type LogAnchor = string;

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
 * The papers' text as the in-memory keyword index reads it, under numeric keys that stay with a paper for as long as
 * it exists: SQLite's rowid, PostgreSQL's `text_key` (migration 027).
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
  /** Ties a saved file to this database's log: what the log says at this position (null before any change). */
  anchorAt(position: LogPosition): Promise<LogAnchor | null>;
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

/** Where an engine keeps the papers' keys, in its table and in its change log. Constant SQL. */
interface KeyColumns {
  /** The papers table's key column. */
  readonly key: RawBuilder<unknown>;
  /** The change log's key column (the log is aliased `log`). */
  readonly logKey: RawBuilder<unknown>;
  /** The log row and database a saved file is anchored to, for a position past the log's start (see LogAnchor). */
  readonly anchorRow: (position: LogPosition) => RawBuilder<{ anchor: string }>;
}

/**
 * SQLite: the rowid, and the log of migration 008, whose `seq` values commit in order. The anchor is the paper the
 * log names at the position (a database file is its own identity); a rowid whose paper was deleted since anchors as
 * gone, so the file is rebuilt once.
 */
const ROWID_KEYS: KeyColumns = {
  key: sql.raw('rowid'),
  logKey: sql.raw('log.paper_rowid'),
  anchorRow: (position) => sql`
    SELECT log.paper_rowid || ':' || coalesce(p.id, '') AS anchor
    FROM papers_text_changes log LEFT JOIN papers p ON p.rowid = log.paper_rowid
    WHERE log.seq = ${Number(position.after)}`,
};

/**
 * PostgreSQL: `text_key`, and the log of migrations 016 and 027, read by transaction watermark. Transaction ids are
 * shared by the server's databases, so the anchor names the database (its random identity and its oid, which a copy
 * made from it as a template does not share) and the last log row below the watermark (every transaction there has
 * ended, so that row never changes).
 */
const TEXT_KEY_KEYS: KeyColumns = {
  key: sql.raw('text_key'),
  logKey: sql.raw('log.paper_key'),
  anchorRow: (position) => sql`
    SELECT (SELECT id FROM store_identity) || ':' || (SELECT oid FROM pg_database WHERE datname = current_database()) || ':' ||
      coalesce((SELECT log.paper_key || ':' || log.paper_id FROM papers_text_changes log
        WHERE log.xid < ${position.after}::xid8 ORDER BY log.xid DESC, log.seq DESC LIMIT 1), '') AS anchor`,
};

export function createPaperTextSource(store: Store): PaperTextSource {
  return new KeyedTextSource(store, store.capabilities.sequencesCommitInOrder ? ROWID_KEYS : TEXT_KEY_KEYS);
}

class KeyedTextSource implements PaperTextSource {
  private readonly db: Kysely<DB>;
  private readonly reader: ChangeLogReader<TextColumns & { key: number | string | null }>;

  constructor(
    store: Store,
    private readonly keys: KeyColumns,
  ) {
    this.db = store.db;
    this.reader = createChangeLogReader(store.db, store.capabilities, {
      from: sql`papers_text_changes log LEFT JOIN papers p ON p.${keys.key} = ${keys.logKey}`,
      columns: sql`${keys.logKey} AS key, p.title AS title, p.abstract AS abstract, p.authors AS authors, p.hidden AS hidden,
        p.published_at AS published_at`,
      seq: 'seq',
    });
  }

  async readAll(onPage: (texts: SourcedText[]) => Promise<void>): Promise<void> {
    const key = this.keys.key;
    for (let after = 0; ;) {
      const { rows } = await sql<TextColumns & { key: number | string }>`
        SELECT ${key} AS key, title, abstract, authors, hidden, published_at FROM papers
        WHERE ${key} > ${after} ORDER BY ${key} LIMIT ${TEXT_PAGE}`.execute(this.db);
      if (rows.length === 0) return;
      await onPage(rows.map((row) => toText(Number(row.key), row)));
      after = Number(rows[rows.length - 1]!.key);
    }
  }

  async readAllDays(onPage: (days: KeyedDay[]) => Promise<void>): Promise<void> {
    const key = this.keys.key;
    for (let after = 0; ;) {
      const { rows } = await sql<{ key: number | string; published_at: string | null }>`
        SELECT ${key} AS key, published_at FROM papers WHERE ${key} > ${after} ORDER BY ${key} LIMIT ${DAYS_PAGE}`.execute(this.db);
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
          // A log row without a key predates migration 027 and names a paper deleted before it: nothing to apply.
          latestOf(rows, (row) => (row.key === null ? null : Number(row.key))),
          rows.length,
        ),
      ),
  };

  visibleIds(keys: readonly number[]): Promise<Map<number, string>> {
    return inSlices(keys, async (slice) => {
      const { rows } = await sql<{ key: number | string; id: string }>`
        SELECT ${this.keys.key} AS key, id FROM papers WHERE hidden = 0 AND ${oneOf(this.db, this.keys.key, slice, 'bigint')}`.execute(
        this.db,
      );
      return new Map(rows.map((row) => [Number(row.key), row.id]));
    });
  }

  async anchorAt(position: LogPosition): Promise<LogAnchor | null> {
    if (position.after === '0') return null;
    const { rows } = await this.keys.anchorRow(position).execute(this.db);
    return rows[0]?.anchor ?? '';
  }
}
