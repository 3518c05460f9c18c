import os from 'node:os';
import { beforeEach, expect, it } from 'vitest';
import { claimDue, LeaseLostError, markHandedOver, recoverAbandoned } from '../../src/digests/outbox.repository.js';
import { periodContaining } from '../../src/feed/period.js';
import { planPeriod } from '../../src/digests/planner.js';
import { describeEachStore } from '../helpers/stores.js';
import { confirmedSubscriber, seedFeed } from './fixtures.js';

const DAY = '2025-04-07';
const NOW = new Date('2025-04-07T22:00:00.000Z');

/** A lease owner whose process is certainly gone: pid 2^22 + 1 is above Linux's pid_max ceiling. */
const DEAD_HERE = `${os.hostname()}:4194305:deadbeef`;

describeEachStore('digest outbox leases and recovery', { lifetime: 'test' }, (get) => {
  beforeEach(async () => {
    const { store } = get();
    await seedFeed(store, [{ id: '2504.00001', day: DAY, upvotes: 3 }]);
    for (const name of ['a', 'b', 'c', 'd']) await confirmedSubscriber(store, `${name}@lease.example.org`);
    await planPeriod(store, periodContaining('daily', DAY), { now: NOW, messageIdHost: 'paperboy.test', topicMatcher: null });
  });

  it('claims are exclusive and fenced: a worker that lost its lease cannot hand a digest over', async () => {
    const { store } = get();
    const first = await claimDue(store.db, store.capabilities, 'other-host:1:a', NOW, 60, 1);
    expect(first).toHaveLength(1);
    const second = await claimDue(store.db, store.capabilities, 'other-host:2:b', NOW, 60, 1);
    expect(second[0]!.id).not.toBe(first[0]!.id);

    // The first lease expires; recovery re-queues the digest (never handed over) and someone else takes it.
    const later = new Date(NOW.getTime() + 61_000);
    const recovered = await recoverAbandoned(store.db, later);
    expect(recovered.requeued).toBe(2);
    const taken = await claimDue(store.db, store.capabilities, 'other-host:3:c', later, 60, 10);
    expect(taken.map((r) => r.id)).toContain(first[0]!.id);
    await expect(markHandedOver(store.db, first[0]!.id, 'other-host:1:a', later)).rejects.toBeInstanceOf(LeaseLostError);
    await markHandedOver(store.db, first[0]!.id, 'other-host:3:c', later);
  });

  it('after a crash: digests handed over count as sent and are never re-sent, the others go back to the queue', async () => {
    const { store } = get();
    await store.db
      .updateTable('digest_outbox')
      .set({ status: 'planned', lease_owner: null, lease_expires_at: null, handed_over_at: null, next_attempt_at: NOW.toISOString() })
      .execute();
    const claimed = await claimDue(store.db, store.capabilities, DEAD_HERE, NOW, 3600, 10);
    expect(claimed).toHaveLength(4);
    await markHandedOver(store.db, claimed[0]!.id, DEAD_HERE, NOW);
    await markHandedOver(store.db, claimed[1]!.id, DEAD_HERE, NOW);

    // The lease has an hour to run, but its owner's process is gone: no need to wait.
    const recovered = await recoverAbandoned(store.db, NOW);
    expect(recovered).toEqual({ requeued: 2, presumedSent: 2 });
    const rows = await store.db.selectFrom('digest_outbox').select(['id', 'status', 'last_error']).orderBy('id').execute();
    expect(rows.filter((r) => r.status === 'sent').map((r) => r.id)).toEqual([claimed[0]!.id, claimed[1]!.id]);
    expect(rows.filter((r) => r.status === 'sent').every((r) => r.last_error?.startsWith('unconfirmed:'))).toBe(true);
    expect(rows.filter((r) => r.status === 'planned')).toHaveLength(2);

    // A live owner's unexpired lease is left alone.
    const live = await claimDue(store.db, store.capabilities, `${os.hostname()}:${process.pid}:live`, NOW, 3600, 10);
    expect(live).toHaveLength(2);
    expect(await recoverAbandoned(store.db, NOW)).toEqual({ requeued: 0, presumedSent: 0 });
  });
});
