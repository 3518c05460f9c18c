import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexedProfileScores, invertVectors } from '../../src/recommend/candidate-index.js';
import { ProfileScoringPool } from '../../src/recommend/profile-scoring-pool.js';
import { RANKING_METHODS, scoreIndexed, scoreVectors, trainReaderModel } from '../../src/recommend/rank.js';
import type { SparseVector } from '../../src/recommend/tfidf.js';
import { bestCandidates } from '../../src/foryou/recommendations.js';
import { buildHashedTfidf } from '../../src/recommend/hashed-tfidf.js';

const DIMENSIONS = 64;

/** A non-negative sparse vector at unit length, as TF-IDF gives (sorted distinct indices). */
const sparseVector = fc
  .uniqueArray(fc.record({ d: fc.integer({ min: 0, max: DIMENSIONS - 1 }), w: fc.double({ min: 0.01, max: 1, noNaN: true }) }), {
    selector: (e) => e.d,
    minLength: 0,
    maxLength: 12,
  })
  .map((entries): SparseVector => {
    const sorted = entries.slice().sort((a, b) => a.d - b.d);
    const norm = Math.sqrt(sorted.reduce((s, e) => s + e.w * e.w, 0)) || 1;
    return { indices: Int32Array.from(sorted, (e) => e.d), values: Float32Array.from(sorted, (e) => e.w / norm) };
  });

