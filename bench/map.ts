// The map of the field: how long `map rebuild` takes, and how smooth /map stays in Chromium while scripted pans and
// zooms run, on synthetic papers whose vectors form topic clusters. The baseline is a 10,000-paper map measured in the
// same run, so the frame-time figures are ratios to it.
// Usage: npm run bench:map -- [--papers 100000] [--baseline 10000] [--sample 10000] [--frames 480] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { openSqlite, type Store } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { cellZoomFor } from '../src/map/map-geometry.js';
import { mapPoint } from '../src/map/map-points-builder.js';
import { LEVEL_BASE, rebuildMap, type RebuildReport } from '../src/map/map-rebuild.js';
import { replaceLayout, type MapPoint } from '../src/map/map.repository.js';
import { paperBatchSize, upsertPapers } from '../src/papers/papers.repository.js';
import { l2Normalize } from '../src/search/embedders/embedder.js';
import { percentile } from '../src/search/eval/metrics.js';
import { replaceVectors } from '../src/search/vectors.repository.js';
import { startServer } from '../src/server.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    baseline: { type: 'string', default: '10000' },
    sample: { type: 'string', default: '10000' },
    dimensions: { type: 'string', default: '256' },
    frames: { type: 'string', default: '480' },
    // 'umap': build the map with `map rebuild`; 'synthetic': write positions drawn from a 2-D mixture directly, to
    // measure serving and drawing at sizes the rebuild would take too long for on a loaded machine.
    layout: { type: 'string', default: 'umap' },
  },
});
const DIMENSIONS = Number(values.dimensions);
const TOPICS = 200;
const EMBEDDER = 'bench:clustered';
const CHROMIUM = process.env.PAPERBOY_CHROMIUM ?? '/usr/bin/chromium';
const WORDS = (
  'neural graph vision language robot policy protein galaxy quantum sparse kernel bayesian diffusion transformer ' +
  'retrieval privacy federated causal spectral tensor molecule climate speech audio planning reward contrastive ' +
  'segmentation detection tracking physics fluid control optimisation game market network code proof logic'
).split(' ');

let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const centres = Array.from({ length: TOPICS }, () => l2Normalize(Float32Array.from({ length: DIMENSIONS }, gaussian)));
const SYNTHETIC = values.layout === 'synthetic';
const centres2d = Array.from({ length: TOPICS }, () => ({
  x: 0.1 + 0.8 * random(),
  y: 0.1 + 0.8 * random(),
  spread: 0.005 + 0.03 * random(),
}));
const clamp = (v: number) => Math.min(0.999, Math.max(0.001, v));

/** A database of `papers` synthetic papers, each near one of the topic centres, with a title in its topic's words. */
async function buildCorpus(papers: number): Promise<{ store: Store; file: string; dir: string; seconds: number; points: MapPoint[] }> {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-map-'));
  const file = path.join(dir, 'paperboy.db');
  const store = openSqlite(file);
  await migrateToLatest(store);
  const batch = paperBatchSize(store.capabilities.maxParameters);
  const now = new Date().toISOString();
  const points: MapPoint[] = [];
  const scales = { papers, levelBase: LEVEL_BASE, cellZoom: cellZoomFor(papers) };
  for (let start = 0; start < papers; start += batch) {
    const rows = Array.from({ length: Math.min(batch, papers - start) }, (_, j) => {
      const i = start + j;
      const topic = Math.floor(random() * TOPICS);
      const words = [WORDS[topic % WORDS.length], WORDS[(topic * 7 + 3) % WORDS.length], WORDS[(topic * 13 + 5) % WORDS.length]];
      const id = `${2600 + Math.floor(i / 100_000)}.${String(i % 100_000).padStart(5, '0')}`;
      if (SYNTHETIC) {
        const c = centres2d[topic]!;
        points.push(mapPoint(id, clamp(c.x + gaussian() * c.spread), clamp(c.y + gaussian() * c.spread), false, scales));
      }
      const noise = SYNTHETIC ? new Float32Array(0) : Float32Array.from({ length: DIMENSIONS }, () => gaussian() * 0.06);
      return {
        record: {
          id,
          version: null,
          title: `${words.join(' ')} study ${i}`,
          abstract: 'Synthetic.',
          authors: ['Someone'],
          categories: ['cs.LG'],
          publishedAt: '2026-01-01T00:00:00.000Z',
          source: 'bench',
        },
        vector: SYNTHETIC ? null : l2Normalize(centres[topic]!.map((v, d) => v + noise[d]!)),
      };
    });
    await store.db.transaction().execute(async (trx) => {
      await upsertPapers(
        trx,
        rows.map((r) => r.record),
        now,
      );
      if (!SYNTHETIC) {
        await replaceVectors(
          trx,
          EMBEDDER,
          rows.map((r) => ({ paperId: r.record.id, vector: r.vector! })),
          now,
        );
      }
    });
  }
  return { store, file, dir, seconds: (performance.now() - started) / 1000, points };
}

/**
 * Runs in the page (as plain JavaScript: the TypeScript loader's helpers do not exist there): one step of a scripted
 * drag or wheel a frame — pan right, zoom in, pan left, zoom out — recording the intervals between frames.
 */
