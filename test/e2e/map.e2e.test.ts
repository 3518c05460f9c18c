import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openSqlite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { rebuildMap } from '../../src/map/map-rebuild.js';
import { projectRoot } from '../../src/project-root.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { MAP_EMBEDDER, seedMapCorpus } from '../helpers/map-corpus.js';
import { tempDir } from '../helpers/stores.js';

const CHROMIUM = process.env.PAPERBOY_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(projectRoot(), 'test-artifacts');
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI === 'true')
  throw new Error(`Chromium is not installed at ${CHROMIUM}; under CI=true the browser tests must run.`);
if (!available) console.warn(`\n!!! Chromium not found at ${CHROMIUM}: SKIPPING the map browser tests.\n`);
const run = available ? describe : describe.skip;

type Highlight = [id: string, x: number, y: number, title: string];

run('the map of the field in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = tempDir('paperboy-map-e2e-');
    const file = path.join(dataDir, 'paperboy.db');
    const store = openSqlite(file);
    await migrateToLatest(store);
    await seedMapCorpus(store, 40);
    await rebuildMap(store, { embedder: MAP_EMBEDDER, seed: 5, epochs: 100 });
    await store.close();
    const config = loadConfig({
      PAPERBOY_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${file}`,
      PORT: '0',
      PAPERBOY_DEMO: 'false',
      PAPERBOY_LOG: 'silent',
      PAPERBOY_FEED_SOURCES: 'none',
      PAPERBOY_SCHEDULER: 'off',
    });
    server = await startServer(config);
    base = server.url;
    // Headless Chromium draws WebGL with SwiftShader (on the CPU).
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function openMap(query: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${base}/map${query}`);
    await expect
      .poll(async () => Number(await page.locator('.map-canvas').getAttribute('data-points-drawn')), { timeout: 15_000 })
      .toBe(120);
    return page;
  }

  async function axeViolations(page: Page) {
    await page.evaluate(fs.readFileSync(path.join(projectRoot(), 'node_modules/axe-core/axe.min.js'), 'utf8'));
    const result = (await page.evaluate(() => (window as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as {
      violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
    };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  /** Where a map point is on the screen in the initial view (centre 0.5, 0.5; the square fits the canvas). */
  async function screenPoint(page: Page, x: number, y: number) {
    const box = (await page.locator('.map-canvas').boundingBox())!;
    const scale = Math.min(box.width, box.height);
    return { x: box.x + box.width / 2 + (x - 0.5) * scale, y: box.y + box.height / 2 + (y - 0.5) * scale };
  }

  it('lights up a search, shows a title on hover, zooms and opens the paper on click', async () => {
    const page = await openMap('?q=treebank');
    const data = JSON.parse((await page.locator('.map-view').getAttribute('data-map'))!) as { highlight: Highlight[] };
    expect(data.highlight.length).toBeGreaterThan(0);
    // Best first: the keyword matches lead.
    for (const [, , , title] of data.highlight.slice(0, 10)) expect(title).toContain('Treebank');
    expect(await page.locator('.map-highlights h2').textContent()).toMatch(/papers of the search “treebank” lit up/);
    expect(await page.locator('.map-canvas').getAttribute('data-renderer')).toMatch(/\w/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-search.png'), fullPage: true });

    const [id, x, y, title] = data.highlight[0]!;
    const target = await screenPoint(page, x, y);
    await page.mouse.move(target.x, target.y);
    await expect.poll(() => page.locator('.map-tooltip').textContent()).toBe(title);
    expect(await page.locator('.map-tooltip').isVisible()).toBe(true);

    // The wheel zooms around the cursor, so the point stays under it.
    await page.mouse.wheel(0, -600);
    await expect.poll(async () => Number(await page.locator('.map-canvas').getAttribute('data-zoom'))).toBeGreaterThan(0.5);
    await page.mouse.move(target.x + 1, target.y);
    await expect.poll(() => page.locator('.map-tooltip').textContent()).toBe(title);
    await Promise.all([page.waitForURL(`${base}/papers/${id}`), page.mouse.click(target.x + 1, target.y)]);
    expect(await page.locator('h1').first().textContent()).toContain('Treebank');
    await expect.poll(() => page.locator('.map-neighbourhood circle').count()).toBeGreaterThan(10);
    await page.screenshot({ path: path.join(ARTIFACTS, 'paper-map-neighbourhood.png'), fullPage: true });
  });

  it('zooms and pans with the buttons and the keyboard', async () => {
    const page = await openMap('');
    const zoom = async () => Number(await page.locator('.map-canvas').getAttribute('data-zoom'));
    await page.click('button[data-map-zoom="in"]');
    await expect.poll(zoom).toBe(1);
    await page.focus('.map-canvas');
    await page.keyboard.press('+');
    await expect.poll(zoom).toBe(2);
    await page.keyboard.press('-');
    await expect.poll(zoom).toBe(1);
    await page.keyboard.press('0');
    await expect.poll(zoom).toBe(0);
    expect(await page.locator('.map-label:not([hidden])').count()).toBeGreaterThan(0);
  });

  it('has no serious accessibility problems in light and dark mode', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openMap('?q=galaxy', scheme);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `map-${scheme}.png`), fullPage: true });
    }
  });
});
