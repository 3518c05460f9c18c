import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbedderError } from '../../src/search/embedders/embedder.js';
import { OnnxEmbedder } from '../../src/search/embedders/onnx-embedder.js';
import { tempDir } from '../helpers/stores.js';
import { TINY_DIMENSIONS, expectedClsPooled, expectedMeanPooled, tokenId, writeTinyOnnxModel } from './tiny-onnx-model.js';

const runtimeInstalled = await import('@huggingface/transformers' as string).then(
  () => true,
  () => false,
);
// CI installs the optional runtime, so there a missing runtime must fail these tests rather than skip them.
const runModelTests = runtimeInstalled || process.env.CI === 'true';
if (!runModelTests) {
  console.warn(
    'Skipping the ONNX model tests: @huggingface/transformers is not installed ' +
      '(ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save @huggingface/transformers@3 to run them).',
  );
}

function expectClose(actual: Float32Array, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 5));
}

function norm(vector: Float32Array): number {
  return Math.hypot(...vector);
}

describe('ONNX embedder loading', () => {
  const root = tempDir('paperboy-onnx-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  /** A model directory of the test's own, holding only the given files (each empty or `{}`). */
  function modelDir(name: string, files: readonly string[]): string {
    const dir = path.join(root, name);
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), file.endsWith('.json') ? '{}' : '');
    }
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  it('names the missing model file', async () => {
    await expect(OnnxEmbedder.load(modelDir('empty', []))).rejects.toThrow(/has no config\.json/);
    const withoutWeights = modelDir('without-weights', ['config.json', 'tokenizer.json']);
    await expect(OnnxEmbedder.load(withoutWeights)).rejects.toThrow(/has no onnx\/model\.onnx/);
  });

  // Runs where the optional runtime is not installed (CI installs it, so there this is skipped).
  it.skipIf(runtimeInstalled)('explains how to install the optional runtime when it is absent', async () => {
    const dir = modelDir('complete', ['config.json', 'tokenizer.json', 'onnx/model.onnx']);
    const error = await OnnxEmbedder.load(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbedderError);
    expect(String(error)).toMatch(/ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install @huggingface\/transformers@3/);
  });
});

describe.runIf(runModelTests)('ONNX embedder on a tiny hand-built BERT model', () => {
  const root = tempDir('paperboy-onnx-model-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const meanDir = path.join(root, 'tiny-mean');
  writeTinyOnnxModel(meanDir);
  const clsDir = path.join(root, 'tiny-cls');
  writeTinyOnnxModel(clsDir, { clsPooling: true });

  const [cls, sep, dot] = [tokenId('[CLS]'), tokenId('[SEP]'), tokenId('.')];
  const graphNeuralNetworks = [tokenId('graph'), tokenId('neural'), tokenId('network'), tokenId('##s')];
  const robotLearnLanguage = [tokenId('robot'), tokenId('learn'), tokenId('from'), tokenId('language')];

  it('reports the model width as its dimensions and names itself after the model directory', async () => {
    const embedder = await OnnxEmbedder.load(meanDir);
    expect(embedder.dimensions).toBe(TINY_DIMENSIONS);
    expect(embedder.id).toMatch(/^onnx:tiny-mean-[0-9a-f]{10}$/);
  });

  it('mean-pools the token vectors over the attention mask, including [CLS] and [SEP], and L2-normalises', async () => {
    const embedder = await OnnxEmbedder.load(meanDir);
    const vector = await embedder.embedQuery('Graph neural networks');
    expectClose(vector, expectedMeanPooled([cls, ...graphNeuralNetworks, sep]));
    expect(norm(vector)).toBeCloseTo(1, 6);
  });

  it('embeds a paper as "title. abstract"', async () => {
    const embedder = await OnnxEmbedder.load(meanDir);
    const [vector] = await embedder.embedDocuments([{ title: 'Graph neural networks', abstract: 'Robot learn from language' }]);
    expectClose(vector!, expectedMeanPooled([cls, ...graphNeuralNetworks, dot, ...robotLearnLanguage, sep]));
  });

  it('maps unknown words to [UNK] rather than failing', async () => {
    const embedder = await OnnxEmbedder.load(meanDir);
    expectClose(await embedder.embedQuery('zebra vision'), expectedMeanPooled([cls, tokenId('[UNK]'), tokenId('vision'), sep]));
  });

  it('gives different texts different vectors', async () => {
    const embedder = await OnnxEmbedder.load(meanDir);
    const a = await embedder.embedQuery('graph neural networks');
    const b = await embedder.embedQuery('robot learn from language');
    const cosine = a.reduce((sum, value, i) => sum + value * b[i]!, 0);
    expect(cosine).toBeLessThan(0.99);
  });

  it('gives each text of a padded batch the same vector it gets alone, across batch boundaries', async () => {
    // Batches of two force padding ("robot" is much shorter than its neighbour) and a last, partial batch.
    const embedder = await OnnxEmbedder.load(meanDir, 2);
    const documents = [
      { title: 'Graph neural networks', abstract: 'Robot learn from language vision' },
      { title: 'Robot', abstract: '' },
      { title: 'Vision', abstract: 'graph' },
    ];
    const batched = await embedder.embedDocuments(documents);
    expect(batched).toHaveLength(documents.length);
    for (const [i, document] of documents.entries()) {
      const [alone] = await embedder.embedDocuments([document]);
      expectClose(batched[i]!, Array.from(alone!));
    }
    expectClose(batched[1]!, expectedMeanPooled([cls, tokenId('robot'), dot, sep]));
  });

  it('uses the [CLS] vector when the sentence-transformers pooling config asks for it', async () => {
    const embedder = await OnnxEmbedder.load(clsDir);
    const vector = await embedder.embedQuery('graph neural networks');
    expectClose(vector, expectedClsPooled());
    expect(embedder.id).toMatch(/^onnx:tiny-cls-/);
  });

  it('changes its id when the model files change, so old vectors are never mixed with new ones', async () => {
    const before = (await OnnxEmbedder.load(meanDir)).id;
    const copy = path.join(root, 'copy', 'tiny-mean');
    fs.cpSync(meanDir, copy, { recursive: true });
    expect((await OnnxEmbedder.load(copy)).id).toBe(before);
    const config = JSON.parse(fs.readFileSync(path.join(copy, 'config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(copy, 'config.json'), JSON.stringify({ ...config, max_position_embeddings: 32 }));
    expect((await OnnxEmbedder.load(copy)).id).not.toBe(before);
  });

  it('changes its id when only the weights change, as in a fine-tuned model of the same size and config', async () => {
    const before = (await OnnxEmbedder.load(meanDir)).id;
    const copy = path.join(root, 'tuned', 'tiny-mean');
    fs.cpSync(meanDir, copy, { recursive: true });
    const modelFile = path.join(copy, 'onnx', 'model.onnx');
    const model = fs.readFileSync(modelFile);
    const padWeight = Buffer.from(new Float32Array([1000]).buffer);
    const at = model.indexOf(padWeight);
    expect(at).toBeGreaterThan(0);
    Buffer.from(new Float32Array([999]).buffer).copy(model, at);
    fs.writeFileSync(modelFile, model);
    expect((await OnnxEmbedder.load(copy)).id).not.toBe(before);
  });
});
