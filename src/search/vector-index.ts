import fs from 'node:fs';
import path from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { Queryable } from '../db/schema.js';
import { vectorsAfterKey, type StoredVector } from './vectors.repository.js';

export interface VectorMatch {
  readonly key: number;
  /** Cosine similarity. */
  readonly similarity: number;
}

interface IndexMeta {
  readonly embedder: string;
  readonly dimensions: number;
  /** Every vector with a key up to this one is in the saved file. */
  readonly maxKey: number;
}

const CATCH_UP_BATCH = 5_000;
/** Additions kept unsaved before the file is rewritten; a crash loses nothing, the catch-up re-reads them. */
const SAVE_EVERY = 20_000;

function fileStem(embedder: string): string {
  return embedder.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 120);
}

/**
 * The approximate-nearest-neighbour index (usearch HNSW, cosine) over one embedder's vectors. The database is
 * the source of truth; the index file under the data dir is a cache that catches up on the keys written after it.
 */
export class VectorIndex {
  private index: Index;
  private maxKey = 0;
  private savedMaxKey = 0;
  private unsaved = 0;
  private readonly file: string | null;

  constructor(
    readonly embedder: string,
    readonly dimensions: number,
    directory: string | null,
  ) {
    this.file = directory ? path.join(directory, `${fileStem(embedder)}.usearch`) : null;
    this.index = VectorIndex.create(dimensions);
    this.loadSaved();
  }

  private static create(dimensions: number): Index {
    return new Index({
      dimensions,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: 16,
      expansion_add: 128,
      expansion_search: 256,
      multi: false,
    });
  }

  private loadSaved(): void {
    if (!this.file || !fs.existsSync(this.file) || !fs.existsSync(`${this.file}.json`)) return;
    try {
      const meta = JSON.parse(fs.readFileSync(`${this.file}.json`, 'utf8')) as IndexMeta;
      if (meta.embedder !== this.embedder || meta.dimensions !== this.dimensions) return;
      this.index.load(this.file);
      this.maxKey = this.savedMaxKey = meta.maxKey;
    } catch {
      // A damaged cache is rebuilt from the database.
      this.index = VectorIndex.create(this.dimensions);
      this.maxKey = this.savedMaxKey = 0;
    }
  }

  size(): number {
    return this.index.size();
  }

  highestKey(): number {
    return this.maxKey;
  }

  add(vectors: readonly StoredVector[], removeKeys: readonly number[] = []): void {
    const stale = removeKeys.filter((k) => this.index.contains(BigInt(k)) === true);
    if (stale.length > 0) this.index.remove(stale.map(BigInt));
    const fresh = vectors.filter((v) => !(this.index.contains(BigInt(v.key)) as boolean));
    if (fresh.length > 0) {
      this.index.add(
        BigUint64Array.from(fresh.map((v) => BigInt(v.key))),
        fresh.map((v) => v.vector),
        0,
      );
    }
    for (const v of vectors) if (v.key > this.maxKey) this.maxKey = v.key;
    this.unsaved += fresh.length + stale.length;
    if (this.unsaved >= SAVE_EVERY) this.save();
  }

  /** Adds every vector written to the database after the highest key seen. */
  async catchUp(db: Queryable): Promise<number> {
    let added = 0;
    for (;;) {
      const batch = await vectorsAfterKey(db, this.embedder, this.maxKey, CATCH_UP_BATCH);
      if (batch.length === 0) break;
      this.add(batch);
      added += batch.length;
    }
    return added;
  }

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
    const meta: IndexMeta = { embedder: this.embedder, dimensions: this.dimensions, maxKey: this.maxKey };
    fs.writeFileSync(`${this.file}.json`, JSON.stringify(meta));
    this.savedMaxKey = this.maxKey;
    this.unsaved = 0;
  }

  /** Removes every saved index file in the directory (after a re-index the old ones are useless). */
  static removeSaved(directory: string): void {
    if (!fs.existsSync(directory)) return;
    for (const name of fs.readdirSync(directory)) {
      if (name.endsWith('.usearch') || name.endsWith('.usearch.json')) fs.rmSync(path.join(directory, name), { force: true });
    }
  }
}
