import { expect, it } from 'vitest';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('the daily page before any paper is featured', { lifetime: 'test' }, (get) => {
  const home = async () => {
    const { app } = await testApp(get());
    const res = await app.request('/');
    expect(res.status).toBe(200);
    return res.text();
  };

  it('asks for an import on an empty instance', async () => {
    const html = await home();
    expect(html).toContain('No papers yet. Import some with <code>paperboy import</code>');
  });

  it('says what the daily list holds and where the imported papers are, once papers exist but none is featured', async () => {
    const papers = Array.from({ length: 3 }, (_, i) => paperRecord({ id: `2505.0000${i + 1}`, title: `Imported ${i}` }));
    const { db } = get().store;
    await upsertPapers(db, [...papers, paperRecord({ id: '2505.00009', title: 'Hidden' })], '2026-01-01T00:00:00Z');
    await db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2505.00009').execute();
    const html = await home();
    expect(html).not.toContain('Import some');
    expect(html).toContain('No paper has been featured yet');
    expect(html).toContain('The 3 papers imported so far are in <a href="/search">search</a>');
    for (const path of ['/search', '/trends', '/submit'])
      expect((await (await testApp(get())).app.request(path)).status, path).not.toBe(404);
  });
});
