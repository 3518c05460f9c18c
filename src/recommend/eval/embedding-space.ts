import { LsaFolder, trainLsa } from '../../search/embedders/lsa-model.js';
import { DEFAULT_MAX_TRAINING } from '../../search/semantic/builtin-training.js';
import { denseSpace } from '../dense-space.js';
import type { FeatureSpace } from '../tfidf.js';
import type { CorpusDocument } from './dataset.js';

/**
 * The search embeddings of a dataset's corpus, made the way an instance makes them: the builtin LSA model trained on
 * a stride sample of at most 60,000 papers, then every paper folded into it.
 */
export async function builtinEmbeddingSpace(corpus: readonly CorpusDocument[], dimensions?: number): Promise<FeatureSpace> {
  const stride = Math.max(1, Math.ceil(corpus.length / DEFAULT_MAX_TRAINING));
  const sample = corpus.filter((_, i) => i % stride === 0);
  const model = await trainLsa(sample, { dimensions });
  const folder = new LsaFolder(model);
  return denseSpace(
    corpus.map((d) => d.id),
    (i) => folder.document(corpus[i]!),
    model.dimensions,
  );
}
