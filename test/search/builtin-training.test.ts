import { describe, expect, it } from 'vitest';
import { BuiltinEmbedder } from '../../src/search/embedders/builtin-embedder.js';
import { lsaModelId, serializeLsa, trainLsa } from '../../src/search/embedders/lsa-model.js';
import { builtinNeedsTraining } from '../../src/search/semantic/builtin-training.js';
import { TOPIC_PAPERS } from './corpus.js';

describe('when the builtin model is retrained', () => {
  it('retrains a model of the older, untuned method, so its vectors are replaced', async () => {
    const model = { ...(await trainLsa(TOPIC_PAPERS, { dimensions: 4 })), trainedOn: 1_000 };
    const data = serializeLsa(model);
    const plain = new BuiltinEmbedder(lsaModelId(data), model);
    const tuned = new BuiltinEmbedder(lsaModelId(data, true), model);
    expect(tuned.id).not.toBe(plain.id);
    expect(builtinNeedsTraining(plain, 1_000, {})).toBe(true);
    expect(builtinNeedsTraining(tuned, 1_000, {})).toBe(false);
    expect(builtinNeedsTraining(tuned, 2_000, {})).toBe(true);
    // Asked for plain LSA, a plain model is kept and a tuned one replaced.
    expect(builtinNeedsTraining(plain, 1_000, { contrastive: null })).toBe(false);
    expect(builtinNeedsTraining(tuned, 1_000, { contrastive: null })).toBe(true);
  });
});
