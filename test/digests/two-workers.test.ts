import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { newLeaseOwner } from '../../src/digests/outbox.repository.js';
import { periodContaining } from '../../src/feed/period.js';
import { planPeriod } from '../../src/digests/planner.js';
import { runOutbox } from '../../src/digests/worker.js';
import { SmtpTransport } from '../../src/mail/smtp-transport.js';
import { createPostgresDatabase, postgresAvailable, tempDir } from '../helpers/stores.js';
import { confirmedSubscriber, seedFeed } from './fixtures.js';
import { messageIdOf, startSmtpSink, type SmtpSink } from './smtp-sink.js';

const SUBSCRIBERS = 240;
const DAY = '2025-01-06';
const FROM = 'Paperboy <news@paperboy.test>';

type Engine = 'postgres' | 'sqlite';

for (const engine of ['postgres', 'sqlite'] as Engine[]) {
  const run = engine === 'sqlite' || postgresAvailable ? describe : describe.skip;
  run(`two workers on one ${engine} database`, () => {
    let first: Store;
    let second: Store;
    let sink: SmtpSink;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      if (engine === 'postgres') {
        const database = await createPostgresDatabase();
        first = openPostgres(database.url, 4);
        second = openPostgres(database.url, 4);
        cleanup = database.drop;
      } else {
        const dir = tempDir('paperboy-workers-');
        const file = path.join(dir, 'paperboy.db');
        first = openSqlite(file);
        second = openSqlite(file);
        cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
      }
      await migrateToLatest(first);
      await seedFeed(
        first,
        Array.from({ length: 8 }, (_, i) => ({ id: `2501.${String(i + 1).padStart(5, '0')}`, day: DAY, upvotes: 50 - i })),
      );
      for (let i = 0; i < SUBSCRIBERS; i++) await confirmedSubscriber(first, `reader${i}@example.org`);
      sink = await startSmtpSink();
    });

    afterAll(async () => {
      await sink?.close();
      await first?.close();
      await second?.close();
      await cleanup?.();
    });

    it('never send the same digest twice', async () => {
      const period = periodContaining('daily', DAY);
      // Both instances plan the same period at once too: the unique outbox key keeps one row per subscriber.
      const plan = (store: Store) =>
        planPeriod(store, period, {
          now: new Date('2025-01-06T22:00:00Z'),
          messageIdHost: 'paperboy.test',
          topicMatcher: null,
          pageSize: 50,
        });
      // SQLite connections in one thread cannot wait for each other's open transaction: plan one after the other there.
      const plans = engine === 'postgres' ? await Promise.all([plan(first), plan(second)]) : [await plan(first), await plan(second)];
      expect(plans[0]!.planned + plans[1]!.planned).toBe(SUBSCRIBERS);

      const options = (owner: string) => ({
        owner,
        from: FROM,
        publicUrl: 'http://paperboy.test',
        secret: 'two-workers-secret-two-workers-secret-01',
        now: () => new Date(),
        lanes: 3,
        ratePerSecond: 10_000,
        leaseSeconds: 300,
        maxAttempts: 3,
        claimBatch: 4,
      });
      const [a, b] = await Promise.all([
        runOutbox(first, () => new SmtpTransport(sink.url, FROM, { keepConnection: true }), options(newLeaseOwner())),
        runOutbox(second, () => new SmtpTransport(sink.url, FROM, { keepConnection: true }), options(newLeaseOwner())),
      ]);
      expect(a.sent + b.sent).toBe(SUBSCRIBERS);
      expect(a.sent).toBeGreaterThan(0);
      expect(b.sent).toBeGreaterThan(0);

      const ids = sink.received.map((mail) => messageIdOf(mail.raw));
      expect(new Set(ids).size).toBe(SUBSCRIBERS);
      expect(ids).toHaveLength(SUBSCRIBERS);
      const unsent = await first.db.selectFrom('digest_outbox').select('id').where('status', '!=', 'sent').execute();
      expect(unsent).toEqual([]);
    });
  });
}
