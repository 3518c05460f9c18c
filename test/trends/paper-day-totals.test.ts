import { expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { PaperDayTotals } from '../../src/trends/paper-day-totals.js';
import { WriteEvents } from '../../src/write-events.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('paper totals per day', { lifetime: 'test' }, (get) => {
  it('counts visible dated papers by day, keeps them until papers change or five minutes pass', async () => {
    const db = get().store.db;
    const write = (id: string, publishedAt: string | null) => upsertPapers(db, [paperRecord({ id, publishedAt })], '2025-06-01T00:00:00Z');
    await write('2501.70001', '2025-01-02T08:00:00Z');
    await write('2501.70002', '2025-01-02T23:00:00Z');
    await write('2501.70003', null);
    let clock = 0;
    const totals = new PaperDayTotals(get().store, () => clock);
    const writes = new WriteEvents(silentLogger);
    totals.listen(writes);
    expect(Object.fromEntries(await totals.byDay())).toEqual({ '2025-01-02': 2 });

    await write('2501.70004', '2025-01-03T00:00:00Z');
    expect(Object.fromEntries(await totals.byDay())).toEqual({ '2025-01-02': 2 });
    writes.announce({ kind: 'import', paperIds: ['2501.70004'] });
    expect(Object.fromEntries(await totals.byDay())).toEqual({ '2025-01-02': 2, '2025-01-03': 1 });

    await db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2501.70001').execute();
    writes.announce({ kind: 'vote', paperIds: ['2501.70002'] });
    expect(Object.fromEntries(await totals.byDay())).toEqual({ '2025-01-02': 2, '2025-01-03': 1 });
    clock += 5 * 60_000 + 1;
    expect(Object.fromEntries(await totals.byDay())).toEqual({ '2025-01-02': 1, '2025-01-03': 1 });
  });
});
