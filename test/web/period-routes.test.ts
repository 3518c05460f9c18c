import { beforeAll, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';

type App = Awaited<ReturnType<typeof testApp>>;

describeEachStore('period parameters at the edges of the calendar', (get) => {
  let t: App;
  beforeAll(async () => {
    t = await testApp(get(), { PAPERBOY_DEMO: 'false' });
  });

  it('renders the last and first accepted months and weeks, without a link past them', async () => {
    const last = await t.app.request('/papers/month/9999-12');
    expect(last.status).toBe(200);
    const lastHtml = await last.text();
    expect(lastHtml).toContain('href="/papers/month/9999-11"');
    expect(lastHtml).not.toContain('/papers/month/10000');

    const first = await t.app.request('/papers/month/1991-01');
    expect(first.status).toBe(200);
    expect(await first.text()).not.toContain('/papers/month/1990-12');

    expect((await t.app.request('/papers/week/9999-W51')).status).toBe(200);
    expect((await t.app.request('/papers/date/9999-12-31')).status).toBe(200);
  });

  it("links a period's page to the day, week and month it starts, marking its own kind", async () => {
    const week = await (await t.app.request('/papers/week/2025-W10')).text();
    const links = week.slice(week.indexOf('class="period-switch"'), week.indexOf('</nav>', week.indexOf('class="period-switch"')));
    expect(links).toContain('<a href="/papers/date/2025-03-03">Day</a>');
    expect(links).toContain('<a href="/papers/week/2025-W10" aria-current="page">Week</a>');
    expect(links).toContain('<a href="/papers/month/2025-03">Month</a>');
    const month = await (await t.app.request('/papers/month/2025-03')).text();
    expect(month).toContain('<a href="/papers/month/2025-03" aria-current="page">Month</a>');
    expect(month).toContain('<a href="/papers/week/2025-W09">Week</a>');
  });

  it('turns pages for years outside 1991–9999 away as not found, never with a server error', async () => {
    for (const path of [
      '/papers/month/1990-12',
      '/papers/month/0000-01',
      '/papers/month/+275760-09',
      '/papers/week/9999-W52',
      '/papers/week/0050-W01',
      '/papers/date/1970-01-01',
      '/papers/date/-271821-04-20',
    ]) {
      const response = await t.app.request(path);
      expect(response.status, path).toBe(404);
    }
  });

  it('answers the API with 400 for such periods', async () => {
    for (const query of [
      'month=9999-13',
      'month=1990-12',
      'month=%2B275760-09',
      'week=9999-W52',
      'week=1900-W01',
      'date=0001-01-01',
      'date=10000-01-01',
    ]) {
      const response = await t.app.request(`/api/daily_papers?${query}`);
      expect(response.status, query).toBe(400);
    }
    const last = await t.app.request('/api/daily_papers?month=9999-12');
    expect(last.status).toBe(200);
    expect(await last.json()).toEqual([]);
  });
});
