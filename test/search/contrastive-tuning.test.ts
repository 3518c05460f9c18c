import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { trainBuiltin } from '../../src/search/embedders/builtin-model-training.js';
import { seededRandom } from '../../src/seeded-random.js';
import { trainingPairs, tuneProjection, type ContrastiveOptions } from '../../src/search/embedders/contrastive-tuning.js';
import { dot, type EmbeddableDocument } from '../../src/search/embedders/embedder.js';
import { LsaFolder, trainLsa } from '../../src/search/embedders/lsa-model.js';
import { contentTerms } from '../../src/search/text.js';
import { tempDir } from '../helpers/stores.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'vo', 'pe', 'du', 'ga', 'zo'];
const TOPICS = 12;

/** A made-up word: topic, role and number spelled in syllables (each topic has its own title and abstract words). */
function word(topic: number, role: 'title' | 'abstract', n: number): string {
  return `${SYLLABLES[topic]}${role === 'title' ? 'pa' : 'bo'}${SYLLABLES[n % 12]}${SYLLABLES[Math.floor(n / 12) % 12]}x`;
}

/** Papers whose titles use their topic's title words and abstracts its abstract words (no word in both). */
function topicPapers(perTopic: number, seed: number): EmbeddableDocument[] {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const papers: EmbeddableDocument[] = [];
  for (let i = 0; i < perTopic; i++) {
    for (let topic = 0; topic < TOPICS; topic++) {
      // A few words from anywhere, as real papers share general vocabulary.
      const noise = () => word(pick(TOPICS), 'abstract', pick(24));
      papers.push({
        title: Array.from({ length: 5 }, () => word(topic, 'title', pick(8))).join(' '),
        abstract: [...Array.from({ length: 30 }, () => word(topic, 'abstract', pick(24))), noise(), noise(), noise()].join(' '),
      });
    }
  }
  return papers;
}

const OPTIONS: ContrastiveOptions = { epochs: 3, batch: 16, temperature: 0.1, learningRate: 0.5, seed: 7, minPairs: 0 };

