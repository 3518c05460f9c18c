import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { findPaper } from '../../src/papers/papers.repository.js';
import { nextDailyRun } from '../../src/sources/live-sources.js';
import { findSourceJob } from '../../src/sources/source-jobs.repository.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { ReplayServer } from '../ingest-network/replay-server.js';
import { manualClock } from './fake-sources.js';
import { resetSources, schedulerFor } from './helpers.js';

interface OaiPaper {
  readonly id: string;
  readonly datestamp: string;
  readonly title: string;
  readonly updated?: string;
}

/** An OAI-PMH ListRecords answer in arXiv's metadata format, as oaipmh.arxiv.org sends it. */
function listRecords(papers: readonly OaiPaper[]): string {
  const records = papers.map(
    (
      p,
    ) => `<record><header><identifier>oai:arXiv.org:${p.id}</identifier><datestamp>${p.datestamp}</datestamp><setSpec>cs:cs:CV</setSpec></header>
<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>${p.id}</id><created>2026-11-25</created>${p.updated ? `<updated>${p.updated}</updated>` : ''}
<authors><author><keyname>Hopper</keyname><forenames>Grace</forenames></author></authors><title>${p.title}</title>
<categories>cs.CV cs.RO</categories><license>http://creativecommons.org/licenses/by/4.0/</license><abstract>  Robots that see. </abstract></arXiv></metadata></record>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-11-29T03:00:00Z</responseDate>
<request verb="ListRecords">http://oaipmh.arxiv.org/oai</request><ListRecords>${records.join('\n')}</ListRecords></OAI-PMH>`;
}

describeEachStore('the daily arXiv harvest', (get) => {
  let oai: ReplayServer;
  let answer: OaiPaper[] = [];
  beforeAll(async () => {
    oai = await ReplayServer.start();
    oai.route(() => ({ status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: listRecords(answer) }));
  });
  afterAll(async () => {
    await oai.close();
  });
  beforeEach(async () => {
    await resetSources(get().store);
    oai.reset();
  });

  it('runs after the announcement, once a day, continuing from the last datestamp; new versions update the paper', async () => {
    const clock = manualClock('2026-11-29T10:00:00.000Z');
    const { config, deps } = await testApp(
      get(),
      {
        PAPERBOY_FEED_SOURCES: 'none',
        PAPERBOY_ARXIV_SETS: 'cs.CV',
        PAPERBOY_OAI_ENDPOINT: `${oai.baseUrl}/oai`,
        PAPERBOY_ARXIV_MIN_INTERVAL_MS: '0',
        PAPERBOY_DEMO: 'off',
      },
      { now: clock.now },
    );
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    answer = [
      { id: '2611.70001', datestamp: '2026-11-27', title: 'Seeing Robots' },
      { id: '2611.70002', datestamp: '2026-11-28', title: 'Grasping in Clutter' },
    ];

    // A fresh instance starts a few days back, not at the beginning of the archive.
    await scheduler.tick();
    expect(oai.requests).toHaveLength(1);
    expect(Object.fromEntries(oai.requests[0]!.url.searchParams)).toEqual({
      verb: 'ListRecords',
      metadataPrefix: 'arXiv',
      set: 'cs:cs:CV',
      from: '2026-11-26',
    });
    expect(oai.requests[0]!.userAgent).toBe('Paperboy/0.1.0 (+http://paperboy.test)');
    expect((await findPaper(deps.store.db, '2611.70001'))?.title).toBe('Seeing Robots');
    const row = (await findSourceJob(deps.store.db, 'arxiv'))!;
    expect(row.next_run_at).toBe('2026-11-30T03:00:00.000Z');
    expect(Number(row.papers_upserted)).toBe(2);

    clock.set('2026-11-29T23:00:00.000Z');
    await scheduler.tick();
    expect(oai.requests).toHaveLength(1);

    answer = [{ id: '2611.70001', datestamp: '2026-11-29', title: 'Seeing Robots, Revised', updated: '2026-11-29' }];
    clock.set('2026-11-30T03:00:05.000Z');
    await scheduler.tick();
    expect(oai.requests).toHaveLength(2);
    expect(oai.requests[1]!.url.searchParams.get('from')).toBe('2026-11-28');
    const paper = await findPaper(deps.store.db, '2611.70001');
    expect(paper).toMatchObject({ title: 'Seeing Robots, Revised', updatedAt: '2026-11-29T00:00:00.000Z' });
    expect((await findSourceJob(deps.store.db, 'arxiv'))!.next_run_at).toBe('2026-12-01T03:00:00.000Z');
    await scheduler.stop();
  });

  it('plans the next harvest for 03:00 UTC', () => {
    expect(nextDailyRun(new Date('2026-11-29T02:59:59Z'), 3).toISOString()).toBe('2026-11-29T03:00:00.000Z');
    expect(nextDailyRun(new Date('2026-11-29T03:00:00Z'), 3).toISOString()).toBe('2026-11-30T03:00:00.000Z');
    expect(nextDailyRun(new Date('2026-12-31T23:00:00Z'), 3).toISOString()).toBe('2027-01-01T03:00:00.000Z');
  });
});
