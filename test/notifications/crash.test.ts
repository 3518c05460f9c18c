import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { insertNotifications } from '../../src/notifications/notifications.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/stores.js';
import { runCliProcess, startSinkProcess, type SinkProcess } from '../digests/process-helpers.js';

const READERS = 200;
const STAMP = new Date().toISOString();

/**
 * `paperboy notifications send` is killed with SIGKILL in the middle of a run, then run again: the SMTP server, in
 * its own process, must have received one email per reader, none twice.
 */
describe('paperboy notifications send survives kill -9', () => {
  let dir: string;
  let store: Store;
  let sink: SinkProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = tempDir('paperboy-notify-crash-');
    const file = path.join(dir, 'paperboy.db');
    store = openSqlite(file);
    await migrateToLatest(store);
    await upsertPapers(store.db, [paperRecord({ id: '2503.00001', title: 'A paper readers follow' })], STAMP);
    const users = await store.db
      .insertInto('users')
      .values(
        Array.from({ length: READERS }, (_, i) => ({
          username: `reader${i}`,
          email: `reader${i}@example.org`,
          password_hash: 'not-a-real-hash',
          created_at: STAMP,
        })),
      )
      .returning('id')
      .execute();
    await store.db
      .insertInto('notification_settings')
      .values(users.map((u) => ({ user_id: u.id, email_enabled: 1, updated_at: STAMP })))
      .execute();
    const rows = users.map((u) => ({
      userId: u.id,
      kind: 'followed-author' as const,
      subject: 'paper:2503.00001',
      paperId: '2503.00001',
      commentId: null,
    }));
    await insertNotifications(store.db, store.capabilities.maxParameters, rows, STAMP);
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
    };
  });

  afterAll(async () => {
    await sink?.stop();
    await store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 on a usage error', async () => {
    const bad = await runCliProcess(['notifications', 'send', '--nope'], env).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--nope');
  });

  it('counts without sending on --dry-run, then sends every reader one email and none twice', async () => {
    const dry = await runCliProcess(['notifications', 'send', '--dry-run', '--json'], env).done;
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, planned: READERS, sent: 0 });
    expect(sink.messageIds).toEqual([]);

    const run = runCliProcess(['notifications', 'send'], env);
    await sink.waitForCount(40);
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    expect(sink.messageIds.length).toBeLessThan(READERS);

    const final = await runCliProcess(['notifications', 'send', '--json'], env).done;
    expect(final.stderr).not.toContain('Error');
    expect(final.code).toBe(0);
    const summary = JSON.parse(final.stdout) as { planned: number; sent: number; requeued: number; presumedSent: number };
    expect(summary.sent + summary.presumedSent).toBeGreaterThan(0);

    const emails = await store.db.selectFrom('notification_emails').select(['message_id', 'status']).execute();
    expect(emails).toHaveLength(READERS);
    expect(emails.every((row) => row.status === 'sent')).toBe(true);
    await sink.waitForCount(READERS, 10_000);
    const counts = new Map<string, number>();
    for (const id of sink.messageIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(emails.filter((row) => !counts.has(row.message_id))).toEqual([]);
    expect(sink.messageIds).toHaveLength(READERS);

    // A run within the hour finds nothing to send.
    const again = await runCliProcess(['notifications', 'send', '--json'], env).done;
    expect(JSON.parse(again.stdout)).toMatchObject({ planned: 0, sent: 0 });
    // Four CLI processes start from the TypeScript sources one after the other: slow on a busy machine.
  }, 180_000);
});