describe('contrastive tuning of the builtin model', () => {
  it('gives the same model for the same papers and seed, and another for another seed', async () => {
    const papers = topicPapers(8, 1);
    const base = await trainLsa(papers, { dimensions: 8 });
    const pairs = trainingPairs(base, papers);
    const first = await tuneProjection(base, pairs, OPTIONS);
    const second = await tuneProjection(base, pairs, OPTIONS);
    const reseeded = await tuneProjection(base, pairs, { ...OPTIONS, seed: 8 });
    expect(first.projection).toEqual(second.projection);
    expect(first.projection).not.toEqual(base.projection);
    expect(reseeded.projection).not.toEqual(first.projection);
  });

  it('gives exactly the same model whether one thread or several share each batch', async () => {
    const papers = topicPapers(8, 1);
    const base = await trainLsa(papers, { dimensions: 8 });
    const pairs = trainingPairs(base, papers);
    const alone = await tuneProjection(base, pairs, OPTIONS, { lanes: 1 });
    const shared = await tuneProjection(base, pairs, OPTIONS, { lanes: 3 });
    expect(alone.projection).not.toEqual(base.projection);
    expect(shared.projection).toEqual(alone.projection);
  });

  it('leaves the model as it is with fewer pairs than the minimum', async () => {
    const papers = topicPapers(2, 1);
    const base = await trainLsa(papers, { dimensions: 8 });
    const pairs = trainingPairs(base, papers);
    expect(pairs).toHaveLength(24);
    expect((await tuneProjection(base, pairs, { ...OPTIONS, minPairs: 25 })).projection).toEqual(base.projection);
    expect((await tuneProjection(base, pairs, { ...OPTIONS, minPairs: 24 })).projection).not.toEqual(base.projection);
  });

  it('pairs each title with its abstract minus the title’s words', async () => {
    const papers: EmbeddableDocument[] = [
      { title: 'graph networks', abstract: 'graph networks learn molecules and proteins' },
      { title: 'robot arms', abstract: 'robot arms grasp objects' },
      { title: '', abstract: 'a paper without a title' },
      { title: 'graph', abstract: 'graph' },
    ];
    const base = await trainLsa(papers, { dimensions: 2 });
    const pairs = trainingPairs(base, papers);
    const termsOf = (bag: { terms: Int32Array }) => [...bag.terms].map((i) => base.terms[i]).sort();
    expect(pairs.map((p) => [termsOf(p.short), termsOf(p.long)])).toEqual([
      [
        ['graph', 'network'],
        ['learn', 'molecul', 'protein'],
      ],
      [
        ['arm', 'robot'],
        ['grasp', 'object'],
      ],
    ]);
  });

  it('pairs one sentence of an abstract of three or more with the rest of the abstract minus the sentence’s words', async () => {
    const threeSentences =
      'Graph networks learn molecular graphs. Proteins fold into shapes within seconds. Attention models proteins and molecules.';
    const papers: EmbeddableDocument[] = [
      { title: '', abstract: threeSentences },
      { title: '', abstract: 'Robots grasp objects carefully. Grippers learn from touch sensors.' },
      { title: '', abstract: 'Results are discussed. Rovers map craters. Wheels slip on sand dunes.' },
    ];
    const base = await trainLsa(papers, { dimensions: 2 });
    const termsOf = (bag: { terms: Int32Array }) => [...bag.terms].map((i) => base.terms[i]!).sort();
    expect(trainingPairs(base, papers, { seed: 1, sentencePairs: false })).toEqual([]);

    const sentences = threeSentences.split('. ').map((sentence) => [...new Set(contentTerms(sentence))].sort());
    const possible = sentences.map((sentence, k) => [
      sentence,
      [...new Set(sentences.filter((_, i) => i !== k).flat())].filter((term) => !sentence.includes(term)).sort(),
    ]);
    const firstAbstract = new Set(sentences.flat());
    const picks = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const pairs = trainingPairs(base, papers, { seed, sentencePairs: true });
      const ofFirst = pairs.filter((pair) => termsOf(pair.short).every((term) => firstAbstract.has(term)));
      expect(ofFirst).toHaveLength(1);
      const pair = [termsOf(ofFirst[0]!.short), termsOf(ofFirst[0]!.long)];
      expect(possible).toContainEqual(pair);
      picks.add(pair[0]!.join());
      // Two sentences give no pair; the third abstract gives one unless its uninformative sentence was picked.
      const rest = pairs.filter((p) => !ofFirst.includes(p)).map((p) => termsOf(p.short));
      expect(rest.length).toBeLessThanOrEqual(1);
      for (const terms of rest)
        expect([
          ['crater', 'map', 'rover'],
          ['dune', 'sand', 'slip', 'wheel'],
        ]).toContainEqual(terms);
      expect(trainingPairs(base, papers, { seed, sentencePairs: true })).toEqual(pairs);
    }
    expect(picks.size).toBe(3);
  });

  it('lowers the loss and puts a title nearer its own topic’s abstracts than other topics’', async () => {
    const papers = topicPapers(10, 2);
    const losses: number[] = [];
    const model = await trainBuiltin(papers, { dimensions: 16, contrastive: { ...OPTIONS, epochs: 4 } }, (line) => {
      const loss = /loss (\d+\.\d+)/.exec(line);
      if (loss) losses.push(Number(loss[1]));
    });
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]!);
    const folder = new LsaFolder(model);
    const held = topicPapers(2, 99);
    for (let topic = 0; topic < TOPICS; topic++) {
      const query = folder.query(held[topic]!.title);
      const own = dot(query, folder.document({ title: '', abstract: held[topic]!.abstract }));
      const others = held
        .filter((_, i) => i % TOPICS !== topic)
        .map((doc) => dot(query, folder.document({ title: '', abstract: doc.abstract })));
      expect(own).toBeGreaterThan(Math.max(...others));
    }
  });

  it('resumes an interrupted training from its checkpoint to exactly the uninterrupted model', async () => {
    const dir = tempDir();
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const checkpointFile = path.join(dir, 'builtin-training.checkpoint');
    const papers = topicPapers(6, 3);
    const options = { dimensions: 8, contrastive: OPTIONS, checkpointFile };
    const uninterrupted = await trainBuiltin(papers, { ...options, checkpointFile: null });

    class Interrupted extends Error {}
    await expect(
      trainBuiltin(papers, options, (line) => {
        if (line.startsWith('tuning epoch 2/')) throw new Interrupted();
      }),
    ).rejects.toBeInstanceOf(Interrupted);
    expect(fs.existsSync(checkpointFile)).toBe(true);

    const lines: string[] = [];
    const resumed = await trainBuiltin(papers, options, (line) => lines.push(line));
    expect(lines[0]).toBe('resuming from a checkpoint (2 tuning epochs done)');
    expect(lines.filter((line) => line.startsWith('tuning epoch'))).toHaveLength(1);
    expect(resumed.terms).toEqual(uninterrupted.terms);
    expect(resumed.idf).toEqual(uninterrupted.idf);
    expect(resumed.projection).toEqual(uninterrupted.projection);
  });

  it('ignores a checkpoint of other papers', async () => {
    const dir = tempDir();
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const checkpointFile = path.join(dir, 'builtin-training.checkpoint');
    const options = { dimensions: 8, contrastive: { ...OPTIONS, epochs: 1 }, checkpointFile };
    await trainBuiltin(topicPapers(4, 4), options);
    const lines: string[] = [];
    const papers = topicPapers(4, 5);
    const model = await trainBuiltin(papers, options, (line) => lines.push(line));
    expect(lines[0]).toMatch(/^LSA starting point/);
    expect(model.projection).toEqual((await trainBuiltin(papers, { ...options, checkpointFile: null })).projection);
  });
});
