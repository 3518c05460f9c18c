import fs from 'node:fs';
import path from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { Store } from '../db/database.js';
import { LOG_START, type LogPosition } from './change-log.js';
import { ExactVectors } from './exact-vectors.js';
import { bytesToVector, vectorChangeLog, vectorsAfterKey, type StoredVector } from './vectors.repository.js';

export interface VectorMatch {
  readonly key: number;
  /** Cosine similarity. */
  readonly similarity: number;
}

interface IndexMeta {
  readonly embedder: string;
  readonly dimensions: number;
  /** How the file stores vectors; a file in another layout is rebuilt from the database. */
  readonly quantization: string;
  /** Where keys commit in order: every vector with a key up to this one is in the saved file. */
  readonly maxKey: number;
  /** Where they do not: the vector log position the saved file has caught up to (see change-log.ts). */
  readonly position?: LogPosition;
  /** The tag of the exact vectors file saved with this index; absent when none was. */
  readonly exactTag?: string;
}

const CATCH_UP_BATCH = 5_000;
/** Vectors read by one catch-up from which the new log position is saved at once. */
const REREAD_WORTH_SAVING = 1_000;
/**
 * Changes kept unsaved before the file is rewritten: at least this many, and at least a quarter of the index, so
 * growing to N vectors rewrites the file O(log N) times rather than N / 20,000 times. A crash loses nothing: the
 * catch-up re-reads the vectors after the saved highest key.
 */
const SAVE_AFTER_AT_LEAST = 20_000;
const SAVE_AFTER_FRACTION = 0.25;
/**
 * The index holds vectors as 8-bit integers (a quarter of f32's memory, several times faster to build); the
 * search over-fetches and callers re-rank the candidates with the exact stored vectors.
 */
const QUANTIZATION = ScalarKind.I8;
const CONNECTIVITY = 16;
const EXPANSION_ADD = 64;
/**
 * Measured at 1M bench papers, candidates re-ranked exactly: recall@10 against a full scan 0.69 → 0.75 (2–4 word
 * queries) and 0.89 → 0.94 (15–25 words) going from 256 to 512, for about 1 ms more per query.
 */
const EXPANSION_SEARCH = 512;
/**
 * usearch's concurrent insertion can leave a node stored but unreachable by search (upstream issue 735): a paper
 * that semantic search never finds, even by its own vector, and a different graph at every build. Measured on the
 * 4,682 demo papers: 1–6 such papers per multi-threaded build, none on one thread, at about twice the build time.
 */
const ADD_THREADS = 1;

function fileStem(embedder: string): string {
  return embedder.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 120);
}

/**
 * The approximate-nearest-neighbour index (usearch HNSW, cosine) over one embedder's vectors. The database is
 * the source of truth; the index file under the data dir is a cache that catches up on the vectors written after
 * it: by key where keys commit in order, otherwise by the writing transaction against a snapshot watermark.
 */
export class VectorIndex {
  private index: Index;
  private maxKey = 0;
  private position: LogPosition = LOG_START;
  private savedMaxKey = 0;
  private unsaved = 0;
  private readonly file: string | null;
  private exact: ExactVectors;
  /**
   * Whether `exact` holds every vector the index holds. A loaded index file has its exact vectors read at the first
   * catch-up; until then lookups go to the database, and changes wait in `exactBacklog`.
   */
  private exactComplete = true;
  private exactBacklog: ({ readonly set: StoredVector } | { readonly remove: number })[] = [];
  /** The tag of the exact vectors file that matches the saved index file, if any. */
  private exactTag: string | null = null;

  constructor(
    readonly embedder: string,
    readonly dimensions: number,
    directory: string | null,
    private readonly saveAfterAtLeast = SAVE_AFTER_AT_LEAST,
  ) {
    this.file = directory ? path.join(directory, `${fileStem(embedder)}.usearch`) : null;
    this.index = VectorIndex.create(dimensions);
    this.exact = new ExactVectors(dimensions);
    this.loadSaved();
  }

  private static create(dimensions: number): Index {
    return new Index({
      dimensions,
      metric: MetricKind.Cos,
      quantization: QUANTIZATION,
      connectivity: CONNECTIVITY,
      expansion_add: EXPANSION_ADD,
      expansion_search: EXPANSION_SEARCH,
      multi: false,
    });
  }

