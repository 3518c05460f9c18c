import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { projectRoot } from '../../src/project-root.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { recomputeTrending } from '../../src/trending/trending.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/stores.js';

const CHROMIUM = process.env.PAPERBOY_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ARTIFACTS = path.join(projectRoot(), 'test-artifacts');
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI === 'true')
  throw new Error(`Chromium is not installed at ${CHROMIUM}; under CI=true the browser tests must run.`);
const run = available ? describe : describe.skip;
const DAY = '2025-01-06';
const FOR_YOU = `/for-you?date=${DAY}`;

/** Three pairs of papers on three topics, so that each signal pulls a different pair up. */
const PAPERS = [
  {
    id: '2501.06001',
    upvotes: 60,
    category: 'cs.LG',
    title: 'Graph neural networks for molecule property prediction',
    abstract: 'Graph neural networks predict molecule properties from molecular graphs with message passing.',
  },
  {
    id: '2501.06002',
    upvotes: 50,
    category: 'cs.LG',
    title: 'Message passing graph networks for protein structure',
    abstract: 'Message passing over residue graphs predicts protein structure with graph neural networks.',
  },
  {
    id: '2501.06003',
    upvotes: 40,
    category: 'quant-ph',
    title: 'Surface codes for quantum error correction',
    abstract: 'Quantum error correction with surface codes protects logical qubits from noise.',
  },
  {
    id: '2501.06004',
    upvotes: 30,
    category: 'quant-ph',
    title: 'Decoding surface codes under correlated quantum noise',
    abstract: 'Decoders for surface codes correct correlated noise on quantum error correction hardware.',
  },
  {
    id: '2501.06005',
    upvotes: 20,
    category: 'cs.CL',
    title: 'Streaming speech recognition with transducers',
    abstract: 'Speech recognition models stream audio through transducers for low latency transcription.',
  },
  {
    id: '2501.06006',
    upvotes: 10,
    category: 'cs.CL',
    title: 'Transducers for multilingual speech recognition',
    abstract: 'Multilingual speech recognition with transducers shares audio encoders across languages.',
  },
] as const;

