import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { tempDir } from '../helpers/stores.js';
import { confirmedSubscriber, seedFeed } from './fixtures.js';
import { runCliProcess, startSinkProcess, type SinkProcess } from './process-helpers.js';

const SUBSCRIBERS = 300;
const DAY = '2025-01-06';

/**
 * The sender is killed with SIGKILL twice in the middle of a run, then run to the end: the SMTP server, in its own
 * process, must have received every planned digest exactly once.
 */
describe('digest sending survives kill -9', () => {
  let dir: string;
  let store: Store;
  let sink: SinkProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = tempDir('paperboy-crash-');
    const file = path.join(dir, 'paperboy.db');
    store = openSqlite(file);
    await migrateToLatest(store);
    await seedFeed(
      store,
      Array.from({ length: 12 }, (_, i) => ({ id: `2501.${String(i + 1).padStart(5, '0')}`, day: DAY, upvotes: 100 - i })),
    );
    for (let i = 0; i < SUBSCRIBERS; i++) await confirmedSubscriber(store, `reader${i}@example.org`, { maxPapers: 5 + (i % 6) });
    sink = await startSinkProcess();
    env = {
      DATABASE_URL: `sqlite:${file}`,
      PAPERBOY_DATA_DIR: dir,
      PUBLIC_URL: 'http://paperboy.test',
      SMTP_URL: sink.url,
      PAPERBOY_SECRET: 'crash-test-secret-crash-test-secret-0123',
      PAPERBOY_LOG: 'silent',
      PAPERBOY_SCHEDULER: 'off',
      PAPERBOY_DEMO: 'off',
      PAPERBOY_DIGEST_RATE: '2000',
      PAPERBOY_DIGEST_CONNECTIONS: '3',
    };
  });

  afterAll(async () => {
    await sink?.stop();
    await store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends every planned digest once and none twice', async () => {
    const args = ['digest', 'send', '--frequency', 'daily', '--date', DAY];
    for (const killAfter of [40, 150]) {
      const run = runCliProcess(args, env);
      await sink.waitForCount(killAfter);
      run.child.kill('SIGKILL');
      const result = await run.done;
      expect(result.signal).toBe('SIGKILL');
    }
    expect(sink.messageIds.length).toBeLessThan(SUBSCRIBERS);

    const final = runCliProcess([...args, '--json'], env);
    const result = await final.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { requeued: number; presumedSent: number; sent: number };
    expect(summary.requeued + summary.presumedSent).toBeGreaterThan(0);

    const planned = await store.db.selectFrom('digest_outbox').select(['message_id', 'status']).execute();
    expect(planned).toHaveLength(SUBSCRIBERS);
    expect(planned.every((row) => row.status === 'sent')).toBe(true);

    await sink.waitForCount(SUBSCRIBERS, 10_000);
    const counts = new Map<string, number>();
    for (const id of sink.messageIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1);
    const lost = planned.filter((row) => !counts.has(row.message_id));
    expect(duplicates).toEqual([]);
    expect(lost).toEqual([]);
    expect(sink.messageIds).toHaveLength(SUBSCRIBERS);
  });
});