  private loadSaved(): void {
    if (!this.file || !fs.existsSync(this.file) || !fs.existsSync(`${this.file}.json`)) return;
    try {
      const meta = JSON.parse(fs.readFileSync(`${this.file}.json`, 'utf8')) as IndexMeta;
      if (meta.embedder !== this.embedder || meta.dimensions !== this.dimensions || meta.quantization !== QUANTIZATION) return;
      this.index.load(this.file);
      this.maxKey = this.savedMaxKey = meta.maxKey;
      this.position = meta.position ?? LOG_START;
      this.exactComplete = false;
      this.exactTag = meta.exactTag ?? null;
    } catch {
      // A damaged cache is rebuilt from the database.
      this.index = VectorIndex.create(this.dimensions);
      this.exact = new ExactVectors(this.dimensions);
      this.exactComplete = true;
      this.exactTag = null;
      this.maxKey = this.savedMaxKey = 0;
      this.position = LOG_START;
    }
  }

  size(): number {
    return this.index.size();
  }

  highestKey(): number {
    return this.maxKey;
  }

  /** Adds vectors (one batch) and removes replaced keys; saves once enough changes accumulated. */
  add(vectors: readonly StoredVector[], removeKeys: readonly number[] = []): void {
    if (removeKeys.length > 0) {
      const keys = BigUint64Array.from(removeKeys, (k) => BigInt(k));
      const present = this.containsEach(keys);
      const stale = keys.filter((_, i) => present[i]);
      if (stale.length > 0) this.index.remove(stale);
      this.unsaved += stale.length;
      for (const key of removeKeys) {
        if (this.exactComplete) this.exact.remove(key);
        else this.exactBacklog.push({ remove: key });
      }
    }
    if (vectors.length > 0) {
      const keys = BigUint64Array.from(vectors, (v) => BigInt(v.key));
      const present = this.index.size() === 0 ? null : this.containsEach(keys);
      const fresh = present ? vectors.filter((_, i) => !present[i]) : vectors;
      if (fresh.length > 0) {
        const matrix = new Float32Array(fresh.length * this.dimensions);
        fresh.forEach((v, i) => matrix.set(v.vector, i * this.dimensions));
        this.index.add(fresh === vectors ? keys : BigUint64Array.from(fresh, (v) => BigInt(v.key)), matrix, ADD_THREADS);
      }
      for (const v of vectors) {
        if (v.key > this.maxKey) this.maxKey = v.key;
        if (this.exactComplete) this.exact.set(v.key, v.paperId, v.vector);
        else this.exactBacklog.push({ set: v });
      }
      this.unsaved += fresh.length;
    }
    if (this.unsaved >= Math.max(this.saveAfterAtLeast, this.index.size() * SAVE_AFTER_FRACTION)) this.save();
  }

  private containsEach(keys: BigUint64Array): boolean[] {
    const found = this.index.contains(keys);
    return typeof found === 'boolean' ? [found] : found;
  }

  /** Changes not yet written to the index file. */
  unsavedChanges(): number {
    return this.unsaved;
  }

  /**
   * Adds every vector committed to the database since the last catch-up. Where keys commit in order, that is every
   * key above the highest seen (this process's own writes included); otherwise the vector log is read from its
   * position, and vectors already present (this process's own) are skipped.
   */
  async catchUp(store: Store): Promise<number> {
    if (!this.exactComplete) await this.completeExactVectors(store);
    const reader = vectorChangeLog(store.db, this.embedder);
    const from = store.capabilities.sequencesCommitInOrder ? { after: String(this.maxKey), seen: [] } : this.position;
    let read = 0;
    this.position = await reader.read(from, CATCH_UP_BATCH, (rows) => {
      this.add(rows.map((row) => ({ key: Number(row.seq), paperId: row.paper_id, vector: bytesToVector(row.vector) })));
      read += rows.length;
    });
    // A long re-read (vectors this process wrote itself, or a file saved before its writer caught up) is not
    // repeated at the next start: the file is brought to this position.
    if (!store.capabilities.sequencesCommitInOrder && read >= REREAD_WORTH_SAVING && this.file) {
      if (this.unsaved > 0) this.save();
      else if (fs.existsSync(`${this.file}.json`)) this.writeMeta();
    }
    return read;
  }