async function seed(store: Store): Promise<void> {
  const now = '2025-01-01T00:00:00.000Z';
  await upsertPapers(
    store.db,
    PAPERS.map((p) =>
      paperRecord({
        id: p.id,
        title: p.title,
        abstract: p.abstract,
        authors: [`Author of ${p.id}`],
        categories: [p.category],
        publishedAt: `${DAY}T00:00:00.000Z`,
      }),
    ),
    now,
  );
  await upsertFeedEntries(
    store.db,
    PAPERS.map((p) => ({ day: DAY, paperId: p.id, upvotes: p.upvotes, comments: 0, source: 'test' })),
    now,
  );
  await recomputeTrending(
    store.db,
    PAPERS.map((p) => p.id),
  );
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The For-you item (card, reason and rating buttons) of one paper. */
function forYouItem(page: Page, id: string): Locator {
  return page.locator('.for-you-item').filter({ has: page.locator(`form[data-save-form] input[name="paper"][value="${id}"]`) });
}

run('Personal journey in a real browser: cold start, library and tags, ratings, BibTeX export and import', () => {
  let server: RunningServer;
  let browser: Browser;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = tempDir('paperboy-journey-e2e-');
    const file = path.join(dataDir, 'paperboy.db');
    const store = openSqlite(file);
    await migrateToLatest(store);
    await seed(store);
    await store.close();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer(
      loadConfig({
        PAPERBOY_DATA_DIR: dataDir,
        DATABASE_URL: `sqlite:${file}`,
        PORT: String(port),
        PUBLIC_URL: base,
        PAPERBOY_DEMO: 'false',
        PAPERBOY_LOG: 'silent',
        PAPERBOY_SCHEDULER: 'off',
        PAPERBOY_FEED_SOURCES: 'none',
      }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signUp(username: string): Promise<Page> {
    const page = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${base}/signup`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="email"]', `${username}@example.org`);
    await page.fill('input[name="password"]', 'a long enough passphrase 42');
    await Promise.all([page.waitForURL(`${base}/`), page.click('main form button[type="submit"]')]);
    await expect.poll(() => text(page.locator('.user-menu .username'))).toBe(username);
    return page;
  }

  it('works end to end', async () => {
    const page = await signUp('reader');

    // Cold start: nothing known yet, so For you shows the period's popular papers and offers the three ways in.
    await page.goto(`${base}${FOR_YOU}`);
    expect(await text(page.locator('.cold-start summary'))).toBe('Get started: tell For you what you read');
    expect(await text(page.locator('.count-line'))).toBe(`Popular papers: ${PAPERS.length} of ${PAPERS.length}`);
    expect(await page.locator('.for-you-item .reason').allTextContents()).toEqual(
      Array.from({ length: PAPERS.length }, () => 'Why: Popular in this period.'),
    );

    // Pick a category: For you becomes personal and says why its papers are there.
    await page.check('.category-picker input[value="cs.CL"]');
    await Promise.all([page.waitForURL(`${base}${FOR_YOU}`), page.click('.category-picker button[type="submit"]')]);
    expect(await text(page.locator('.cold-start summary'))).toBe('Tune For you');
    expect(await text(page.locator('.count-line'))).toMatch(/^Your top \d+ of \d+ papers$/);
    expect(await text(forYouItem(page, '2501.06006').locator('.reason'))).toBe('Why: In cs.CL, which you follow.');
    expect(await page.locator('.category-picker input[value="cs.CL"]').isChecked()).toBe(true);

    // Name a paper they wrote: it leaves the list and its neighbour is recommended for being close to it.
    await page.click('.cold-start summary');
    await page.fill('#authored-ids', '2501.06003');
    await Promise.all([page.waitForURL(/added=1/), page.click('form.authored-ids button[type="submit"]')]);
    expect(await text(page.locator('.cold-start .notice.success'))).toBe('Added 1 paper as yours.');
    expect(await page.locator('.authored-list li').allTextContents()).toEqual([expect.stringContaining(PAPERS[2].title)]);
    expect(await forYouItem(page, '2501.06003').count()).toBe(0);
    expect((await text(forYouItem(page, '2501.06004').locator('.reason'))).toLowerCase()).toContain(
      `close to your paper “${PAPERS[2].title}”`.toLowerCase(),
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'personal-journey-for-you.png'), fullPage: true });

    // Save one paper from its For-you card and another from its paper page.
    await page.goto(`${base}${FOR_YOU}`);
    await Promise.all([
      page.waitForURL(`${base}${FOR_YOU}`),
      forYouItem(page, '2501.06001').locator('form[data-save-form] button').click(),
    ]);
    expect(await forYouItem(page, '2501.06001').count()).toBe(0);
    await page.goto(`${base}/papers/2501.06002`);
    await Promise.all([page.waitForURL(/\/papers\/2501\.06002/), page.click('form[data-save-form] button')]);
    expect(await page.getAttribute('form[data-save-form] button', 'aria-pressed')).toBe('true');

    // Tag them in the library: both under "graphs", one also under "to-read"; the tag filter shows each tag's papers.
    await page.goto(`${base}/library`);
    expect(await page.locator('.library-entry').count()).toBe(2);
    const tagEntry = async (id: string, tags: string) => {
      const entry = page.locator('.library-entry').filter({ has: page.locator(`a[href="/papers/${id}"]`) });
      await entry.locator('.library-edit summary').click();
      await entry.locator('input[name="tags"]').fill(tags);
      await Promise.all([page.waitForURL(`${base}/library`), entry.locator('.library-edit button[type="submit"]').click()]);
    };
    await tagEntry('2501.06001', 'graphs, to-read');
    await tagEntry('2501.06002', 'graphs');
    expect(await page.locator('.library-tags a').allTextContents()).toEqual(['All', 'graphs (2)', 'to-read (1)']);
    await page.click('.library-tags a:has-text("to-read")');
    await page.waitForURL(/\/library\?tag=to-read/);
    expect(await page.locator('.library-entry h2').allTextContents()).toEqual([PAPERS[0].title]);
    await page.click('.library-tags a:has-text("graphs")');
    await page.waitForURL(/\/library\?tag=graphs/);
    expect((await page.locator('.library-entry h2').allTextContents()).sort()).toEqual([PAPERS[0].title, PAPERS[1].title].sort());
    await page.screenshot({ path: path.join(ARTIFACTS, 'personal-journey-library.png'), fullPage: true });

    // Rate a paper "More like this": it leaves the list, and its neighbour's reason now names it.
    await page.goto(`${base}${FOR_YOU}`);
    expect(await forYouItem(page, '2501.06001').count()).toBe(0);
    const before = await text(forYouItem(page, '2501.06006').locator('.reason'));
    expect(before).not.toContain('which you rated more like this');
    await Promise.all([
      page.waitForURL(`${base}${FOR_YOU}`),
      forYouItem(page, '2501.06005').locator('.rating-form button:has-text("More like this")').click(),
    ]);
    expect(await forYouItem(page, '2501.06005').count()).toBe(0);
    const after = await text(forYouItem(page, '2501.06006').locator('.reason'));
    expect(after.toLowerCase()).toContain(`close to “${PAPERS[4].title}”, which you rated more like this`.toLowerCase());
    expect(after).not.toBe(before);

    // Export the whole library as BibTeX through the browser's download.
    await page.goto(`${base}/library`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/library/export.bib"]')]);
    expect(download.suggestedFilename()).toBe('paperboy-library.bib');
    const bibFile = path.join(dataDir, download.suggestedFilename());
    await download.saveAs(bibFile);
    const bibtex = fs.readFileSync(bibFile, 'utf8');
    expect(bibtex).toContain('2501.06001');
    expect(bibtex).toContain('2501.06002');
    expect(bibtex).not.toContain('2501.06005');
    expect(bibtex.match(/^@\w+\{/gm)).toHaveLength(2);

    // A second reader imports the file through the library's import form and finds both papers in their library.
    const second = await signUp('colleague');
    await second.goto(`${base}/library`);
    expect(await second.locator('.library-entry').count()).toBe(0);
    await second.click('a[href="/library/import"]');
    await second.setInputFiles('input[name="file"]', bibFile);
    await second.fill('input[name="tag"]', 'from-reader');
    await Promise.all([second.waitForURL(`${base}/library/import`), second.click('form.stacked-form button[type="submit"]')]);
    expect(await text(second.locator('.import-report p'))).toBe('2 imported · 0 already saved · 0 fetched from arXiv · 0 skipped');
    await second.goto(`${base}/library`);
    expect((await second.locator('.library-entry h2').allTextContents()).sort()).toEqual([PAPERS[0].title, PAPERS[1].title].sort());
    expect(await second.locator('.library-tags a').allTextContents()).toEqual(['All', 'from-reader (2)']);
    await second.screenshot({ path: path.join(ARTIFACTS, 'personal-journey-imported.png'), fullPage: true });
  }, 120_000);
});
