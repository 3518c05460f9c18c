import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedderError } from '../../src/search/embedders/embedder.js';
import { OpenAiEmbedder } from '../../src/search/embedders/openai-embedder.js';
import { FAKE_DIMENSIONS, startFakeEmbeddingsServer, type FakeEmbeddingsServer } from './fake-embeddings-server.js';

describe('OpenAI-compatible embedder', () => {
  let server: FakeEmbeddingsServer;
  beforeAll(async () => {
    server = await startFakeEmbeddingsServer();
  });
  afterAll(() => server.close());

  it('batches documents, sends the key and model, and keeps input order', async () => {
    const embedder = new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'tiny-embed', apiKey: 'sekrit', batchSize: 2, retryDelayMs: 1 });
    const docs = [
      { title: 'Galaxy formation', abstract: 'Dark matter halos.' },
      { title: 'Protein folding', abstract: 'Amino acids.' },
      { title: 'Galaxy mergers', abstract: 'Dark matter.' },
    ];
    const before = server.requests.length;
    const vectors = await embedder.embedDocuments(docs);
    const sent = server.requests.slice(before);
    expect(sent.map((r) => r.inputs.length)).toEqual([2, 1]);
    expect(sent.every((r) => r.authorization === 'Bearer sekrit' && r.model === 'tiny-embed')).toBe(true);
    expect(vectors).toHaveLength(3);
    expect(embedder.dimensions).toBe(FAKE_DIMENSIONS);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    expect(dot(vectors[0]!, vectors[0]!)).toBeCloseTo(1, 5);
    expect(dot(vectors[0]!, vectors[2]!)).toBeGreaterThan(dot(vectors[0]!, vectors[1]!));
    expect(embedder.id).toBe(`openai:${server.baseUrl}#tiny-embed`);
  });

  it('retries on 429 and 5xx, then gives up with a clear error', async () => {
    const embedder = new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'tiny-embed', apiKey: null, maxRetries: 2, retryDelayMs: 1 });
    server.failNext(2, 429);
    const before = server.requests.length;
    expect(await embedder.embedQuery('galaxy')).toHaveLength(FAKE_DIMENSIONS);
    expect(server.requests.length - before).toBe(3);
    expect(server.requests[server.requests.length - 1]!.authorization).toBeUndefined();
    server.failNext(3, 503);
    await expect(embedder.embedQuery('galaxy')).rejects.toThrow(/answered 503/);
    server.failNext(0);
  });

  it('does not retry client errors and reports unreachable endpoints', async () => {
    const missing = new OpenAiEmbedder({ baseUrl: server.baseUrl.replace('/v1', '/nope'), model: 'm', apiKey: null, retryDelayMs: 1 });
    await expect(missing.embedQuery('x')).rejects.toBeInstanceOf(EmbedderError);
    const closed = new OpenAiEmbedder({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: null, maxRetries: 1, retryDelayMs: 1 });
    await expect(closed.embedQuery('x')).rejects.toThrow(/failed/);
  });
});
