import { describe, expect, it } from 'vitest';
import { denseSpace } from '../../src/recommend/dense-space.js';
import { buildHashedTfidf, termBucket } from '../../src/recommend/hashed-tfidf.js';
import {
  RANKING_METHODS,
  rankCandidates,
  rankInSpaces,
  standardised,
  standardisedFusion,
  trainReaderModel,
} from '../../src/recommend/rank.js';
import fc from 'fast-check';
import { paperTerms } from '../../src/recommend/terms.js';
import { buildTfidf, dotSparse } from '../../src/recommend/tfidf.js';

const CORPUS = [
  { id: 'bee-1', text: 'Honeybee colonies collapse when pesticides weaken the foragers of the hive.' },
  { id: 'bee-2', text: 'Wild bees and honeybee foragers pollinate crops; colony health depends on flowers.' },
  { id: 'bee-3', text: 'Varroa mites spread viruses through honeybee colonies and the hive collapses.' },
  { id: 'robot-1', text: 'A robot arm learns grasping from tactile sensors and camera images.' },
  { id: 'robot-2', text: 'Tactile sensors on robot hands give feedback for grasping fragile objects.' },
  { id: 'robot-3', text: 'A legged robot learns to walk over rough terrain.' },
  { id: 'star-1', text: 'Rotation curves of spiral galaxies suggest dark matter halos.' },
  { id: 'star-2', text: 'Gravitational lensing by galaxy clusters maps dark matter halos.' },
];
// Unrelated papers, as a real corpus mostly holds: the linear model samples its negatives from them.
const FILLER = Array.from({ length: 40 }, (_, i) => ({ id: `other-${i}`, text: `Study ${i} of topic${i} measures quantity${i}.` }));
const model = buildTfidf([...CORPUS, ...FILLER], { minDocumentFrequency: 1 });
const candidatesFor = (positives: string[]) => [...CORPUS, ...FILLER].map((d) => d.id).filter((id) => !positives.includes(id));

describe('TF-IDF', () => {
  it('gives every document a unit vector whose shared stemmed words make it close to its topic', () => {
    for (const vector of model.vectors.values()) expect(dotSparse(vector, vector)).toBeCloseTo(1, 5);
    const bee1 = model.vectors.get('bee-1')!;
    expect(dotSparse(bee1, model.vectors.get('bee-3')!)).toBeGreaterThan(dotSparse(bee1, model.vectors.get('robot-1')!));
    expect(dotSparse(bee1, model.vectors.get('star-1')!)).toBe(0);
  });

  it('uses content words and pairs of adjacent content words as terms', () => {
    expect(paperTerms('The dark matter of spiral galaxies')).toEqual([
      'dark',
      'matter',
      'spiral',
      'galaxies',
      'dark matter',
      'matter spiral',
      'spiral galaxies',
    ]);
  });

  it('drops terms rarer than the minimum document frequency', () => {
    const strict = buildTfidf(CORPUS, { minDocumentFrequency: 2 });
    expect(strict.terms).toContain('honeybee');
    expect(strict.terms).not.toContain('varroa');
  });
});

