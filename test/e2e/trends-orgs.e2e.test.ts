import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openSqlite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { projectRoot } from '../../src/project-root.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { paperRecord } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/stores.js';

const CHROMIUM = process.env.PAPERBOY_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const ARTIFACTS = path.join(projectRoot(), 'test-artifacts');

const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI === 'true')
  throw new Error(`Chromium is not installed at ${CHROMIUM}; under CI=true the browser tests must run.`);
if (!available) console.warn(`\n!!! Chromium not found at ${CHROMIUM}: SKIPPING the trend and organisation browser tests.\n`);

const run = available ? describe : describe.skip;

const ORG = { name: 'sparse-lab', fullname: 'Sparse Lab', avatar: null };

/** Papers over eight months, so the charts have a shape: diffusion grows, transformers stay flat. */
function spreadPapers() {
  const months = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];
  return months.flatMap((month, m) =>
    Array.from({ length: 2 + m }, (_, i) =>
      paperRecord({
        id: `24${month.slice(5)}.${String(60000 + i).padStart(5, '0')}`,
        title: i <= m ? `Diffusion study ${month} ${i}` : `Transformers study ${month} ${i}`,
        abstract: i % 2 === 0 ? 'Transformers and diffusion in practice.' : 'A survey of graphs.',
        authors: [`Author ${i % 3}`, 'Rosalind Franklin'],
        publishedAt: `${month}-${String(3 + i).padStart(2, '0')}T00:00:00.000Z`,
        organization: i % 2 === 0 ? ORG : null,
      }),
    ),
  );
}

run('trends and organisation pages in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const dataDir = tempDir('paperboy-e2e-trends-');
    const file = path.join(dataDir, 'paperboy.db');
    const store = openSqlite(file);
    await migrateToLatest(store);
    await seedCommunity(store);
    const papers = spreadPapers();
    await upsertPapers(store.db, papers, '2025-01-07T00:00:00.000Z');
    await upsertFeedEntries(
      store.db,
      papers.map((p, i) => ({ day: p.publishedAt!.slice(0, 10), paperId: p.id, upvotes: (i * 7) % 23, comments: 0, source: 'test' })),
      '2025-01-07T00:00:00.000Z',
    );
    await store.close();
    const config = loadConfig({
      PAPERBOY_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${file}`,
      PORT: '0',
      PAPERBOY_DEMO: 'false',
      PAPERBOY_LOG: 'silent',
      PAPERBOY_FEED_SOURCES: 'none',
    });
    server = await startServer(config);
    base = server.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(colorScheme: 'light' | 'dark' = 'light', javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ colorScheme, javaScriptEnabled, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    return page;
  }

  async function axeViolations(page: Page) {
    const source = fs.readFileSync(path.join(projectRoot(), 'node_modules/axe-core/axe.min.js'), 'utf8');
    await page.evaluate(source);
    const result = (await page.evaluate(() => (window as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as {
      violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
    };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  it('draws two queries on one chart from the form, and switches to their share of all papers', async () => {
    const page = await newPage('light', false);
    await page.goto(`${base}/trends`);
    await page.fill('#trend-q-1', 'diffusion');
    await page.fill('#trend-q-2', 'transformers');
    await Promise.all([page.waitForURL(/\/trends\?/), page.click('form.trends-form button[type="submit"]')]);
    await expect.poll(() => page.locator('svg.trend-chart polyline').count()).toBe(2);
    expect(await page.locator('svg.trend-chart .trend-legend-label').allTextContents()).toEqual(['diffusion', 'transformers']);
    const headers = await page.locator('.trend-data thead th').allTextContents();
    expect(headers).toEqual(['Period', 'diffusion: papers', 'diffusion: share', 'transformers: papers', 'transformers: share']);
    await page.click('text=Share of all papers');
    await expect.poll(() => page.url()).toContain('view=share');
    const axisLabels = await page.locator('svg.trend-chart .trend-axis-label').allTextContents();
    expect(axisLabels.some((label) => label.endsWith('%'))).toBe(true);
    await page.context().close();
  });

  it('reaches an organisation page from a paper page and shows its votes over time', async () => {
    const page = await newPage();
    await page.goto(`${base}/papers/2407.60000`);
    await Promise.all([page.waitForURL(`${base}/orgs/sparse-lab`), page.click('a.organization')]);
    await expect.poll(() => page.locator('h1').textContent()).toContain('Sparse Lab');
    expect(await page.locator('#org-votes-heading').textContent()).toBe('Votes over time');
    expect(await page.locator('svg.trend-chart polyline').count()).toBe(1);
    expect(await page.locator('.org-authors li').first().textContent()).toContain('Rosalind Franklin');
    await page.context().close();
  });

  it('has no serious accessibility violations on /trends and an organisation page, light and dark, and saves screenshots', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await newPage(scheme);
      for (const [name, url] of [
        ['trends', '/trends?q=diffusion&q=transformers&q=graphs'],
        ['trends-share', '/trends?q=diffusion&q=transformers&view=share'],
        ['organization', '/orgs/sparse-lab'],
        ['search-trend', '/search?q=diffusion'],
      ] as const) {
        await page.goto(`${base}${url}`);
        await page.locator('.trend-data summary').first().click();
        const violations = await axeViolations(page);
        expect(violations, `${scheme} ${url}: ${violations.join('\n')}`).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${scheme}.png`), fullPage: true });
      }
      await page.goto(`${base}/trends.svg?q=diffusion&q=transformers`);
      await page.screenshot({ path: path.join(ARTIFACTS, `trends-svg-${scheme}.png`) });
      await page.context().close();
    }
    expect(fs.existsSync(path.join(ARTIFACTS, 'organization-dark.png'))).toBe(true);
  });
});
