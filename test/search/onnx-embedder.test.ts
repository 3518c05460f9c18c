import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbedderError } from '../../src/search/embedders/embedder.js';
import { OnnxEmbedder } from '../../src/search/embedders/onnx-embedder.js';
import { tempDir } from '../helpers/stores.js';

const runtimeInstalled = await import('@huggingface/transformers' as string).then(
  () => true,
  () => false,
);

describe('ONNX embedder loading', () => {
  const dir = tempDir('paperboy-onnx-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the missing model file', async () => {
    await expect(OnnxEmbedder.load(dir)).rejects.toThrow(/has no config\.json/);
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    await expect(OnnxEmbedder.load(dir)).rejects.toThrow(/has no onnx\/model\.onnx/);
  });

  it.skipIf(runtimeInstalled)('explains how to install the optional runtime when it is absent', async () => {
    fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), '');
    const error = await OnnxEmbedder.load(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbedderError);
    expect(String(error)).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface\/transformers/);
  });
});
