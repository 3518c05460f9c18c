import type { Store } from '../../src/db/database.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { l2Normalize } from '../../src/search/embedders/embedder.js';
import { replaceVectors } from '../../src/search/vectors.repository.js';
import { paperRecord } from './fixtures.js';

export const MAP_EMBEDDER = 'test:map';
export const MAP_DIMENSIONS = 32;
const NOW = '2025-03-03T12:00:00.000Z';

/** Three topics, each with its own words and its own direction in embedding space. */
export const TOPICS = [
  { name: 'galaxies', words: 'Galaxy Cluster Redshift Survey' },
  { name: 'proteins', words: 'Protein Folding Molecular Dynamics' },
  { name: 'parsing', words: 'Syntactic Parsing Treebank Grammar' },
] as const;

function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** A unit vector near the topic's direction (the first dimensions of each topic are its own). */
export function topicVector(topic: number, seed: number, spread = 0.25): Float32Array {
  const random = noise(seed * 7919 + topic);
  const v = new Float32Array(MAP_DIMENSIONS);
  for (let i = 0; i < MAP_DIMENSIONS; i++) v[i] = random() * spread;
  for (let i = topic * 8; i < topic * 8 + 8; i++) v[i]! += 1;
  return l2Normalize(v);
}

export function topicPaperId(topic: number, index: number): string {
  return `2503.${String(topic * 1000 + index).padStart(5, '0')}`;
}

/** Writes papers of each topic with titles in the topic's words and vectors near the topic's direction. */
export async function seedMapCorpus(store: Store, perTopic: number, offset = 0): Promise<string[]> {
  const ids: string[] = [];
  const rows = TOPICS.flatMap((topic, t) =>
    Array.from({ length: perTopic }, (_, j) => {
      const i = offset + j;
      const id = topicPaperId(t, i);
      ids.push(id);
      return { record: paperRecord({ id, title: `${topic.words} study number ${i}` }), vector: topicVector(t, i + 1) };
    }),
  );
  await store.db.transaction().execute(async (trx) => {
    await upsertPapers(
      trx,
      rows.map((r) => r.record),
      NOW,
    );
    await replaceVectors(
      trx,
      MAP_EMBEDDER,
      rows.map((r) => ({ paperId: r.record.id, vector: r.vector })),
      NOW,
    );
  });
  return ids;
}
