import { describe, expect, it } from 'vitest';
import { MapUpdater } from '../../src/map/map-update.js';
import { rebuildMap } from '../../src/map/map-rebuild.js';
import { readLayout, regionLabels } from '../../src/map/map.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { replaceVectors } from '../../src/search/vectors.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { MAP_EMBEDDER, TOPICS, seedMapCorpus, topicVector } from '../helpers/map-corpus.js';
import { openPostgres } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createPostgresDatabase, describeEachStore, postgresAvailable } from '../helpers/stores.js';

type Store = Parameters<typeof rebuildMap>[0];

async function positions(store: Store): Promise<Map<string, { x: number; y: number; inSample: number }>> {
  const rows = await store.db.selectFrom('map_points').select(['paper_id', 'x', 'y', 'in_sample']).orderBy('paper_id').execute();
  return new Map(rows.map((r) => [r.paper_id, { x: Number(r.x), y: Number(r.y), inSample: r.in_sample }]));
}

function centroid(points: readonly { x: number; y: number }[]) {
  return { x: points.reduce((s, p) => s + p.x, 0) / points.length, y: points.reduce((s, p) => s + p.y, 0) / points.length };
}

const distance = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

function topicOf(id: string): number {
  return Math.floor(Number(id.slice(5)) / 1000);
}

describeEachStore('the map layout', { lifetime: 'test' }, (get) => {
  const options = { embedder: MAP_EMBEDDER, seed: 7, epochs: 120, now: () => new Date('2025-03-03T12:00:00Z') };

  it('is the same for the same seed and papers', async () => {
    const { store } = get();
    await seedMapCorpus(store, 20);
    const first = await rebuildMap(store, options);
    const before = await positions(store);
    const second = await rebuildMap(store, options);
    const after = await positions(store);
    expect(first.papers).toBe(60);
    expect(second.papers).toBe(60);
    expect([...after]).toEqual([...before]);
    const other = await rebuildMap(store, { ...options, seed: 8 });
    expect(other.papers).toBe(60);
    expect([...(await positions(store))]).not.toEqual([...before]);
  });

  it('puts papers near in embedding space near each other, also those placed from the sample', async () => {
    const { store } = get();
    await seedMapCorpus(store, 30);
    const report = await rebuildMap(store, { ...options, sampleSize: 45 });
    expect(report).toMatchObject({ papers: 90, sample: 45 });
    const points = await positions(store);
    expect([...points.values()].filter((p) => p.inSample === 1)).toHaveLength(45);
    for (const p of points.values()) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(1);
    }
    const byTopic = TOPICS.map((_, t) => [...points].filter(([id]) => topicOf(id) === t).map(([, p]) => p));
    const centres = byTopic.map(centroid);
    for (const [id, p] of points) {
      const own = distance(p, centres[topicOf(id)]!);
      const others = centres.filter((_, t) => t !== topicOf(id)).map((c) => distance(p, c));
      expect({ id, nearestIsOwnTopic: own < Math.min(...others) }).toEqual({ id, nearestIsOwnTopic: true });
    }
  });

  it('labels regions with the words of their titles', async () => {
    const { store } = get();
    await seedMapCorpus(store, 30);
    await rebuildMap(store, options);
    const labels = await regionLabels(store.db);
    const coarse = labels.filter((l) => l.level === 0);
    expect(coarse.length).toBeGreaterThan(0);
    const text = labels.map((l) => l.words).join(' ');
    for (const topic of TOPICS) {
      const found = topic.words
        .toLowerCase()
        .split(' ')
        .filter((word) => text.includes(word));
      expect({ topic: topic.name, found: found.length > 0 }).toEqual({ topic: topic.name, found: true });
    }
    // "study" and "number" are in every title: never distinctive.
    expect(text).not.toMatch(/\bstudy\b|\bnumber\b/);
  });

  it('places a new paper near its neighbours without moving the others', async () => {
    const { store } = get();
    await seedMapCorpus(store, 20);
    await rebuildMap(store, options);
    const before = await positions(store);
    const layout = await readLayout(store.db);
    const id = '2504.00001';
    await upsertPapers(store.db, [paperRecord({ id, title: 'A new galaxy survey' })], '2025-03-04T00:00:00.000Z');
    await replaceVectors(store.db, MAP_EMBEDDER, [{ paperId: id, vector: topicVector(0, 999) }], '2025-03-04T00:00:00.000Z');
    const report = await new MapUpdater(store).update(MAP_EMBEDDER);
    expect(report).toEqual({ placed: 1, noLayout: false, stale: false });
    const after = await positions(store);
    expect(after.size).toBe(before.size + 1);
    for (const [paperId, p] of before) expect(after.get(paperId)).toEqual(p);
    const placed = after.get(id)!;
    expect(placed.inSample).toBe(0);
    const centres = TOPICS.map((_, t) => centroid([...before].filter(([pid]) => topicOf(pid) === t).map(([, p]) => p)));
    const nearest = centres.map((c) => distance(placed, c)).indexOf(Math.min(...centres.map((c) => distance(placed, c))));
    expect(nearest).toBe(0);
    expect((await readLayout(store.db))!.revision).toBe(layout!.revision + 1);
    // Nothing left to place: a second run changes nothing.
    expect(await new MapUpdater(store).update(MAP_EMBEDDER)).toEqual({ placed: 0, noLayout: false, stale: false });
  });

  it('reports when there is no layout, or when it was built from another embedder', async () => {
    const { store } = get();
    const updater = new MapUpdater(store);
    expect(await updater.update(MAP_EMBEDDER)).toEqual({ placed: 0, noLayout: true, stale: false });
    await seedMapCorpus(store, 10);
    await rebuildMap(store, options);
    expect(await updater.update('another:embedder')).toEqual({ placed: 0, noLayout: false, stale: true });
  });

  it('writes nothing on a dry run', async () => {
    const { store } = get();
    await seedMapCorpus(store, 10);
    const report = await rebuildMap(store, { ...options, dryRun: true });
    expect(report).toMatchObject({ papers: 30, dryRun: true, version: null });
    expect(await readLayout(store.db)).toBeNull();
    expect((await positions(store)).size).toBe(0);
  });
});

