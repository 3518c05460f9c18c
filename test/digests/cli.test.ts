import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { DigestScheduler } from '../../src/digests/scheduler.js';
import { periodContaining } from '../../src/feed/period.js';
import { buildDeps } from '../../src/runtime.js';
import { testApp, testConfig } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { confirmedSubscriber, manualClock, seedFeed } from './fixtures.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describeEachStore('digest CLI and scheduler', (get) => {
  let sink: SmtpSink;
  const env = () => ({
    DATABASE_URL: get().databaseUrl,
    PAPERBOY_DATA_DIR: get().dataDir,
    PUBLIC_URL: 'http://paperboy.test',
    PAPERBOY_LOG: 'silent',
    PAPERBOY_DEMO: 'off',
    PAPERBOY_SCHEDULER: 'off',
  });

  beforeAll(async () => {
    sink = await startSmtpSink();
    await seedFeed(get().store, [
      { id: '2502.00001', day: '2025-02-03', upvotes: 12 },
      { id: '2502.00002', day: '2025-02-03', upvotes: 8 },
      { id: '2502.00003', day: '2025-02-04', upvotes: 5 },
      // Only the dry run looks at this day, so it finds it unplanned whichever test ran before.
      { id: '2502.00004', day: '2025-02-05', upvotes: 7 },
      { id: '2502.00005', day: '2025-02-05', upvotes: 4 },
    ]);
    await confirmedSubscriber(get().store, 'cli@example.org');
    await confirmedSubscriber(get().store, 'waiting@example.org', { status: 'pending' });
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('--dry-run prints who would get what and writes nothing', async () => {
    const { io, out } = capture();
    expect(await runCli(['digest', 'send', '--date', '2025-02-05', '--dry-run'], io, env())).toBe(0);
    expect(out.join('\n')).toContain('cli@example.org: 2502.00004, 2502.00005');
    expect(out.join('\n')).not.toContain('waiting@example.org');
    const rows = await get().store.db.selectFrom('digest_outbox').select('id').where('period', '=', '2025-02-05').execute();
    expect(rows).toHaveLength(0);
  });

  it('rejects bad flags with a usage error', async () => {
    const { io, err } = capture();
    expect(await runCli(['digest', 'send', '--frequency', 'hourly'], io, env())).toBe(2);
    expect(err.join('\n')).toContain('--frequency must be daily or weekly');
    expect(await runCli(['digest', 'send', '--date', '2025-02-30'], io, env())).toBe(2);
    expect(await runCli(['digest', 'send', '--to', 'waiting@example.org', '--date', '2025-02-03'], capture().io, env())).toBe(1);
  });

  it('without SMTP_URL writes one .eml file per digest under the data dir, and status reports it', async () => {
    const { io, out } = capture();
    expect(await runCli(['digest', 'send', '--date', '2025-02-03', '--json'], io, env())).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ planned: 1, sent: 1, failed: 0 });
    const dir = path.join(get().dataDir, 'mail', 'digests');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const raw = fs.readFileSync(path.join(dir, files[0]!), 'utf8');
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(raw).toMatch(/^To: cli@example\.org/m);

    const status = capture();
    expect(await runCli(['digest', 'status'], status.io, env())).toBe(0);
    expect(status.out.join('\n')).toMatch(/daily\s+2025-02-03\s+planned 0\s+sending 0\s+sent 1/);
    expect(status.out.join('\n')).toContain('subscribers: confirmed 1, pending 1');
  });

  it('names a subscriber whose saved search failed, and exits 3', async () => {
    const t = get();
    // A phrase is checked by the database's keyword index (words alone are ranked in memory on both engines).
    const topics = '"the findings"';
    const id = await confirmedSubscriber(t.store, 'topic-broken@example.org', { topics });
    // A damaged keyword index: the saved search fails for real in the database.
    const keywordTable = t.kind === 'sqlite' ? 'papers_fts' : 'paper_fts';
    await sql`ALTER TABLE ${sql.table(keywordTable)} RENAME TO keyword_index_moved`.execute(t.store.db);
    try {
      const dry = capture();
      expect(await runCli(['digest', 'send', '--date', '2025-02-04', '--to', 'topic-broken@example.org', '--dry-run'], dry.io, env())).toBe(
        3,
      );
      expect(dry.err.join('\n')).toContain(`subscriber #${id} (topic-broken@example.org): their saved search "${topics}" could not be run`);
      expect(dry.out.join('\n')).toContain('1 could not be planned');

      const sent = capture();
      expect(await runCli(['digest', 'send', '--date', '2025-02-04', '--to', 'topic-broken@example.org', '--json'], sent.io, env())).toBe(
        3,
      );
      const report = JSON.parse(sent.out[0]!) as { planned: number; failures: { subscriptionId: number; email: string; reason: string }[] };
      expect(report.planned).toBe(0);
      expect(report.failures).toEqual([{ subscriptionId: id, email: 'topic-broken@example.org', topics, reason: expect.any(String) }]);
      expect(report.failures[0]!.reason).toMatch(/papers_fts|paper_fts/);

      // The scheduler plans through the same service, which logs each subscriber left without a digest.
      const logged: { message: string; fields?: Record<string, unknown> }[] = [];
      const logger = {
        info: () => undefined,
        error: (message: string, fields?: Record<string, unknown>) => logged.push({ message, fields }),
      };
      const deps = await buildDeps(testConfig(t, { PAPERBOY_SCHEDULER: 'off' }), t.store, logger);
      await deps.digests.plan(periodContaining('daily', '2025-02-04'), { dryRun: true, email: 'topic-broken@example.org' });
      expect(logged).toContainEqual({
        message: 'digest could not be planned',
        fields: expect.objectContaining({ subscription: id, period: '2025-02-04', topics }),
      });
      await deps.search.flush();
    } finally {
      await sql`ALTER TABLE keyword_index_moved RENAME TO ${sql.table(keywordTable)}`.execute(t.store.db);
      await t.store.db.deleteFrom('subscriptions').where('id', '=', id).execute();
    }
  });

  it('the scheduler plans and sends the day that is due, once', async () => {
    const clock = manualClock('2025-02-04T20:00:00.000Z');
    const { deps, config } = await testApp(get(), { SMTP_URL: sink.url, PAPERBOY_DIGEST_TIME: '21:00' }, { now: clock.now });
    const scheduler = new DigestScheduler(get().store, deps.digests, config.digests, deps.logger, clock.now);
    await scheduler.tick();
    expect(sink.received).toHaveLength(0);
    clock.set('2025-02-04T21:05:00.000Z');
    await scheduler.tick();
    await scheduler.tick();
    expect(sink.received).toHaveLength(1);
    expect((await simpleParser(sink.received[0]!.raw)).text).toContain('http://paperboy.test/papers/2502.00003');
    await scheduler.stop();
  });
});
