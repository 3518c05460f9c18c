import fs from 'node:fs';
import { expect, it } from 'vitest';
import { countPapers, upsertPapers } from '../../src/papers/papers.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';

// Each of these tests writes the same paper into a store that must be empty when the test starts, whichever order
// they run in: the per-test lifetime gives every test a migrated store of its own.
describeEachStore('a store per test', { lifetime: 'test' }, (get) => {
  const seen: TestStore[] = [];

  async function writeIntoEmptyStore(): Promise<void> {
    const t = get();
    expect(seen.map((s) => s.databaseUrl)).not.toContain(t.databaseUrl);
    seen.push(t);
    expect(await countPapers(t.store.db)).toBe(0);
    expect(fs.readdirSync(t.dataDir).filter((name) => !name.startsWith('paperboy.db'))).toEqual([]);
    await upsertPapers(t.store.db, [paperRecord({ id: '2501.00001' })], '2025-01-02T00:00:00.000Z');
    fs.writeFileSync(`${t.dataDir}/left-behind.txt`, 'written by a test');
    expect(await countPapers(t.store.db)).toBe(1);
  }

  it('starts empty, migrated and in a data dir of its own (first)', writeIntoEmptyStore);
  it('starts empty, migrated and in a data dir of its own (second)', writeIntoEmptyStore);
  it('starts empty, migrated and in a data dir of its own (third)', writeIntoEmptyStore);
});
