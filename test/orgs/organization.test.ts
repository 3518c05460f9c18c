import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, expect, it } from 'vitest';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-06-01T00:00:00.000Z';
const ACME = { name: 'acme-lab', fullname: 'Acme <Lab> & Co', avatar: null };

interface OrgBody {
  name: string;
  fullname: string | null;
  numPapers: number;
  upvotes: number;
  papers: { id: string; upvotes: number; organization: { name?: string } | null }[];
  authors: { name: string; papers: number }[];
  votes: { period: string; papers: number; upvotes: number }[];
}

describeEachStore('organisation pages', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;

  beforeAll(async () => {
    const db = get().store.db;
    await upsertPapers(
      db,
      [
        paperRecord({
          id: '2501.50001',
          title: 'Acme first',
          authors: ['Ada Byron', 'Bob Stone'],
          publishedAt: '2025-01-10T00:00:00Z',
          organization: ACME,
        }),
        paperRecord({
          id: '2502.50002',
          title: 'Acme second',
          authors: ['Ada Byron', 'Cy Young'],
          publishedAt: '2025-02-03T00:00:00Z',
          organization: ACME,
        }),
        paperRecord({
          id: '2503.50003',
          title: 'Acme third',
          authors: ['Ada Byron'],
          publishedAt: '2025-03-20T00:00:00Z',
          organization: ACME,
        }),
        paperRecord({
          id: '2503.50004',
          title: 'Acme withdrawn',
          authors: ['Dee Hidden'],
          publishedAt: '2025-03-21T00:00:00Z',
          organization: ACME,
        }),
        paperRecord({
          id: '2503.50005',
          title: 'Elsewhere',
          authors: ['Eve Other'],
          publishedAt: '2025-03-22T00:00:00Z',
          organization: { name: 'other-lab', fullname: null, avatar: null },
        }),
      ],
      NOW,
    );
    await upsertFeedEntries(
      db,
      [
        { day: '2025-01-11', paperId: '2501.50001', upvotes: 5, comments: 0, source: 'test' },
        { day: '2025-02-04', paperId: '2502.50002', upvotes: 7, comments: 1, source: 'test' },
        { day: '2025-03-22', paperId: '2503.50004', upvotes: 50, comments: 0, source: 'test' },
      ],
      NOW,
    );
    await db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2503.50004').execute();
    t = await testApp(get());
  });

  it('answers the organisation with its visible papers newest first, its authors and its votes by month', async () => {
    const res = await t.app.request('/api/orgs/acme-lab');
    expect(res.status).toBe(200);
    const body = (await res.json()) as OrgBody;
    expect(body.name).toBe('acme-lab');
    expect(body.fullname).toBe('Acme <Lab> & Co');
    expect(body.numPapers).toBe(3);
    expect(body.upvotes).toBe(12);
    expect(body.papers.map((p) => [p.id, p.upvotes])).toEqual([
      ['2503.50003', 0],
      ['2502.50002', 7],
      ['2501.50001', 5],
    ]);
    expect(body.papers[0]!.organization?.name).toBe('acme-lab');
    expect(body.authors).toEqual([
      { name: 'Ada Byron', papers: 3 },
      { name: 'Bob Stone', papers: 1 },
      { name: 'Cy Young', papers: 1 },
    ]);
    expect(body.votes).toEqual([
      { period: '2025-01', papers: 1, upvotes: 5 },
      { period: '2025-02', papers: 1, upvotes: 7 },
      { period: '2025-03', papers: 1, upvotes: 0 },
    ]);
  });

  it('answers 404 for an organisation no source named, as JSON and as a page', async () => {
    const api = await t.app.request('/api/orgs/no-such-lab');
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const page = await t.app.request('/orgs/no-such-lab');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('no-such-lab');
  });

  it('renders the page with escaped names, the votes chart and its table, authors and paper cards', async () => {
    const res = await t.app.request('/orgs/acme-lab');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Acme &lt;Lab&gt; &amp; Co');
    expect(page).not.toContain('Acme <Lab>');
    const svg = /<svg class="trend-chart"[\s\S]*?<\/svg>/.exec(page)?.[0];
    expect(svg).toBeDefined();
    expect(XMLValidator.validate(svg!)).toBe(true);
    expect(page).toMatch(/<th scope="row">2025-02<\/th><td>1<\/td><td>7<\/td>/);
    expect(page).toContain(`href="/authors/${encodeURIComponent('Ada Byron')}"`);
    expect(page.indexOf('Acme third')).toBeLessThan(page.indexOf('Acme second'));
    expect(page).not.toContain('Acme withdrawn');
    expect(page).not.toContain('Eve Other');
  });

  it('links the organisation from paper cards and the paper page', async () => {
    const paper = await (await t.app.request('/papers/2501.50001')).text();
    expect(paper).toContain('href="/orgs/acme-lab"');
    const search = await (await t.app.request('/search?q=acme')).text();
    expect(search).toContain('href="/orgs/acme-lab"');
  });
});
