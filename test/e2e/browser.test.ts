import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openSqlite } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { projectRoot } from '../../src/project-root.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { startFakeArxiv } from '../helpers/fake-arxiv.js';
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
if (!available) console.warn(`\n!!! Chromium not found at ${CHROMIUM}: SKIPPING the end-to-end browser tests.\n`);

const run = available ? describe : describe.skip;

/** The trimmed text of the first matching element (waits for it to exist). */
async function text(locator: Locator): Promise<string> {
  return ((await locator.first().textContent()) ?? '').trim();
}

run('in a real browser', () => {
  let server: RunningServer;
  let arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;
  let browser: Browser;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = tempDir('paperboy-e2e-');
    arxiv = await startFakeArxiv([
      {
        id: '2501.08888',
        title: 'Browser-Submitted Paper on Retrieval',
        abstract: 'A paper submitted through the browser and fetched from a local arXiv API.',
        authors: ['Katherine Johnson'],
        categories: ['cs.IR'],
        published: '2025-01-07T09:00:00Z',
      },
    ]);
    const file = path.join(dataDir, 'paperboy.db');
    const seedStore = openSqlite(file);
    await migrateToLatest(seedStore);
    await seedCommunity(seedStore);
    await seedStore.close();
    const config = loadConfig({
      PAPERBOY_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${file}`,
      PORT: '0',
      PAPERBOY_DEMO: 'false',
      PAPERBOY_LOG: 'silent',
      PAPERBOY_FEED_SOURCES: 'none',
      PAPERBOY_ARXIV_API_URL: arxiv.url,
    });
    server = await startServer(config);
    base = server.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await arxiv?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function newPage(options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<Page> {
    const context = await browser.newContext({
      colorScheme: options.colorScheme ?? 'light',
      viewport: { width: options.width ?? 1200, height: 900 },
    });
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
    await page.fill('input[name="password"]', 'a long enough passphrase 42');
    await Promise.all([page.waitForURL(`${base}/`), page.click('main form button[type="submit"]')]);
    await expect.poll(() => text(page.locator('.user-menu .username'))).toBe(username);
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

  it('signs up, logs out and logs in again', async () => {
    const page = await newPage();
    await signUp(page, 'eve');
    await Promise.all([page.waitForURL(`${base}/`), page.click('.user-menu form[action="/logout"] button')]);
    await expect.poll(() => text(page.locator('.user-menu'))).toContain('Log in');
    await page.goto(`${base}/login`);
    await page.fill('input[name="login"]', 'eve');
    await page.fill('input[name="password"]', 'a long enough passphrase 42');
    await Promise.all([page.waitForURL(`${base}/`), page.click('main form button[type="submit"]')]);
    await expect.poll(() => text(page.locator('.user-menu .username'))).toBe('eve');
    await page.context().close();
  });

  it('upvotes from the feed and sees the count change, with and without reloading', async () => {
    const page = await newPage();
    await signUp(page, 'frank');
    await page.goto(`${base}/papers/date/2025-01-06`);
    const form = page.locator('form[data-paper-id="2501.00001"]');
    await expect.poll(() => text(form.locator('[data-vote-count]'))).toBe('5');
    await form.locator('button').click();
    await expect.poll(() => text(form.locator('[data-vote-count]'))).toBe('6');
    await expect.poll(() => form.locator('button').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await expect.poll(() => text(page.locator('form[data-paper-id="2501.00001"] [data-vote-count]'))).toBe('6');
    await page.locator('form[data-paper-id="2501.00001"] button').click();
    await expect.poll(() => text(page.locator('form[data-paper-id="2501.00001"] [data-vote-count]'))).toBe('5');
    await page.screenshot({ path: path.join(ARTIFACTS, 'feed-signed-in.png'), fullPage: true });
    await page.context().close();
  });

  it('comments and replies in a thread', async () => {
    const page = await newPage();
    await signUp(page, 'grace');
    await page.goto(`${base}/papers/2501.00001`);
    await page.fill('#comment-body-new', 'This is **impressive** work.');
    await Promise.all([page.waitForURL(/#comment-\d+$/), page.click('form.comment-form button[type="submit"]')]);
    const comment = page.locator('.comment').filter({ hasText: 'impressive' }).first();
    await expect.poll(() => text(comment.locator('strong'))).toBe('impressive');
    await comment.locator('summary', { hasText: 'Reply' }).click();
    await comment.locator('textarea[name="body"]').first().fill('Replying to myself, with `code`.');
    await Promise.all([page.waitForURL(/#comment-\d+$/), comment.locator('details form button[type="submit"]').first().click()]);
    await expect.poll(() => text(page.locator('.replies .comment code'))).toBe('code');
    await page.screenshot({ path: path.join(ARTIFACTS, 'paper-with-comments.png'), fullPage: true });
    await page.context().close();
  });

  it('submits a paper fetched from the (local) arXiv API', async () => {
    const page = await newPage();
    await signUp(page, 'heidi');
    await page.goto(`${base}/submit`);
    await page.fill('#submit-paper', 'https://arxiv.org/abs/2501.08888');
    await page.click('form.stacked-form button[type="submit"]');
    await expect.poll(() => text(page.locator('.notice.success'))).toContain('Browser-Submitted Paper on Retrieval');
    await page.screenshot({ path: path.join(ARTIFACTS, 'submit.png'), fullPage: true });
    await page.fill('#submit-paper', '2501.08888');
    await page.click('form.stacked-form button[type="submit"]');
    await expect.poll(() => text(page.locator('.notice.error'))).toContain('already on the feed');
    await page.goto(`${base}/u/heidi`);
    await expect.poll(() => text(page.locator('main'))).toContain('Browser-Submitted Paper on Retrieval');
    await page.context().close();
  });

  it('searches with a category filter and highlights matches', async () => {
    const page = await newPage();
    await page.goto(`${base}/search`);
    await page.fill('#search-q', 'diffusion');
    await page.fill('#search-category', 'cs.CV');
    await Promise.all([page.waitForURL(/\/search\?/), page.click('form.search-form button[type="submit"]')]);
    await expect.poll(() => page.locator('.paper-card').count()).toBe(1);
    await expect.poll(() => text(page.locator('.paper-card h2'))).toContain('Sparse Diffusion Transformers');
    await expect.poll(() => text(page.locator('.paper-card mark').first())).toMatch(/diffusion/i);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png'), fullPage: true });
    await page.context().close();
  });

  it('switches the theme and remembers it', async () => {
    const page = await newPage({ colorScheme: 'light' });
    await page.goto(`${base}/`);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.click('[data-theme-toggle]');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    const dark = await background();
    expect(dark).not.toBe(light);
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await background()).toBe(dark);
    await page.screenshot({ path: path.join(ARTIFACTS, 'feed-dark.png'), fullPage: true });
    await page.context().close();
  });

  it('follows the system dark theme without JavaScript', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/papers/2501.00002`);
    expect(await page.evaluate(() => 1)).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'paper-dark-nojs.png'), fullPage: true });
    await context.close();
  });

  it('has no serious accessibility violations on the feed, paper and search pages', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await newPage({ colorScheme: scheme });
      for (const url of ['/', '/papers/date/2025-01-06', '/papers/2501.00001', '/search?q=diffusion', '/trending']) {
        await page.goto(`${base}${url}`);
        const violations = await axeViolations(page);
        expect(violations, `${scheme} ${url}: ${violations.join('\n')}`).toEqual([]);
      }
      await page.context().close();
    }
  });

  it('renders the main pages for screenshots, on desktop and mobile', async () => {
    const desktop = await newPage();
    for (const [name, url] of [
      ['feed', '/papers/date/2025-01-06'],
      ['week', '/papers/week/2025-W02'],
      ['trending', '/trending'],
      ['paper', '/papers/2501.00001'],
    ] as const) {
      await desktop.goto(`${base}${url}`);
      await desktop.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    }
    const mobile = await newPage({ width: 390 });
    await mobile.goto(`${base}/papers/date/2025-01-06`);
    await mobile.screenshot({ path: path.join(ARTIFACTS, 'feed-mobile.png'), fullPage: true });
    await mobile.goto(`${base}/papers/2501.00001`);
    await mobile.screenshot({ path: path.join(ARTIFACTS, 'paper-mobile.png'), fullPage: true });
    expect(fs.existsSync(path.join(ARTIFACTS, 'feed.png'))).toBe(true);
    await desktop.context().close();
    await mobile.context().close();
  });
});
