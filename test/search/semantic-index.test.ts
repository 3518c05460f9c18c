import { expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { BuiltinEmbedder } from '../../src/search/embedders/builtin-embedder.js';
import { NO_FILTERS } from '../../src/search/paper-filters.js';
import { createSemanticIndex } from '../../src/search/semantic-index.js';
import { vectorsOfPapers } from '../../src/search/vectors.repository.js';
import { describeEachStore } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

describeEachStore('semantic index', (get) => {
  it('scores and orders nearest neighbours by the exact stored vectors, not the quantized index', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    const index = createSemanticIndex(t.store, { spec: { kind: 'builtin' }, apiKey: null, dataDir: t.dataDir, logger: silentLogger });
    const report = await index.maintenance.rebuild();
    expect(report.papers).toBe(TOPIC_PAPERS.length);
    expect(report.phases.embed + report.phases.store + report.phases.hnsw).toBeLessThanOrEqual(report.embedSeconds + 0.01);

    const embedderId = index.state.embedderId()!;
    const stored = await vectorsOfPapers(
      t.store.db,
      embedderId,
      TOPIC_PAPERS.map((p) => p.id),
      t.store.capabilities.maxParameters,
    );
    const model = await t.store.db.selectFrom('search_models').select('data').where('id', '=', embedderId).executeTakeFirstOrThrow();
    const { deserializeLsa } = await import('../../src/search/embedders/lsa-model.js');
    const embedder = new BuiltinEmbedder(embedderId, deserializeLsa(model.data));

    for (const text of ['protein folding amino acids', 'robot language corrections', 'galaxies dark matter']) {
      const query = await embedder.embedQuery(text);
      const queryVector = (await index.reader.embedQuery(text))!;
      const hits = await index.reader.nearest(queryVector, TOPIC_PAPERS.length, NO_FILTERS);
      const exact = [...stored]
        .map(([paperId, vector]) => ({ paperId, score: dot(query, vector) }))
        .sort((a, b) => b.score - a.score || (a.paperId < b.paperId ? -1 : 1));
      expect(hits.map((h) => h.paperId)).toEqual(exact.map((e) => e.paperId));
      // Within the rounding of the 16-bit floats the index keeps its exact vectors in.
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(exact[i]!.score, 3));
      // Hybrid scoring gets the same exact scores whether it is handed the vectors the search loaded or reads them.
      const candidates = TOPIC_PAPERS.map((p) => p.id);
      const known = new Map(hits.map((h) => [h.paperId, h.vector]));
      for (const given of [known, new Map<string, Float32Array>()]) {
        const { similarity } = await index.reader.candidateScores(queryVector, candidates, [], given);
        for (const e of exact) expect(similarity.get(e.paperId)).toBeCloseTo(e.score, 3);
      }
    }

    const similar = await index.reader.similar('2501.10001', 3, NO_FILTERS);
    expect(similar.map((h) => h.paperId)).not.toContain('2501.10001');
    expect(similar[0]!.paperId).toBe('2501.10002');
  });
});

describeEachStore('semantic index on a worker thread', (get) => {
  it('embeds large batches on the worker exactly as in-process folding does', async () => {
    const t = get();
    const papers = Array.from({ length: 1_300 }, (_, i) => {
      const topic = TOPIC_PAPERS[i % TOPIC_PAPERS.length]!;
      return { ...topic, id: `2502.${String(20_000 + i)}`, title: `${topic.title} ${i % 7 === 0 ? 'revisited' : ''}`.trim() };
    });
    await writePapers(t.store, papers);
    const index = createSemanticIndex(t.store, { spec: { kind: 'builtin' }, apiKey: null, dataDir: t.dataDir, logger: silentLogger });
    const report = await index.maintenance.rebuild();
    expect(report.papers).toBe(papers.length);
    const embedderId = index.state.embedderId()!;
    const model = await t.store.db.selectFrom('search_models').select('data').where('id', '=', embedderId).executeTakeFirstOrThrow();
    const { deserializeLsa, LsaFolder } = await import('../../src/search/embedders/lsa-model.js');
    const folder = new LsaFolder(deserializeLsa(model.data));
    const sample = papers.filter((_, i) => i % 97 === 0);
    const stored = await vectorsOfPapers(
      t.store.db,
      embedderId,
      sample.map((p) => p.id),
      t.store.capabilities.maxParameters,
    );
    expect(stored.size).toBe(sample.length);
    for (const paper of sample) {
      const expected = folder.document(paper);
      const actual = stored.get(paper.id)!;
      expected.forEach((x, k) => expect(actual[k]!).toBeCloseTo(x, 6));
    }
  });
});
