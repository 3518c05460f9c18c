import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { openSqlite, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { projectRoot } from '../../src/project-root.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { seedFeed } from '../digests/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../digests/smtp-sink.js';
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

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

run('For-you digest in a real browser: follow an author, see it on For you, choose the For-you digest, receive it', () => {
  let sink: SmtpSink;
  let server: RunningServer;
  let browser: Browser;
  let store: Store;
  let dataDir: string;
  let env: Record<string, string>;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    sink = await startSmtpSink();
    dataDir = tempDir('paperboy-foryou-e2e-');
    const file = path.join(dataDir, 'paperboy.db');
    store = openSqlite(file);
    await migrateToLatest(store);
    await seedFeed(store, [
      { id: '2501.05001', day: DAY, upvotes: 33, title: 'Robots that read papers' },
      { id: '2501.05002', day: DAY, upvotes: 21, title: 'Papers that read robots' },
    ]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PAPERBOY_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${file}`,
      PORT: String(port),
      PUBLIC_URL: base,
      SMTP_URL: sink.url,
      PAPERBOY_DEMO: 'false',
      PAPERBOY_LOG: 'silent',
      PAPERBOY_SCHEDULER: 'off',
    };
    server = await startServer(loadConfig(env));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    await sink?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('works end to end', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/signup`);
    await page.fill('input[name="username"]', 'reader');
    await page.fill('input[name="email"]', 'reader@example.org');
    await page.fill('input[name="password"]', 'a long enough passphrase 42');
    await Promise.all([page.waitForURL(`${base}/`), page.click('main form button[type="submit"]')]);

    // Follow an author from a paper page; For you then ranks the author's papers first and says why.
    await page.goto(`${base}/papers/2501.05002`);
    await Promise.all([page.waitForURL(/\/papers\/2501\.05002/), page.locator('form.follow-form button').first().click()]);
    await page.goto(`${base}/for-you?date=${DAY}`);
    await page.waitForSelector('text=an author you follow');
    await page.screenshot({ path: path.join(ARTIFACTS, 'foryou-digest-for-you.png'), fullPage: true });

    // Subscribe with the account's own address, confirm from the mail, then choose the For-you digest.
    await page.goto(`${base}/`);
    await page.fill('#subscribe-email', 'reader@example.org');
    await page.selectOption('#subscribe-frequency', 'daily');
    await page.click('.subscribe-form button[type=submit]');
    await page.waitForSelector('text=Check your inbox');
    await server.settled();
    const confirmation = await simpleParser(sink.received.find((m) => m.to.includes('reader@example.org'))!.raw);
    const confirmUrl = /(http:\/\/127\.0\.0\.1:\d+\/confirm\/[\w-]+)/.exec(confirmation.text ?? '')![1]!;
    await page.goto(confirmUrl);
    await page.click('button:has-text("Confirm subscription")');
    await page.waitForSelector('text=You are subscribed');
    await page.goto(`${base}/settings/subscription`);
    await page.selectOption('#sub-kinds', 'foryou');
    await Promise.all([page.waitForURL(/notice=saved/), page.click('form.subscription-form button[type="submit"]')]);
    expect(await page.inputValue('#sub-kinds')).toBe('foryou');
    await page.screenshot({ path: path.join(ARTIFACTS, 'foryou-digest-settings.png'), fullPage: true });

    // The app's own CLI plans and sends the day's digests through the real SMTP server.
    const io = { out: () => undefined, err: (t: string) => console.error(t) };
    expect(await runCli(['digest', 'send', '--date', DAY], io, env)).toBe(0);
    const digests = sink.received.filter((m) => m.to.includes('reader@example.org')).slice(1);
    expect(digests).toHaveLength(1);
    const digest = await simpleParser(digests[0]!.raw);
    expect(digest.subject).toMatch(/^Daily papers for you/);
    expect(digest.text).toContain('New papers by authors you follow');
    expect(digest.text).toMatch(/Why: By [^\n]+, (an author|authors) you follow\./);
    expect(digest.text).toContain(`${base}/for-you?date=${DAY}`);

    const mailPage = await (await browser.newContext()).newPage();
    await mailPage.setContent(digest.html || '');
    await mailPage.waitForSelector('text=New papers by authors you follow');
    await mailPage.screenshot({ path: path.join(ARTIFACTS, 'foryou-digest-mail.png'), fullPage: true });
  });
});
