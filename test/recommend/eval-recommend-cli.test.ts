import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const TINY = path.join(import.meta.dirname, '..', 'fixtures', 'recommend-tiny');

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, { PAPERBOY_LOG: 'silent' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function lastJson(out: string): Record<string, unknown> {
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

describe('eval recommend', () => {
  it.each(['plain', 'gzip'])('ranks the %s corpus for each judged profile and prints the metrics as JSON', async (variant) => {
    const result = await cli(['eval', 'recommend', path.join(TINY, variant), '--method', 'centroid', '--json']);
    expect(result.code, result.err).toBe(0);
    const report = lastJson(result.out);
    expect(Object.keys(report).sort()).toEqual(['latency_ms', 'ndcg@10', 'pairwise_loss', 'recall@100', 'users']);
    // "unjudged" has no judgements in the split; each other reader's topic papers come first, the graded one on top.
    expect(report).toEqual({
      'ndcg@10': 1,
      'recall@100': 1,
      pairwise_loss: 0,
      users: 3,
      latency_ms: { mean: expect.any(Number), p95: expect.any(Number) },
    });
    expect(result.err).toMatch(/TF-IDF over 12 documents/);
  });

  it('uses the default method, prints a readable table and checks its input', async () => {
    const json = lastJson((await cli(['eval', 'recommend', path.join(TINY, 'plain'), '--json'])).out);
    expect(json['recall@100']).toBe(1);
    expect(json['ndcg@10']).toBeGreaterThan(0.9);
    const text = await cli(['eval', 'recommend', path.join(TINY, 'gzip'), '--method', 'nearest-max']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/users:\s+3/);
    expect(text.out).toMatch(/pairwise loss:\s+0\.0000/);
    expect((await cli(['eval', 'recommend', path.join(TINY, 'plain'), '--split', 'dev'])).code).toBe(1);
    expect((await cli(['eval', 'recommend', path.join(TINY, 'nope')])).code).toBe(2);
    expect((await cli(['eval', 'recommend', path.join(TINY, 'plain'), '--method', 'magic'])).code).toBe(2);
  });

  it.each(['hashed-tfidf', 'embedding', 'tfidf+embedding', 'hashed-tfidf+embedding'])(
    'compares the %s features on the same dataset',
    async (features) => {
      const result = await cli([
        'eval',
        'recommend',
        path.join(TINY, 'plain'),
        '--features',
        features,
        '--embedding-weight',
        '0.5',
        '--json',
      ]);
      expect(result.code, result.err).toBe(0);
      expect(lastJson(result.out)).toMatchObject({ users: 3, 'recall@100': 1 });
      if (features.includes('embedding')) expect(result.err).toMatch(/builtin embeddings of 12 documents/);
      if (features.startsWith('hashed')) expect(result.err).toMatch(/hashed TF-IDF over 12 documents/);
      expect(result.err).toContain(`(logistic+nearest, ${features})`);
    },
  );

  it('refuses unknown features and weights', async () => {
    expect((await cli(['eval', 'recommend', path.join(TINY, 'plain'), '--features', 'magic'])).code).toBe(2);
    expect((await cli(['eval', 'recommend', path.join(TINY, 'plain'), '--embedding-weight', '-1'])).code).toBe(2);
  });
});
