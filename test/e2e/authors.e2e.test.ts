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
const PASSWORD = 'a long enough passphrase 42';

const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI === 'true')
  throw new Error(`Chromium is not installed at ${CHROMIUM}; under CI=true the browser tests must run.`);
if (!available) console.warn(`\n!!! Chromium not found at ${CHROMIUM}: SKIPPING the author page browser tests.\n`);

const run = available ? describe : describe.skip;

/** Rosalind Franklin's papers over several months with a few co-authors, and one paper under a variant of her name. */
function authorPapers() {
  const months = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11'];
  return [
    ...months.flatMap((month, m) =>
      Array.from({ length: 1 + (m % 3) }, (_, i) =>
        paperRecord({
          id: `24${month.slice(5)}.${String(70000 + i).padStart(5, '0')}`,
          title: `X-ray diffraction of fibres ${month} ${i}`,
          abstract: 'Diffraction patterns of DNA fibres and the helical structure they imply.',
          authors: ['Rosalind Franklin', i % 2 === 0 ? 'Raymond Gosling' : 'Aaron Klug'],
          categories: ['q-bio.BM', 'physics.bio-ph'],
          publishedAt: `${month}-${String(3 + i).padStart(2, '0')}T00:00:00.000Z`,
        }),
      ),
    ),
    paperRecord({ id: '2412.70009', title: 'Variant spelling', authors: ['R. Franklin'], publishedAt: '2024-12-01T00:00:00.000Z' }),
  ];
}

run('author pages and authorship claims in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let base: string;
  let file: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const dataDir = tempDir('paperboy-e2e-authors-');
    file = path.join(dataDir, 'paperboy.db');
    const store = openSqlite(file);
    await migrateToLatest(store);
    const papers = authorPapers();
    await upsertPapers(store.db, papers, '2025-01-07T00:00:00.000Z');
    await upsertFeedEntries(
      store.db,
      papers.map((p, i) => ({ day: p.publishedAt!.slice(0, 10), paperId: p.id, upvotes: (i * 5) % 17, comments: 0, source: 'test' })),
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

  async function newPage(colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    return page;
  }

  async function signUp(page: Page, username: string) {
    await page.goto(`${base}/signup`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="email"]', `${username}@example.org`);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('main form button[type="submit"]')]);
  }

  /** Grants the administrator role as `paperboy admin grant` does, in the server's database. */
  async function grantAdmin(username: string) {
    const store = openSqlite(file);
    await store.db.updateTable('users').set({ is_admin: 1 }).where('username', '=', username).execute();
    await store.close();
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

  it('reaches an author page from a paper page: papers, co-authors, the monthly chart and the written variants', async () => {
    const page = await newPage();
    await page.goto(`${base}/papers/2409.70000`);
    await Promise.all([page.waitForURL(`${base}/authors/Rosalind%20Franklin`), page.click('.author-list a:text-is("Rosalind Franklin")')]);
    expect(await page.locator('h1').textContent()).toBe('Rosalind Franklin');
    expect(await page.locator('.author-profile > p.muted').textContent()).toContain('9 papers listed under this name');
    expect(await page.locator('svg.trend-chart polyline').count()).toBe(1);
    expect(await page.locator('.org-authors li').first().textContent()).toContain('Raymond Gosling');
    expect(await page.locator('.author-variants a').allTextContents()).toEqual(['R. Franklin']);
    await Promise.all([page.waitForURL(`${base}/authors/Aaron%20Klug`), page.click('.org-authors a:text-is("Aaron Klug")')]);
    expect(await page.locator('h1').textContent()).toBe('Aaron Klug');
    await page.context().close();
  });

  it('lets a reader claim a name on a paper, an administrator approve it, and then shows the reader on the paper', async () => {
    const reader = await newPage();
    await signUp(reader, 'rosalind');
    await reader.goto(`${base}/papers/2408.70001`);
    await Promise.all([
      reader.waitForURL(`${base}/papers/2408.70001`),
      reader.click('button[aria-label="Claim authorship: I am Rosalind Franklin"]'),
    ]);
    await expect.poll(() => reader.locator('.author-list').textContent()).toContain('your claim awaits review');

    const admin = await newPage();
    await signUp(admin, 'editor');
    await grantAdmin('editor');
    await admin.goto(`${base}/admin`);
    await Promise.all([admin.waitForURL(`${base}/admin/author-claims`), admin.click('a[href="/admin/author-claims"]')]);
    expect(await admin.locator('.author-claims li').first().textContent()).toContain('rosalind claims to be Rosalind Franklin');
    await admin.screenshot({ path: path.join(ARTIFACTS, 'author-claims-admin.png'), fullPage: true });
    await Promise.all([
      admin.waitForURL(`${base}/admin/author-claims`),
      admin.click('button[aria-label="Approve rosalind as Rosalind Franklin"]'),
    ]);
    await expect.poll(() => admin.locator('.author-claims li').count()).toBe(0);
    await admin.context().close();

    const visitor = await newPage();
    await visitor.goto(`${base}/papers/2408.70001`);
    const badge = visitor.locator('.author-list a.claimed-author');
    expect(await badge.textContent()).toContain('rosalind');
    await visitor.screenshot({ path: path.join(ARTIFACTS, 'paper-claimed-author.png'), fullPage: true });
    await Promise.all([visitor.waitForURL(`${base}/u/rosalind`), badge.click()]);
    expect(await visitor.locator('.authored-papers li').count()).toBe(1);
    await visitor.context().close();
    await reader.context().close();
  });

  it('has no serious accessibility violations on an author page, light and dark, and saves screenshots', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await newPage(scheme);
      await page.goto(`${base}/authors/Rosalind%20Franklin`);
      await page.locator('.trend-data summary').first().click();
      const violations = await axeViolations(page);
      expect(violations, `${scheme}: ${violations.join('\n')}`).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `author-${scheme}.png`), fullPage: true });
      await page.context().close();
    }
    expect(fs.existsSync(path.join(ARTIFACTS, 'author-dark.png'))).toBe(true);
  });
});