describe('rankCandidates', () => {
  it.each(RANKING_METHODS)('%s puts the papers of the profile topic first', (method) => {
    const positives = ['bee-1', 'bee-2'];
    const ranked = rankCandidates(model, { positives }, candidatesFor(positives), { method, sampledNegatives: 20 });
    expect(ranked).toHaveLength(46);
    expect(ranked[0]!.id).toBe('bee-3');
    expect(ranked.map((r) => r.score)).toEqual([...ranked.map((r) => r.score)].sort((a, b) => b - a));
  });

  it('explains the top items with the nearest profile paper and the words that weighed most', () => {
    const positives = ['robot-1', 'bee-1'];
    const ranked = rankCandidates(model, { positives }, candidatesFor(positives), { method: 'centroid', explain: 2 });
    const robot2 = ranked.find((r) => r.id === 'robot-2')!;
    expect(ranked.indexOf(robot2)).toBeLessThan(2);
    expect(robot2.reason?.closestTo).toBe('robot-1');
    expect(robot2.reason?.closeness).toBeGreaterThan(0);
    expect(robot2.reason?.words).toEqual(expect.arrayContaining(['tactile']));
    expect(ranked[2]!.reason).toBeUndefined();
  });

  it('lets an explicit negative push its topic down in the linear model', () => {
    const positives = ['robot-3', 'bee-2'];
    const candidates = candidatesFor([...positives, 'bee-1']);
    const plain = rankCandidates(model, { positives }, candidates, { method: 'logistic' });
    const disliked = rankCandidates(model, { positives, negatives: ['bee-1'] }, candidates, { method: 'logistic' });
    const position = (list: typeof plain, id: string) => list.findIndex((r) => r.id === id);
    expect(position(disliked, 'bee-3')).toBeGreaterThan(position(plain, 'bee-3'));
  });

  it('is deterministic and leaves the order alone for an empty profile', () => {
    const positives = ['star-1'];
    const once = rankCandidates(model, { positives }, candidatesFor(positives), { method: 'logistic' });
    expect(rankCandidates(model, { positives }, candidatesFor(positives), { method: 'logistic' })).toEqual(once);
    expect(once[0]!.id).toBe('star-2');
    const unknown = rankCandidates(model, { positives: ['nope'] }, ['robot-1', 'bee-1'], {});
    expect(unknown).toEqual([
      { id: 'robot-1', score: 0 },
      { id: 'bee-1', score: 0 },
    ]);
  });
});

