import { describe, expect, it } from 'vitest';
import { RANKING_METHODS, rankCandidates } from '../../src/recommend/rank.js';
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
