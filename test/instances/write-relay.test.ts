import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PageCache } from '../../src/cache/page-cache.js';
import { openStore, type Store } from '../../src/db/database.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { WriteEvents, type WriteEvent, type WriteOrigin } from '../../src/write-events.js';
import { envelopeFor, relayWrites, type WriteRelay } from '../../src/write-relay.js';
import { describeEachStore } from '../helpers/stores.js';

/** One instance's side: its announcements, its page cache, what it heard and its relay. */
interface Instance {
  readonly writes: WriteEvents;
  readonly cache: PageCache;
  readonly heard: { event: WriteEvent; origin: WriteOrigin }[];
  readonly relay: WriteRelay;
  readonly store: Store;
}

async function startInstance(databaseUrl: string, dataDir: string): Promise<Instance> {
  // A store of its own, as a second process would have (its own pool, its own listening connection).
  const store = openStore(loadConfig({ DATABASE_URL: databaseUrl, PAPERBOY_DATA_DIR: dataDir }).database);
  const writes = new WriteEvents(silentLogger);
  const cache = new PageCache();
  cache.watch(writes);
  const heard: Instance['heard'] = [];
  writes.subscribe((event, origin) => heard.push({ event, origin }));
  const relay = await relayWrites(writes, store.openChannel, silentLogger);
  return { writes, cache, heard, relay, store };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('write announcement envelopes', () => {
  it('carry the event when it fits and a `missed` announcement when it does not', () => {
    const small: WriteEvent = { kind: 'vote', paperIds: ['2501.00001'] };
    expect(JSON.parse(envelopeFor('me', small, 7_999))).toEqual({ from: 'me', event: small });
    const large: WriteEvent = { kind: 'import', paperIds: Array.from({ length: 2_000 }, (_, i) => `2501.${String(i).padStart(5, '0')}`) };
    const payload = envelopeFor('me', large, 7_999);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(7_999);
    expect(JSON.parse(payload)).toEqual({ from: 'me', event: { kind: 'missed' } });
  });
});

describeEachStore('write announcements between instances', (get) => {
  const started: Instance[] = [];
  afterEach(async () => {
    for (const instance of started.splice(0)) {
      await instance.relay.close();
      await instance.store.close();
    }
  });

  async function pair(): Promise<[Instance, Instance]> {
    const t = get();
    const first = await startInstance(t.databaseUrl, t.dataDir);
    const second = await startInstance(t.databaseUrl, t.dataDir);
    started.push(first, second);
    return [first, second];
  }

  it("clears the other instance's page cache on a write, and ignores its own echo", async () => {
    const [a, b] = await pair();
    a.cache.set('page:/', 'front page on a');
    b.cache.set('page:/', 'front page on b');
    a.writes.announce({ kind: 'vote', paperIds: ['2501.00001'] });
    expect(a.cache.get('page:/')).toBeNull();
    await eventually(() => b.cache.get('page:/') === null, 'the second cache to clear');
    expect(b.heard).toEqual([{ event: { kind: 'vote', paperIds: ['2501.00001'] }, origin: 'remote' }]);

    // The way back, and no announcement is delivered twice or bounced back to its sender.
    b.writes.announce({ kind: 'comment', paperIds: ['2501.00002'] });
    await eventually(() => a.heard.length === 2, 'the first instance to hear the comment');
    await a.relay.flushed();
    await b.relay.flushed();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.heard).toEqual([
      { event: { kind: 'vote', paperIds: ['2501.00001'] }, origin: 'local' },
      { event: { kind: 'comment', paperIds: ['2501.00002'] }, origin: 'remote' },
    ]);
    expect(b.heard.map((h) => h.origin)).toEqual(['remote', 'local']);
  });

  it('forwards announcements that change no page without clearing the cache', async () => {
    const [a, b] = await pair();
    b.cache.set('page:/', 'front page');
    a.writes.announce({ kind: 'subscription', subscriptionIds: [3] });
    await eventually(() => b.heard.length === 1, 'the subscription announcement');
    expect(b.cache.get('page:/')).toBe('front page');
  });

  it('forwards an announcement too large for the channel as one that clears everything', async () => {
    const [a, b] = await pair();
    b.cache.set('page:/', 'front page');
    const paperIds = Array.from({ length: 5_000 }, (_, i) => `2501.${String(i).padStart(5, '0')}`);
    a.writes.announce({ kind: 'import', paperIds });
    await eventually(() => b.heard.length === 1, 'the import announcement');
    expect(b.cache.get('page:/')).toBeNull();
    // PostgreSQL carries at most 7,999 bytes a notification; the in-process hub has no limit.
    const expected = get().kind === 'postgres' ? { kind: 'missed' } : { kind: 'import', paperIds };
    expect(b.heard[0]!.event).toEqual(expected);
  });
});

describeEachStore('the PostgreSQL notification channel', (get) => {
  it('reconnects after losing its connection, clears the cache for what it missed, and hears later writes', async (ctx) => {
    if (get().kind !== 'postgres') ctx.skip();
    const t = get();
    const a = await startInstance(t.databaseUrl, t.dataDir);
    const b = await startInstance(t.databaseUrl, t.dataDir);
    try {
      const admin = new pg.Client({ connectionString: t.databaseUrl });
      await admin.connect();
      try {
        const killed = await admin.query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'paperboy-notifications'`,
        );
        expect(killed.rows.length).toBe(2);
      } finally {
        await admin.end();
      }
      b.cache.set('page:/', 'front page');
      await eventually(() => b.heard.some((h) => h.event.kind === 'missed'), 'the reconnect to be reported');
      expect(b.cache.get('page:/')).toBeNull();

      b.cache.set('page:/', 'front page');
      const before = b.heard.length;
      a.writes.announce({ kind: 'vote', paperIds: ['2501.00009'] });
      await eventually(() => b.heard.length > before && b.cache.get('page:/') === null, 'a vote after the reconnect');
      expect(b.heard.at(-1)).toEqual({ event: { kind: 'vote', paperIds: ['2501.00009'] }, origin: 'remote' });
    } finally {
      for (const instance of [a, b]) {
        await instance.relay.close();
        await instance.store.close();
      }
    }
  });
});