describe('other feature spaces', () => {
  const hashed = buildHashedTfidf([...CORPUS, ...FILLER]);

  it('hashes terms into a fixed number of buckets and folds any text into the space', () => {
    expect(hashed.dimensions).toBe(2 ** 20);
    expect(termBucket('honeybee', 20)).toBe(termBucket('honeybee', 20));
    expect(termBucket('honeybee', 20)).toBeLessThan(2 ** 20);
    for (const vector of hashed.vectors.values()) expect(dotSparse(vector, vector)).toBeCloseTo(1, 5);
    const folded = hashed.vectorize('Honeybee foragers and varroa mites; a zzzunknownword');
    expect(dotSparse(folded, hashed.vectors.get('bee-3')!)).toBeGreaterThan(dotSparse(folded, hashed.vectors.get('robot-1')!));
    // A word no paper of the space holds is left out of the folded vector.
    expect(folded.indices).not.toContain(termBucket('zzzunknownword', 20));
  });

  it('leaves out of every vector the terms held by more than the chosen share of a large enough space', () => {
    // 400 papers: "common" in 120 of them, "frequent" in 60, each paper's own word once.
    const documents = Array.from({ length: 400 }, (_, i) => ({
      id: `p${i}`,
      text: `${i < 120 ? 'common ' : ''}${i < 60 ? 'frequent ' : ''}word${i}`,
    }));
    const space = buildHashedTfidf(documents, { maxDocumentFraction: 0.2 });
    const holds = (id: string, term: string) => space.vectors.get(id)!.indices.includes(termBucket(term, 20));
    expect(holds('p0', 'common')).toBe(false);
    expect(holds('p0', 'frequent')).toBe(true);
    expect(holds('p0', 'word0')).toBe(true);
    // A folded text loses the too-common term as well; the reasons never name it.
    const folded = space.vectorize('common frequent');
    expect(folded.indices).not.toContain(termBucket('common', 20));
    expect(folded.indices).toContain(termBucket('frequent', 20));
    expect(space.weightiestTerms('common frequent', space.vectors.get('p0')!, 3)).not.toContain('common');
    // Keeping everything keeps "common"; below MIN_COMMON_DOCUMENTS papers nothing is too common.
    expect(buildHashedTfidf(documents, { maxDocumentFraction: 1 }).vectors.get('p0')!.indices).toContain(termBucket('common', 20));
    const small = buildHashedTfidf(documents.slice(0, 40), { maxDocumentFraction: 0.2 });
    expect(small.vectors.get('p0')!.indices).toContain(termBucket('common', 20));
  });

  it('ranks in a hashed space as in the exact one, naming the weightiest terms from the text', () => {
    const positives = ['bee-1', 'bee-2'];
    expect(rankCandidates(hashed, { positives }, candidatesFor(positives), { sampledNegatives: 20 })[0]!.id).toBe('bee-3');
    const model = trainReaderModel(hashed, { positives }, { sampledNegatives: 20 })!;
    const words = hashed.weightiestTerms(CORPUS[2]!.text, model.explainWeights, 3);
    expect(words).toHaveLength(3);
    expect(words.every((w) => /honeybee|colonies|hive|collapse/.test(w))).toBe(true);
  });

  it('names the weightiest terms by idf times weight, and on a tie the one the text names first', () => {
    const documents = ['alpha', 'beta', 'gamma', ...Array.from({ length: 20 }, (_, i) => `filler${i}`)].map((text, i) => ({
      id: `d${i}`,
      text,
    }));
    const space = buildHashedTfidf(documents);
    // alpha, beta and gamma are each in one paper (equal idf); gamma weighs twice as much in the reader's weights.
    const entries = [
      [termBucket('alpha', 20), 1],
      [termBucket('beta', 20), 1],
      [termBucket('gamma', 20), 2],
    ].sort((a, b) => a[0]! - b[0]!);
    const weights = { indices: Int32Array.from(entries, ([d]) => d!), values: Float32Array.from(entries, ([, w]) => w!) };
    expect(space.weightiestTerms('beta alpha gamma filler1', weights, 3)).toEqual(['gamma', 'beta', 'alpha']);
    expect(space.weightiestTerms('alpha beta gamma', weights, 3)).toEqual(['gamma', 'alpha', 'beta']);
    expect(space.weightiestTerms('alpha beta gamma', weights, 2)).toEqual(['gamma', 'alpha']);
    // Kept per paper: the terms read for a key are the ones used for it again.
    expect(space.weightiestTerms('beta alpha', weights, 3, 'd1')).toEqual(['beta', 'alpha']);
    expect(space.weightiestTerms('ignored text', weights, 3, 'd1')).toEqual(['beta', 'alpha']);
  });

  it('fuses scorers into the standardised sum of their standardised scores', () => {
    const scores = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(scores, scores, fc.boolean(), (a, b, constant) => {
        const n = Math.min(a.length, b.length);
        const first = Float64Array.from(a.slice(0, n));
        const second = constant ? new Float64Array(n).fill(0.5) : Float64Array.from(b.slice(0, n));
        const z1 = standardised(first);
        const z2 = standardised(second);
        const expected = standardised(z1.map((z, i) => z + z2[i]!));
        const actual = standardisedFusion([first, second]);
        actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 9));
        expect(Array.from(standardisedFusion([first]))).toEqual(Array.from(z1));
      }),
      { numRuns: 300 },
    );
  });

  it('fuses spaces by weighted standardised scores, with reasons from the first space', () => {
    const ids = [...CORPUS, ...FILLER].map((d) => d.id);
    // A dense space that sees only the robot papers as alike, the opposite of what the profile says in TF-IDF.
    const dense = denseSpace(ids, (i) => Float32Array.from(ids[i]!.startsWith('robot') ? [1, 0] : [0, 1]), 2);
    const positives = ['bee-1', 'robot-1'];
    const candidates = candidatesFor(positives);
    const tfidfOnly = rankInSpaces([{ space: model, weight: 1 }], { positives }, candidates, { method: 'centroid' });
    const fused = rankInSpaces(
      [
        { space: model, weight: 1 },
        { space: dense, weight: 0 },
      ],
      { positives },
      candidates,
      { method: 'centroid' },
    );
    expect(fused.map((r) => r.id)).toEqual(tfidfOnly.map((r) => r.id));
    expect(fused[0]!.reason?.words.length).toBeGreaterThan(0);
    const denseHeavy = rankInSpaces(
      [
        { space: model, weight: 0.01 },
        { space: dense, weight: 1 },
      ],
      { positives: ['robot-1'] },
      candidatesFor(['robot-1']),
      { method: 'centroid' },
    );
    expect(
      denseHeavy
        .slice(0, 2)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['robot-2', 'robot-3']);
  });
});
