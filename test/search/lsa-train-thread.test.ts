import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { BuiltinEmbedder } from '../../src/search/embedders/builtin-embedder.js';
import { trainBuiltin } from '../../src/search/embedders/builtin-model-training.js';
import { DEFAULT_CONTRASTIVE } from '../../src/search/embedders/contrastive-tuning.js';
import type { EmbeddableDocument } from '../../src/search/embedders/embedder.js';
import { gaussianSource } from '../../src/search/embedders/linear-algebra.js';
import type { LsaModel } from '../../src/search/embedders/lsa-model.js';
import { trainLsaOffThread, TrainingAbortedError } from '../../src/search/embedders/lsa-train-thread.js';
import { activeModelId } from '../../src/search/search-models.repository.js';
import { trainBuiltinModel } from '../../src/search/semantic/builtin-training.js';
import { paperRecord } from '../helpers/fixtures.js';
import { ownSqliteStore, tempDir } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'vo', 'pe', 'du', 'ga', 'zo', 'bi', 'fe', 'hu', 'jo'];

/** `count` papers on 40 topics, each word made of three syllables; the same papers for the same count. */
function syntheticPapers(count: number): EmbeddableDocument[] {
  const random = gaussianSource(count);
  const pick = (n: number) => Math.floor(Math.abs(random() * 1e6)) % n;
  const word = (topic: number) => {
    const spread = pick(4) === 0 ? 4096 : 64;
    const k = (topic * 64 + pick(spread)) % 4096;
    return `${SYLLABLES[k % 16]}${SYLLABLES[(k >> 4) % 16]}${SYLLABLES[(k >> 8) % 16]}s`;
  };
  return Array.from({ length: count }, (_, i) => {
    const topic = i % 40;
    return {
      title: Array.from({ length: 8 }, () => word(topic)).join(' '),
      abstract: Array.from({ length: 60 }, () => word(topic)).join(' '),
    };
  });
}

function expectSameModel(actual: LsaModel, expected: LsaModel): void {
  expect(actual.dimensions).toBe(expected.dimensions);
  expect(actual.trainedOn).toBe(expected.trainedOn);
  expect(actual.terms).toEqual(expected.terms);
  expect(actual.idf).toEqual(expected.idf);
  expect(actual.projection).toEqual(expected.projection);
}

describe('training the builtin model on a worker thread', () => {
  it('gives the model that training on the main thread gives', async () => {
    expectSameModel(await trainLsaOffThread(TOPIC_PAPERS, { dimensions: 8 }), await trainBuiltin(TOPIC_PAPERS, { dimensions: 8 }));
  });

  it('passes the training’s progress lines on', async () => {
    const lines: string[] = [];
    await trainLsaOffThread(TOPIC_PAPERS, { dimensions: 8, contrastive: { ...DEFAULT_CONTRASTIVE, minPairs: 0 } }, (line) =>
      lines.push(line),
    );
    expect(lines[0]).toMatch(/^LSA starting point: \d+ terms, 8 dimensions/);
    expect(lines.filter((line) => line.startsWith('tuning epoch'))).toHaveLength(3);
  });

  it('stops at once when aborted after its first tuning epoch, leaving the checkpoint a later training resumes from', async () => {
    const dir = tempDir();
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const checkpointFile = path.join(dir, 'builtin-training.checkpoint');
    const options = { dimensions: 8, contrastive: { ...DEFAULT_CONTRASTIVE, minPairs: 0 }, checkpointFile };
    const stop = new AbortController();
    const stopped = trainLsaOffThread(
      TOPIC_PAPERS,
      options,
      (line) => {
        if (line.startsWith('tuning epoch 1/')) stop.abort();
      },
      stop.signal,
    );
    await expect(stopped).rejects.toBeInstanceOf(TrainingAbortedError);
    expect(fs.existsSync(checkpointFile)).toBe(true);
    const lines: string[] = [];
    const resumed = await trainLsaOffThread(TOPIC_PAPERS, options, (line) => lines.push(line));
    expect(lines[0]).toMatch(/^resuming from a checkpoint/);
    expectSameModel(resumed, await trainBuiltin(TOPIC_PAPERS, { dimensions: 8, contrastive: options.contrastive }));
    await expect(trainLsaOffThread(TOPIC_PAPERS, options, () => undefined, AbortSignal.abort())).rejects.toBeInstanceOf(
      TrainingAbortedError,
    );
  });

  it('receives every paper, in order, when they are sent in several batches', async () => {
    const papers = syntheticPapers(2_100);
    const model = await trainLsaOffThread(papers, { dimensions: 8, contrastive: null });
    expect(model.trainedOn).toBe(papers.length);
    expectSameModel(model, await trainBuiltin(papers, { dimensions: 8, contrastive: null }));
  });

  it('trains the builtin model of a store while the event loop keeps turning', async () => {
    const { store } = await ownSqliteStore();
    const papers = syntheticPapers(4_000).map((paper, i) => paperRecord({ id: `2601.${String(i).padStart(5, '0')}`, ...paper }));
    for (let i = 0; i < papers.length; i += 500) await writePapers(store, papers.slice(i, i + 500));

    // While the worker trains, the event loop keeps turning: count its turns. Training on the main thread would let
    // it turn only between its steps (a few dozen times); on a worker it turns thousands of times, however busy the
    // machine, because both sides slow down together.
    let training = true;
    let turns = 0;
    const turning = (async () => {
      while (training) {
        await nextTurn();
        turns += 1;
      }
    })();
    let embedder: BuiltinEmbedder | null;
    try {
      embedder = await trainBuiltinModel(
        store,
        { dimensions: 64, contrastive: { ...DEFAULT_CONTRASTIVE, epochs: 1 }, now: new Date().toISOString(), force: false },
        () => undefined,
      );
    } finally {
      training = false;
      await turning;
    }
    expect(embedder!.model.trainedOn).toBe(papers.length);
    expect(await activeModelId(store.db, 'builtin')).toBe(embedder!.id);
    expect(turns).toBeGreaterThan(2_000);
  });
});