  /**
   * Reads the exact vectors saved with the index file, or, where there are none (a file of an earlier version), every
   * stored vector from the database, saving them beside the file; then applies the changes made meanwhile.
   */
  private async completeExactVectors(store: Store): Promise<void> {
    const saved = this.file && this.exactTag ? await ExactVectors.read(`${this.file}.exact`, this.dimensions, this.exactTag) : null;
    const exact = saved ?? (await this.exactVectorsFromDatabase(store));
    for (const change of this.exactBacklog) {
      if ('set' in change) exact.set(change.set.key, change.set.paperId, change.set.vector);
      else exact.remove(change.remove);
    }
    this.exactBacklog = [];
    this.exact = exact;
    this.exactComplete = true;
    // Saved beside the index file at once when that file is what memory holds (otherwise with the next save).
    if (!saved && this.file && this.unsaved === 0 && this.maxKey === this.savedMaxKey && fs.existsSync(`${this.file}.json`)) {
      this.writeExact();
      this.writeMeta();
    }
  }

  private async exactVectorsFromDatabase(store: Store): Promise<ExactVectors> {
    const exact = new ExactVectors(this.dimensions);
    for (let after = 0; ;) {
      const page = await vectorsAfterKey(store.db, this.embedder, after, CATCH_UP_BATCH);
      for (const v of page) exact.set(v.key, v.paperId, v.vector);
      if (page.length < CATCH_UP_BATCH) return exact;
      after = page[page.length - 1]!.key;
    }
  }

  /** The paper and exact vector under an index key, or null where the database must be asked. */
  exactByKey(key: number): { paperId: string; vector: Float32Array } | null {
    return this.exact.byKey(key);
  }

  /** The paper's exact vector, or null where the database must be asked. */
  exactByPaper(paperId: string): Float32Array | null {
    return this.exact.byPaper(paperId);
  }

  /** Approximate nearest neighbours; similarities are of the quantized vectors, so callers re-rank exactly. */
  search(query: Float32Array, k: number): VectorMatch[] {
    const size = this.index.size();
    if (size === 0 || k <= 0) return [];
    const matches = this.index.search(query, Math.min(k, size), 1);
    const out: VectorMatch[] = [];
    for (let i = 0; i < matches.keys.length; i++) {
      out.push({ key: Number(matches.keys[i]!), similarity: 1 - matches.distances[i]! });
    }
    return out;
  }

  save(): void {
    if (!this.file || (this.maxKey === this.savedMaxKey && this.unsaved === 0)) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    this.index.save(temporary);
    fs.renameSync(temporary, this.file);
    this.writeExact();
    this.writeMeta();
    this.savedMaxKey = this.maxKey;
    this.unsaved = 0;
  }

  /** Saves the exact vectors beside the index file, under a new tag that the index's metadata then names. */
  private writeExact(): void {
    if (!this.file) return;
    this.exactTag = null;
    if (!this.exactComplete) return;
    const tag = `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const temporary = `${this.file}.exact.${process.pid}.tmp`;
    this.exact.write(temporary, tag);
    fs.renameSync(temporary, `${this.file}.exact`);
    this.exactTag = tag;
  }

  private writeMeta(): void {
    const meta: IndexMeta = {
      embedder: this.embedder,
      dimensions: this.dimensions,
      quantization: QUANTIZATION,
      maxKey: this.maxKey,
      position: this.position,
      ...(this.exactTag ? { exactTag: this.exactTag } : {}),
    };
    fs.writeFileSync(`${this.file}.json`, JSON.stringify(meta));
  }

  /** Removes every saved index file in the directory (after a re-index the old ones are useless). */
  static removeSaved(directory: string): void {
    if (!fs.existsSync(directory)) return;
    for (const name of fs.readdirSync(directory)) {
      if (name.endsWith('.usearch') || name.endsWith('.usearch.json') || name.endsWith('.usearch.exact'))
        fs.rmSync(path.join(directory, name), { force: true });
    }
  }
}
