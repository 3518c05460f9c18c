import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { gaussianSource } from '../../src/search/embedders/linear-algebra.js';
import { ExactVectors } from '../../src/search/exact-vectors.js';
import { readHalves, writeHalves } from '../../src/search/half-floats.js';
import { NO_FILTERS } from '../../src/search/paper-filters.js';
import { nearestPapers } from '../../src/search/semantic/nearest-papers.js';
import { VectorIndex } from '../../src/search/vector-index.js';
import { replaceVectors } from '../../src/search/vectors.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { ownSqliteStore, tempDir } from '../helpers/stores.js';

const vector = (...values: number[]) => Float32Array.from(values);

/** The vector as the store keeps it: each component rounded to a 16-bit float. */
function inHalfPrecision(values: Float32Array): Float32Array {
  const halves = new Uint16Array(values.length);
  writeHalves(values, halves, 0);
  return readHalves(halves, 0, values.length);
}

describe('exact vectors', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds a vector by key and by paper, and a paper stored again under a new key forgets the old one', () => {
    const vectors = new ExactVectors(3);
    vectors.set(1, 'p1', vector(1, 0, 0));
    vectors.set(2, 'p2', vector(0, 1, 0));
    expect(vectors.byKey(1)).toEqual({ paperId: 'p1', vector: vector(1, 0, 0) });
    expect(vectors.byPaper('p2')).toEqual(vector(0, 1, 0));
    vectors.set(3, 'p1', vector(0, 0, 1));
    expect(vectors.byKey(1)).toBeNull();
    expect(vectors.byKey(3)).toEqual({ paperId: 'p1', vector: vector(0, 0, 1) });
    expect(vectors.byPaper('p1')).toEqual(vector(0, 0, 1));
    expect(vectors.size).toBe(2);
    vectors.remove(2);
    expect(vectors.byKey(2)).toBeNull();
    expect(vectors.byPaper('p2')).toBeNull();
    // The freed slot is reused without disturbing the others.
    vectors.set(4, 'p4', vector(1, 1, 0));
    expect(vectors.size).toBe(2);
    expect(vectors.byPaper('p1')).toEqual(vector(0, 0, 1));
    expect(vectors.byPaper('p4')).toEqual(vector(1, 1, 0));
    expect(() => vectors.set(5, 'p5', vector(1, 2))).toThrow(/2 dimensions in an index of 3/);
    // An older vector of a paper arriving after a newer one changes nothing.
    vectors.set(2, 'p1', vector(9, 9, 9));
    expect(vectors.byPaper('p1')).toEqual(vector(0, 0, 1));
    expect(vectors.byKey(2)).toBeNull();
  });

  it('keeps each component as a 16-bit float, within its rounding of the 32-bit one', () => {
    const vectors = new ExactVectors(4);
    const original = vector(0.1, -0.3333333, 1 / 1024 + 1 / 2 ** 22, 0.8660254);
    vectors.set(1, 'p1', original);
    const kept = vectors.byPaper('p1')!;
    expect(kept).toEqual(vector(0.0999755859375, -0.333251953125, 1 / 1024, 0.8662109375));
    for (let i = 0; i < 4; i++) expect(Math.abs(kept[i]! - original[i]!)).toBeLessThanOrEqual(Math.abs(original[i]!) * 2 ** -11);
  });

  it('reads back what it wrote across blocks, and refuses a file of another tag, size or damage', async () => {
    const dir = tempDir('paperboy-exact-vectors-');
    dirs.push(dir);
    const file = path.join(dir, 'vectors.exact');
    const vectors = new ExactVectors(4);
    // More than one block of 65,536, with gaps left by replaced and removed keys.
    for (let key = 1; key <= 70_000; key++) vectors.set(key, `p${key}`, vector(key % 2048, -(key % 1024), key / 2 ** 20, 0.5));
    for (let key = 1; key <= 70_000; key += 1000) vectors.set(100_000 + key, `p${key}`, vector(0, 0, 0, key % 2000));
    vectors.remove(69_999);
    vectors.write(file, 'tag-1');

    const read = (await ExactVectors.read(file, 4, 'tag-1'))!;
    expect(read.size).toBe(vectors.size);
    expect(read.size).toBe(69_999);
    for (const key of [2, 65_536, 65_537, 69_998, 70_000]) expect(read.byKey(key)).toEqual(vectors.byKey(key));
    expect(read.byKey(1)).toBeNull();
    expect(read.byKey(100_001)).toEqual({ paperId: 'p1', vector: vector(0, 0, 0, 1) });
    expect(read.byPaper('p69999')).toBeNull();
    expect(read.byPaper('p69001')).toEqual(vector(0, 0, 0, 1001));

    expect(await ExactVectors.read(file, 4, 'tag-2')).toBeNull();
    expect(await ExactVectors.read(file, 8, 'tag-1')).toBeNull();
    expect(await ExactVectors.read(path.join(dir, 'missing'), 4, 'tag-1')).toBeNull();
    fs.truncateSync(file, fs.statSync(file).size - 4);
    expect(await ExactVectors.read(file, 4, 'tag-1')).toBeNull();
    // A file of the earlier layout, 32-bit vectors, whole and well-formed: read from the database instead.
    const header = { format: 1, dimensions: 4, count: 1, tag: 'tag-1', idBytes: 2 };
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${JSON.stringify(header)}\n`),
        Buffer.from(Float64Array.of(1).buffer),
        Buffer.from('p1'),
        Buffer.from(vector(1, 0, 0, 0).buffer),
      ]),
    );
    expect(await ExactVectors.read(file, 4, 'tag-1')).toBeNull();
    fs.writeFileSync(file, 'not a header');
    expect(await ExactVectors.read(file, 4, 'tag-1')).toBeNull();
  });
});

describe('a vector index with its exact vectors in memory', () => {
  const EMBEDDER = 'test-embedder';
  const DIMENSIONS = 8;

  async function storeWithVectors(count: number) {
    const { store, dir } = await ownSqliteStore();
    const papers = Array.from({ length: count }, (_, i) =>
      paperRecord({ id: `2601.${String(i + 1).padStart(5, '0')}`, title: `Paper ${i}` }),
    );
    await upsertPapers(store.db, papers, '2026-01-01');
    const gaussian = gaussianSource(7);
    const rows = papers.map((paper) => {
      const vector = new Float32Array(DIMENSIONS).map(() => gaussian());
      const norm = Math.hypot(...vector);
      // Representable in 16 bits, so what memory gives back equals what the database holds.
      return { paperId: paper.id, vector: inHalfPrecision(vector.map((x) => x / norm)) };
    });
    const { stored } = await replaceVectors(store.db, EMBEDDER, rows, '2026-01-01');
    return { store, dir: path.join(dir, 'search'), stored };
  }

  it('saves them beside the index file and reads them from there at the first catch-up of the next start', async () => {
    const { store, dir, stored } = await storeWithVectors(300);
    const index = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    await index.catchUp(store);
    index.save();
    // Gone from the database: only the saved file can bring them back.
    const rows = await sql<{ key: number; paper_id: string; vector: Uint8Array }>`SELECT key, paper_id, vector FROM search_vectors`.execute(
      store.db,
    );
    await sql`DELETE FROM search_vectors`.execute(store.db);
    const reopened = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    expect(reopened.exactByKey(stored[0]!.key)).toBeNull();
    await reopened.catchUp(store);
    for (const v of [stored[0]!, stored[299]!]) {
      expect(reopened.exactByKey(v.key)).toEqual({ paperId: v.paperId, vector: v.vector });
      expect(reopened.exactByPaper(v.paperId)).toEqual(v.vector);
    }
    for (const row of rows.rows) {
      await sql`INSERT INTO search_vectors (key, embedder, paper_id, vector, created_at)
        VALUES (${row.key}, ${EMBEDDER}, ${row.paper_id}, ${row.vector}, '2026-01-01')`.execute(store.db);
    }

    // A paper written again gets a new key: the old key no longer resolves, and searches score the new vector.
    const rewritten = stored[10]!;
    const again = await replaceVectors(store.db, EMBEDDER, [{ paperId: rewritten.paperId, vector: stored[20]!.vector }], '2026-01-02');
    await reopened.catchUp(store);
    expect(reopened.exactByKey(rewritten.key)).toBeNull();
    expect(reopened.exactByPaper(rewritten.paperId)).toEqual(stored[20]!.vector);
    const hits = await nearestPapers(store, reopened, { query: stored[20]!.vector, limit: 2, filters: NO_FILTERS, exclude: null });
    expect(hits.map((h) => h.paperId).sort()).toEqual([rewritten.paperId, stored[20]!.paperId].sort());
    expect(hits.every((h) => Math.abs(h.score - 1) < 1e-3)).toBe(true);
    expect(again.replacedKeys).toEqual([rewritten.key]);
  });

  it('reads them from the database at its first catch-up when the index was saved without them, then saves them', async () => {
    const { store, dir, stored } = await storeWithVectors(120);
    const index = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    await index.catchUp(store);
    index.save();
    const meta = path.join(dir, `${EMBEDDER}.usearch.json`);
    const { exactTag, ...older } = JSON.parse(fs.readFileSync(meta, 'utf8')) as Record<string, unknown>;
    expect(exactTag).toEqual(expect.any(String));
    fs.writeFileSync(meta, JSON.stringify(older));

    const reopened = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    expect(reopened.size()).toBe(120);
    // Meanwhile searches read the candidates' vectors from the database.
    const early = await nearestPapers(store, reopened, { query: stored[5]!.vector, limit: 1, filters: NO_FILTERS, exclude: null });
    expect(early.map((h) => h.paperId)).toEqual([stored[5]!.paperId]);
    await reopened.catchUp(store);
    expect(reopened.exactByKey(stored[5]!.key)).toEqual({ paperId: stored[5]!.paperId, vector: stored[5]!.vector });
    expect((JSON.parse(fs.readFileSync(meta, 'utf8')) as { exactTag?: string }).exactTag).toEqual(expect.any(String));
    const third = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    await third.catchUp(store);
    expect(third.exactByPaper(stored[119]!.paperId)).toEqual(stored[119]!.vector);
  });

  it('applies the changes made before its first catch-up over the vectors it reads then', async () => {
    const { store, dir, stored } = await storeWithVectors(50);
    const index = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    await index.catchUp(store);
    index.save();
    const reopened = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    reopened.add([{ key: 5_000, paperId: stored[1]!.paperId, vector: stored[2]!.vector }], [stored[1]!.key]);
    expect(reopened.exactByPaper(stored[1]!.paperId)).toBeNull();
    await reopened.catchUp(store);
    expect(reopened.exactByKey(stored[1]!.key)).toBeNull();
    expect(reopened.exactByKey(5_000)).toEqual({ paperId: stored[1]!.paperId, vector: stored[2]!.vector });
    expect(reopened.exactByPaper(stored[0]!.paperId)).toEqual(stored[0]!.vector);
  });

  it('never returns a hidden or deleted paper, though its vector is in memory', async () => {
    const { store, dir, stored } = await storeWithVectors(60);
    const index = new VectorIndex(EMBEDDER, DIMENSIONS, dir);
    await index.catchUp(store);
    const [hidden, deleted, kept] = [stored[3]!, stored[4]!, stored[5]!];
    await sql`UPDATE papers SET hidden = 1 WHERE id = ${hidden.paperId}`.execute(store.db);
    await sql`DELETE FROM papers WHERE id = ${deleted.paperId}`.execute(store.db);
    for (const v of [hidden, deleted]) {
      expect(index.exactByPaper(v.paperId)).not.toBeNull();
      const hits = await nearestPapers(store, index, { query: v.vector, limit: 5, filters: NO_FILTERS, exclude: null });
      expect(hits).toHaveLength(5);
      expect(hits.some((h) => h.paperId === v.paperId)).toBe(false);
    }
    const hits = await nearestPapers(store, index, { query: kept.vector, limit: 1, filters: NO_FILTERS, exclude: null });
    expect(hits[0]!.paperId).toBe(kept.paperId);
  });
});