const SCRIPTED_PAN_ZOOM = `async function (total) {
  const canvas = document.querySelector('.map-canvas');
  const rect = canvas.getBoundingClientRect();
  const cx = rect.left + rect.width / 2;
  const cy = rect.top + rect.height / 2;
  const pointer = (type, x, y) =>
    canvas.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, pointerId: 1, bubbles: true, buttons: type === 'pointerup' ? 0 : 1 }));
  const intervals = [];
  let maxDrawn = 0;
  await new Promise((resolve) => {
    let i = 0;
    let last = performance.now();
    let dragX = cx;
    const quarter = Math.floor(total / 4);
    const step = (time) => {
      intervals.push(time - last);
      last = time;
      maxDrawn = Math.max(maxDrawn, Number(canvas.getAttribute('data-points-drawn')));
      const phase = Math.min(3, Math.floor(i / quarter));
      if (phase === 0 || phase === 2) {
        if (i % quarter === 0) {
          dragX = cx;
          pointer('pointerdown', dragX, cy);
        }
        dragX += phase === 0 ? 3 : -3;
        pointer('pointermove', dragX, cy);
        if (i % quarter === quarter - 1) pointer('pointerup', dragX, cy);
      } else {
        canvas.dispatchEvent(new WheelEvent('wheel', { clientX: cx, clientY: cy, deltaY: phase === 1 ? -20 : 20, bubbles: true, cancelable: true }));
      }
      i++;
      if (i < total) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  return { intervals: intervals.slice(1), renderer: canvas.getAttribute('data-renderer') || '', maxDrawn };
}`;

interface FrameReport {
  readonly renderer: string;
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly maxPointsDrawn: number;
}

/** Frame intervals (requestAnimationFrame) while the page pans, zooms in, pans and zooms out, one step a frame. */
async function measureFrames(url: string, frames: number): Promise<FrameReport> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${url}/map`);
    await page.waitForFunction(() => Number(document.querySelector('.map-canvas')?.getAttribute('data-points-drawn')) > 0, null, {
      timeout: 120_000,
    });
    const result = (await page.evaluate(`(${SCRIPTED_PAN_ZOOM})(${frames})`)) as {
      intervals: number[];
      renderer: string;
      maxDrawn: number;
    };
    const sorted = [...result.intervals].sort((a, b) => a - b);
    const round = (v: number) => Math.round(v * 10) / 10;
    return {
      renderer: result.renderer,
      frames: sorted.length,
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1]!),
      mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
      maxPointsDrawn: result.maxDrawn,
    };
  } finally {
    await browser.close();
  }
}

/** Stores the synthetic positions as a layout, as `map rebuild` would store computed ones. */
async function writeSyntheticLayout(store: Store, points: readonly MapPoint[]): Promise<RebuildReport> {
  const started = performance.now();
  const layout = {
    id: 1,
    version: 'synthetic',
    revision: 0,
    embedder: EMBEDDER,
    vector_key: 0,
    vector_log: null,
    seed: 0,
    papers: points.length,
    sample_size: 0,
    cell_zoom: cellZoomFor(points.length),
    level_base: LEVEL_BASE,
    built_at: new Date().toISOString(),
    build_seconds: 0,
  };
  await store.db.transaction().execute((trx) => replaceLayout(trx, layout, points, [], store.capabilities.maxParameters));
  const write = Math.round((performance.now() - started) / 10) / 100;
  return {
    embedder: EMBEDDER,
    papers: points.length,
    sample: 0,
    labels: 0,
    seed: 0,
    version: 'synthetic',
    seconds: { layout: 0, placement: 0, labels: 0, total: write },
    dryRun: false,
  };
}

async function run(papers: number): Promise<{ corpusSeconds: number; rebuild: RebuildReport; frames: FrameReport }> {
  const corpus = await buildCorpus(papers);
  const rebuild = SYNTHETIC
    ? await writeSyntheticLayout(corpus.store, corpus.points)
    : await rebuildMap(corpus.store, {
        embedder: EMBEDDER,
        sampleSize: Number(values.sample),
        threads: 1,
        progress: (line) => process.stderr.write(`[${papers}] ${line}\n`),
      });
  await corpus.store.close();
  const config = loadConfig({
    PAPERBOY_DATA_DIR: corpus.dir,
    DATABASE_URL: `sqlite:${corpus.file}`,
    PORT: '0',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_LOG: 'silent',
    PAPERBOY_FEED_SOURCES: 'none',
    PAPERBOY_SCHEDULER: 'off',
    PAPERBOY_KEYWORD_INDEX_IN_MEMORY: 'false',
    // Nothing to embed with: the server must not spend the measurement training a model on the synthetic corpus.
    PAPERBOY_EMBEDDER: 'openai:http://127.0.0.1:9#none',
  });
  const server = await startServer(config);
  try {
    return { corpusSeconds: Math.round(corpus.seconds), rebuild, frames: await measureFrames(server.url, Number(values.frames)) };
  } finally {
    await server.close();
    fs.rmSync(corpus.dir, { recursive: true, force: true });
  }
}

const baseline = await run(Number(values.baseline));
process.stderr.write(`baseline: ${JSON.stringify(baseline)}\n`);
const measured = await run(Number(values.papers));
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
console.log(
  JSON.stringify(
    {
      papers: Number(values.papers),
      layout: SYNTHETIC ? 'synthetic positions written directly (no rebuild)' : 'map rebuild',
      baselinePapers: Number(values.baseline),
      dimensions: DIMENSIONS,
      cpus: os.availableParallelism(),
      loadAverage: os.loadavg().map((v) => Math.round(v * 10) / 10),
      rebuild: { seconds: measured.rebuild.seconds, sample: measured.rebuild.sample, regionLabels: measured.rebuild.labels },
      baselineRebuild: baseline.rebuild.seconds,
      placementPapersPerSecond: SYNTHETIC
        ? null
        : Math.round((measured.rebuild.papers - measured.rebuild.sample) / Math.max(0.001, measured.rebuild.seconds.placement)),
      frames: measured.frames,
      baselineFrames: baseline.frames,
      frameTimeRatio: { p50: ratio(measured.frames.p50, baseline.frames.p50), p95: ratio(measured.frames.p95, baseline.frames.p95) },
      corpusSeconds: measured.corpusSeconds,
    },
    null,
    1,
  ),
);
