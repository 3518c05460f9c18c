import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, expect, it } from 'vitest';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const PAPERS = [
  paperRecord({ id: '2501.40001', title: 'Diffusion models for images', publishedAt: '2025-01-05T00:00:00Z' }),
  paperRecord({ id: '2501.40002', title: 'Graph networks', publishedAt: '2025-01-25T00:00:00Z' }),
  paperRecord({ id: '2502.40003', title: 'Diffusion models for text', publishedAt: '2025-02-11T00:00:00Z' }),
  paperRecord({ id: '2502.40004', title: 'Graph diffusion', publishedAt: '2025-02-12T00:00:00Z' }),
  paperRecord({ id: '2502.40005', title: 'Scripts & <script> tags considered harmful', publishedAt: '2025-02-13T00:00:00Z' }),
];

interface TrendsBody {
  query: string;
  interval: string;
  series: { period: string; count: number; share: number }[];
  compared: { query: string; series: { period: string; count: number; share: number }[] }[];
}

describeEachStore('trend routes', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;

  beforeAll(async () => {
    await get()
      .store.db.transaction()
      .execute((trx) => upsertPapers(trx, PAPERS, new Date().toISOString()));
    t = await testApp(get());
  });

  it('answers one query in the documented shape with exact counts and shares', async () => {
    const res = await t.app.request(`/api/trends?${new URLSearchParams({ q: 'diffusion models' })}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      query: 'diffusion models',
      interval: 'month',
      series: [
        { period: '2025-01', count: 1, share: 0.5 },
        { period: '2025-02', count: 1, share: 1 / 3 },
      ],
      compared: [],
    });
  });

  it('compares up to three queries over the same weeks', async () => {
    const res = await t.app.request('/api/trends?q=diffusion&q=graph&q=zzyzx&interval=week');
    expect(res.status).toBe(200);
    const body = (await res.json()) as TrendsBody;
    expect(body.interval).toBe('week');
    expect(body.compared.map((c) => c.query)).toEqual(['graph', 'zzyzx']);
    const periods = body.series.map((p) => p.period);
    expect(periods[0]).toBe('2025-W01');
    expect(periods[periods.length - 1]).toBe('2025-W07');
    for (const other of body.compared) expect(other.series.map((p) => p.period)).toEqual(periods);
    expect(body.series.find((p) => p.period === '2025-W07')).toEqual({ period: '2025-W07', count: 2, share: 2 / 3 });
    expect(body.compared[0]!.series.filter((p) => p.count > 0).map((p) => p.period)).toEqual(['2025-W04', '2025-W07']);
    expect(body.compared[1]!.series.every((p) => p.count === 0 && p.share === 0)).toBe(true);
  });

  it('refuses a bad interval, a missing or blank query and more than three', async () => {
    for (const [search, mentions] of [
      ['q=diffusion&interval=year', 'interval'],
      ['', 'q'],
      ['q=', 'q'],
      ['q=%20%20', 'q'],
      ['q=a&q=b&q=c&q=d', 'q'],
      [`q=${'a'.repeat(301)}`, 'q'],
    ] as const) {
      const res = await t.app.request(`/api/trends?${search}`);
      expect(res.status, search).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toContain(mentions);
    }
  });

  it('draws a well-formed SVG image with every label escaped', async () => {
    const nasty = '<script>alert(1)</script> & "quotes"';
    const res = await t.app.request(
      `/trends.svg?${new URLSearchParams([
        ['q', nasty],
        ['q', 'diffusion'],
        ['view', 'share'],
      ])}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('public, max-age=600');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const svg = await res.text();
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(svg).toContain('prefers-color-scheme: dark');
    expect(svg).toMatch(/<polyline class="trend-line trend-series-2" points="[\d.,\s]+"\/>/);
    // The share view labels its axis in percent, up to a round value above the largest share (2 of 3 papers).
    expect(svg).toContain('>80%</text>');
    expect(svg).not.toContain('>100%</text>');
  });

  it('refuses an image without a query', async () => {
    expect((await t.app.request('/trends.svg')).status).toBe(400);
    expect((await t.app.request('/trends.svg?q=a&interval=day')).status).toBe(400);
  });

  it('renders the compare page with a chart, a table and the count/share toggle', async () => {
    const res = await t.app.request('/trends?q=diffusion&q=graph&q=');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<svg class="trend-chart"');
    expect(page).toContain('role="img"');
    expect(page).toMatch(/<th scope="col">diffusion: papers<\/th>/);
    expect(page).toMatch(/<th scope="row">2025-02<\/th><td>2<\/td><td>66.67%<\/td><td>1<\/td><td>33.33%<\/td>/);
    expect(page).toContain('href="/trends?q=diffusion&amp;q=graph&amp;view=share"');
    expect(page).toContain('aria-current="page"');
    expect(page).toContain('href="/trends.svg?q=diffusion&amp;q=graph"');
  });

  it('escapes a query on the page and shows the form alone without one', async () => {
    const page = await (await t.app.request(`/trends?${new URLSearchParams({ q: '<script>x</script>' })}`)).text();
    expect(page).not.toContain('<script>x</script>');
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
    const empty = await (await t.app.request('/trends')).text();
    expect(empty).not.toContain('<svg');
    expect(empty).toContain('name="q"');
  });

  it('puts a small trend of the search, category included, above the results with a link to compare', async () => {
    const page = await (await t.app.request('/search?q=diffusion&category=cs.LG')).text();
    expect(page).toContain('Papers per month matching this search');
    expect(page).toContain(`href="/trends?${new URLSearchParams({ q: 'diffusion cat:cs.LG' }).toString()}"`);
    expect(page).toMatch(/<th scope="row">2025-02<\/th><td>2<\/td>/);
    const nothing = await (await t.app.request('/search?q=zzyzx')).text();
    expect(nothing).not.toContain('Papers per month matching this search');
  });
});