describe('scoring through an inverted candidate index', () => {
  it('gives every ranking method the scores of the vector-by-vector scorer, whatever the vectors', () => {
    fc.assert(
      fc.property(
        fc.array(sparseVector, { minLength: 1, maxLength: 40 }),
        fc.array(sparseVector, { minLength: 1, maxLength: 6 }),
        fc.array(sparseVector, { maxLength: 2 }),
        fc.constantFrom(...RANKING_METHODS),
        (candidates, positives, negatives, method) => {
          const vectors = new Map<string, SparseVector>();
          candidates.forEach((v, i) => vectors.set(`c${i}`, v));
          positives.forEach((v, i) => vectors.set(`p${i}`, v));
          negatives.forEach((v, i) => vectors.set(`n${i}`, v));
          const space = { dimensions: DIMENSIONS, vectors, ids: [...vectors.keys()], termName: () => undefined };
          const profile = { positives: positives.map((_, i) => `p${i}`), negatives: negatives.map((_, i) => `n${i}`) };
          const model = trainReaderModel(space, profile, { method, sampledNegatives: 10 })!;
          const expected = scoreVectors(model, candidates);
          const actual = scoreIndexed(model, invertVectors(candidates, DIMENSIONS));
          expect(actual.length).toBe(expected.length);
          actual.forEach((score, i) => expect(score).toBeCloseTo(expected[i]!, 6));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scores every candidate alike both ways when the centroid and the nearest paper cancel each other out', () => {
    // The centroid points away from the one shared term (a quarter of a negative outweighs a fifth of a positive)
    // while the nearest paper points to it: the fused z-scores sum to rounding error, which must stay flat.
    const term = (d: number): SparseVector => ({ indices: Int32Array.of(d), values: Float32Array.of(1) });
    const none: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };
    const candidates = [none, none, term(12)];
    const vectors = new Map<string, SparseVector>([
      ['p0', term(12)],
      ...[1, 2, 3, 4].map((i): [string, SparseVector] => [`p${i}`, none]),
      ['n0', term(12)],
    ]);
    const space = { dimensions: DIMENSIONS, vectors, ids: [...vectors.keys()], termName: () => undefined };
    const profile = { positives: ['p0', 'p1', 'p2', 'p3', 'p4'], negatives: ['n0'] };
    const model = trainReaderModel(space, profile, { method: 'centroid+nearest', sampledNegatives: 10 })!;
    for (const scores of [scoreVectors(model, candidates), scoreIndexed(model, invertVectors(candidates, DIMENSIONS))]) {
      scores.forEach((score) => expect(score).toBeCloseTo(0, 6));
    }
  });

  it("trains a centroid that is the unit mean of the positives less a quarter of the negatives' mean", () => {
    fc.assert(
      fc.property(
        fc.array(sparseVector, { minLength: 1, maxLength: 6 }),
        fc.array(sparseVector, { maxLength: 3 }),
        (positives, negatives) => {
          const vectors = new Map<string, SparseVector>();
          positives.forEach((v, i) => vectors.set(`p${i}`, v));
          negatives.forEach((v, i) => vectors.set(`n${i}`, v));
          const space = { dimensions: DIMENSIONS, vectors, ids: [...vectors.keys()], termName: () => undefined };
          const profile = { positives: positives.map((_, i) => `p${i}`), negatives: negatives.map((_, i) => `n${i}`) };
          const model = trainReaderModel(space, profile, { method: 'centroid' })!;
          const dense = new Float64Array(DIMENSIONS);
          const add = (list: SparseVector[], scale: number) => {
            for (const v of list) v.indices.forEach((d, i) => (dense[d]! += (scale / list.length) * v.values[i]!));
          };
          add(positives, 1);
          if (negatives.length > 0) add(negatives, -0.25);
          const norm = Math.sqrt(dense.reduce((t, w) => t + w * w, 0)) || 1;
          const expected = Array.from(dense.keys()).filter((d) => dense[d] !== 0);
          expect(Array.from(model.explainWeights.indices)).toEqual(expected);
          model.explainWeights.values.forEach((w, i) => expect(w).toBeCloseTo(dense[expected[i]!]! / norm, 5));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ranks a real hashed space the same both ways', () => {
    const texts = [
      'Honeybee colonies collapse when pesticides weaken the foragers of the hive.',
      'Wild bees and honeybee foragers pollinate crops; colony health depends on flowers.',
      'Varroa mites spread viruses through honeybee colonies and the hive collapses.',
      'A robot arm learns grasping from tactile sensors and camera images.',
      'Tactile sensors on robot hands give feedback for grasping fragile objects.',
      'Rotation curves of spiral galaxies suggest dark matter halos.',
    ];
    const space = buildHashedTfidf(texts.map((text, i) => ({ id: `d${i}`, text })));
    const candidates = space.ids.slice(1).map((id) => space.vectors.get(id)!);
    const model = trainReaderModel(space, { positives: ['d0'] }, { method: 'centroid+nearest' })!;
    const indexed = scoreIndexed(model, invertVectors(candidates, space.dimensions));
    const plain = scoreVectors(model, candidates);
    const order = (scores: Float64Array) => Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    expect(order(indexed)).toEqual(order(plain));
    // The two honeybee papers lead, the galaxy paper (no shared term) trails.
    expect(order(indexed).slice(0, 2).sort()).toEqual([0, 1]);
    expect(indexed[4]).toBe(Math.min(...indexed));
  });
});

describe('the profile scoring thread', () => {
  it('walks profiles through a shared index to exactly the scores of walking them here, on two threads at once', async () => {
    const pool = new ProfileScoringPool(2);
    try {
      const cases = fc.sample(
        fc.record({
          candidates: fc.array(sparseVector, { minLength: 1, maxLength: 30 }),
          positives: fc.array(sparseVector, { minLength: 1, maxLength: 5 }),
          negatives: fc.array(sparseVector, { maxLength: 2 }),
          k: fc.integer({ min: 0, max: 3 }),
          withSum: fc.boolean(),
        }),
        { numRuns: 40, seed: 7 },
      );
      // All walks in flight together, so both threads take some.
      await Promise.all(
        cases.map(async ({ candidates, positives, negatives, k, withSum }) => {
          const index = invertVectors(candidates, DIMENSIONS, { shared: true });
          const sum = withSum ? { negatives, positiveScale: 0.5, negativeScale: -0.125 } : undefined;
          expect(await pool.walk(index, positives, k, sum)).toEqual(indexedProfileScores(index, positives, k, sum));
        }),
      );
      // A thread keeps the index it was sent: many walks of one index, then of another, then of the first again.
      const [first, second] = cases.slice(0, 2).map(({ candidates }) => invertVectors(candidates, DIMENSIONS, { shared: true }));
      const order = [first!, first!, first!, second!, second!, first!, second!, first!];
      await Promise.all(
        order.map(async (index, i) => {
          const { positives, k } = cases[i + 2]!;
          expect(await pool.walk(index, positives, k)).toEqual(indexedProfileScores(index, positives, k));
        }),
      );
    } finally {
      await pool.close();
    }
  });

  it('refuses an index outside shared memory, and fails walks in flight when closed', async () => {
    const pool = new ProfileScoringPool();
    const vector: SparseVector = { indices: Int32Array.of(1), values: Float32Array.of(1) };
    await expect(pool.walk(invertVectors([vector], DIMENSIONS), [vector], 1)).rejects.toThrow(/shared: true/);
    const inFlight = expect(pool.walk(invertVectors([vector], DIMENSIONS, { shared: true }), [vector], 1)).rejects.toThrow(/closed/);
    await pool.close();
    await inFlight;
  });
});

describe('bestCandidates', () => {
  it('picks what a full sort by score, trending score and id puts first, skipping the marked ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ score: fc.integer({ min: 0, max: 5 }), trending: fc.integer({ min: 0, max: 3 }), skip: fc.boolean() }), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 20 }),
        (rows, count) => {
          const candidates = rows.map((r, i) => ({
            id: `id${String(59 - i).padStart(2, '0')}`,
            authors: [],
            categories: [],
            trendingScore: r.trending,
          }));
          const scores = Float64Array.from(rows, (r) => r.score);
          const skip = Uint8Array.from(rows, (r) => (r.skip ? 1 : 0));
          const sorted = rows
            .map((_, i) => i)
            .filter((i) => !rows[i]!.skip)
            .sort(
              (a, b) =>
                scores[b]! - scores[a]! ||
                candidates[b]!.trendingScore - candidates[a]!.trendingScore ||
                (candidates[a]!.id < candidates[b]!.id ? -1 : 1),
            );
          expect(Array.from(bestCandidates(candidates, scores, skip, count))).toEqual(sorted.slice(0, count));
        },
      ),
      { numRuns: 500 },
    );
  });
});
