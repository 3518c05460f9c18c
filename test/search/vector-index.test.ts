import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gaussianSource } from '../../src/search/embedders/linear-algebra.js';
import { VectorIndex } from '../../src/search/vector-index.js';
import type { StoredVector } from '../../src/search/vectors.repository.js';
import { tempDir } from '../helpers/stores.js';

const DIMENSIONS = 16;

function randomVectors(from: number, count: number, seed = from + 1, dimensions = DIMENSIONS): StoredVector[] {
  const gaussian = gaussianSource(seed);
  return Array.from({ length: count }, (_, i) => {
    const vector = new Float32Array(dimensions).map(() => gaussian());
    const norm = Math.hypot(...vector);
    return { key: from + i, paperId: `p${from + i}`, vector: vector.map((x) => x / norm) };
  });
}

describe('vector index', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const directory = () => {
    const dir = tempDir('paperboy-vector-index-');
    dirs.push(dir);
    return dir;
  };

  it('rewrites its file in proportion to its size, not every fixed number of additions', () => {
    const dir = directory();
    // Saves once at least 200 changes, and at least a quarter of the index, are unsaved.
    const index = new VectorIndex('test-embedder', DIMENSIONS, dir, 200);
    const file = path.join(dir, 'test-embedder.usearch');
    const saves: number[] = [];
    let key = 1;
    const addBatch = (count: number) => {
      index.add(randomVectors(key, count));
      key += count;
      if (index.unsavedChanges() === 0) saves.push(index.size());
    };
    for (let i = 0; i < 20; i++) addBatch(20);
    expect(fs.existsSync(file)).toBe(true);
    expect(saves).toEqual([200, 400]);
    for (let i = 0; i < 40; i++) addBatch(20);
    // Past 800 vectors a save waits for a quarter of the index: at 1,080, 280 unsaved ≥ 270.
    expect(saves).toEqual([200, 400, 600, 800, 1_080]);
    expect(index.unsavedChanges()).toBe(120);
  });

  it('keeps unsaved additions until flushed, and a reopened index resumes after the saved highest key', () => {
    const dir = directory();
    const index = new VectorIndex('test-embedder', DIMENSIONS, dir);
    index.add(randomVectors(1, 500));
    expect(index.unsavedChanges()).toBe(500);
    index.save();
    expect(index.unsavedChanges()).toBe(0);
    index.add(randomVectors(501, 100));
    const reopened = new VectorIndex('test-embedder', DIMENSIONS, dir);
    expect(reopened.size()).toBe(500);
    expect(reopened.highestKey()).toBe(500);
  });

  it('ignores a saved file of another embedder or vector layout and starts empty', () => {
    const dir = directory();
    const index = new VectorIndex('test-embedder', DIMENSIONS, dir);
    index.add(randomVectors(1, 50));
    index.save();
    const meta = path.join(dir, 'test-embedder.usearch.json');
    const saved = JSON.parse(fs.readFileSync(meta, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(meta, JSON.stringify({ ...saved, quantization: 'f32' }));
    const reopened = new VectorIndex('test-embedder', DIMENSIONS, dir);
    expect(reopened.size()).toBe(0);
    expect(reopened.highestKey()).toBe(0);
  });

  it('finds the nearest stored vectors, and replacing a key removes its old vector', () => {
    const index = new VectorIndex('test-embedder', DIMENSIONS, null);
    const vectors = randomVectors(1, 300);
    index.add(vectors);
    const target = vectors[42]!;
    expect(index.search(target.vector, 5)[0]!.key).toBe(target.key);
    index.add([{ key: 301, paperId: target.paperId, vector: target.vector }], [target.key]);
    expect(index.size()).toBe(300);
    expect(index.search(target.vector, 1)[0]!.key).toBe(301);
  });

  it('finds every stored vector by itself: no paper is left unreachable in the graph', () => {
    // Concurrent insertion strands a few nodes of every few thousand (they are stored, but no search reaches them).
    const dimensions = 64;
    const vectors = randomVectors(1, 6_000, 11, dimensions);
    const index = new VectorIndex('test-embedder', dimensions, null);
    for (let i = 0; i < vectors.length; i += 2_000) index.add(vectors.slice(i, i + 2_000));
    const unreachable = vectors.filter((v) => index.search(v.vector, 1)[0]?.key !== v.key).map((v) => v.key);
    expect(unreachable).toEqual([]);
  });
});