describe.skipIf(!postgresAvailable)('map update on PostgreSQL, where vectors commit out of key order', () => {
  it('places a paper whose vector committed after one with a higher key', async () => {
    const database = await createPostgresDatabase();
    const store = openPostgres(database.url);
    try {
      await migrateToLatest(store);
      await seedMapCorpus(store, 10);
      await rebuildMap(store, { embedder: MAP_EMBEDDER, seed: 7, epochs: 60 });
      const stamp = '2025-03-04T00:00:00.000Z';
      const write = async (db: typeof store.db, id: string) => {
        await upsertPapers(db, [paperRecord({ id, title: 'A new galaxy survey' })], stamp);
        await replaceVectors(db, MAP_EMBEDDER, [{ paperId: id, vector: topicVector(0, Number(id.slice(5))) }], stamp);
      };
      // The first writer takes the lower key and holds its transaction open while a second one commits a higher key.
      let wrote!: () => void;
      let release!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      const held = new Promise<void>((resolve) => (release = resolve));
      const slow = store.db.transaction().execute(async (trx) => {
        await write(trx, '2504.00001');
        wrote();
        await held;
      });
      await written;
      await write(store.db, '2504.00002');
      const keys = await store.db.selectFrom('search_vectors').select(['paper_id', 'key']).where('paper_id', 'like', '2504.%').execute();
      expect(keys.map((k) => k.paper_id)).toEqual(['2504.00002']);

      const updater = new MapUpdater(store);
      expect(await updater.update(MAP_EMBEDDER)).toEqual({ placed: 1, noLayout: false, stale: false });
      release();
      await slow;
      const [low, high] = (
        await store.db.selectFrom('search_vectors').select('key').where('paper_id', 'like', '2504.%').orderBy('paper_id').execute()
      ).map((k) => Number(k.key));
      expect(low).toBeLessThan(high!);
      expect(await updater.update(MAP_EMBEDDER)).toEqual({ placed: 1, noLayout: false, stale: false });
      const placed = await store.db
        .selectFrom('map_points')
        .select('paper_id')
        .where('paper_id', 'like', '2504.%')
        .orderBy('paper_id')
        .execute();
      expect(placed.map((p) => p.paper_id)).toEqual(['2504.00001', '2504.00002']);
      expect(await updater.update(MAP_EMBEDDER)).toEqual({ placed: 0, noLayout: false, stale: false });
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

describe('map corpus helper', () => {
  it('gives each topic its own direction', () => {
    const a = topicVector(0, 1);
    const b = topicVector(1, 1);
    const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(dot).toBeLessThan(0.5);
  });
});
