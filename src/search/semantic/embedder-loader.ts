import type { Store } from '../../db/database.js';
import { BuiltinEmbedder } from '../embedders/builtin-embedder.js';
import type { Embedder } from '../embedders/embedder.js';
import { describeEmbedderSpec, type EmbedderSpec } from '../../config/embedder-spec.js';
import { deserializeLsa } from '../embedders/lsa-model.js';
import { OnnxEmbedder } from '../embedders/onnx-embedder.js';
import { OpenAiEmbedder } from '../embedders/openai-embedder.js';
import { activeModel } from '../search-models.repository.js';
import { countVectors, otherEmbedders } from '../vectors.repository.js';

/** The configured embedder, ready to embed; null for a builtin model that has not been trained yet. */
export async function loadEmbedder(store: Store, spec: EmbedderSpec, apiKey: string | null): Promise<Embedder | null> {
  if (spec.kind === 'builtin') {
    const stored = await activeModel(store.db, 'builtin');
    return stored ? new BuiltinEmbedder(stored.id, deserializeLsa(stored.data)) : null;
  }
  if (spec.kind === 'openai') {
    const embedder = new OpenAiEmbedder({ baseUrl: spec.baseUrl, model: spec.model, apiKey });
    await embedder.probe();
    return embedder;
  }
  return OnnxEmbedder.load(spec.directory);
}

/** Why the stored vectors cannot be searched with this embedder (another model made them), or null. */
export async function embedderMismatch(store: Store, spec: EmbedderSpec, embedder: Embedder): Promise<string | null> {
  const others = await otherEmbedders(store.db, embedder.id);
  if (others.length === 0 || (await countVectors(store.db, embedder.id)) > 0) return null;
  const previous = others.map((o) => `${o.embedder} (${o.vectors} vectors)`).join(', ');
  return (
    `The search vectors in the database were made by ${previous}, but PAPERBOY_EMBEDDER selects ` +
    `${describeEmbedderSpec(spec)} (${embedder.id}). Run \`paperboy index rebuild\` to re-index with it; ` +
    'until then search is keyword-only.'
  );
}
