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

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

run('email digest in a real browser: subscribe, confirm from the mail, unsubscribe from the digest', () => {
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
    dataDir = tempDir('paperboy-digest-e2e-');
    const file = path.join(dataDir, 'paperboy.db');
    store = openSqlite(file);
    await migrateToLatest(store);
    await seedFeed(store, [
      { id: '2501.04001', day: '2025-01-06', upvotes: 33, title: 'Robots that read papers' },
      { id: '2501.04002', day: '2025-01-06', upvotes: 21, title: 'Papers that read robots' },
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
    await page.goto(`${base}/`);
    await page.fill('#subscribe-email', 'reader@example.org');
    await page.selectOption('#subscribe-frequency', 'daily');
    await page.click('.subscribe-form button[type=submit]');
    await page.waitForSelector('text=Check your inbox');
    // The confirmation mail leaves off the response path.
    await server.settled();

    const confirmation = await simpleParser(sink.received.find((m) => m.to.includes('reader@example.org'))!.raw);
    const confirmUrl = /(http:\/\/127\.0\.0\.1:\d+\/confirm\/[\w-]+)/.exec(confirmation.text ?? '')![1]!;
    await page.goto(confirmUrl);
    await page.click('button:has-text("Confirm subscription")');
    await page.waitForSelector('text=You are subscribed');
    await page.screenshot({ path: path.join(ARTIFACTS, 'digest-confirmed.png'), fullPage: true });

    const io = { out: () => undefined, err: (t: string) => console.error(t) };
    expect(await runCli(['digest', 'send', '--date', '2025-01-06'], io, env)).toBe(0);
    const digests = sink.received.filter((m) => m.to.includes('reader@example.org')).slice(1);
    expect(digests).toHaveLength(1);
    const digest = await simpleParser(digests[0]!.raw);
    expect(digest.text).toContain('Robots that read papers');

    // The digest's HTML renders in the browser, then its unsubscribe link leads to a one-button page.
    const mailPage = await (await browser.newContext({ colorScheme: 'dark' })).newPage();
    await mailPage.setContent(digest.html || '');
    await mailPage.screenshot({ path: path.join(ARTIFACTS, 'digest-mail-dark.png'), fullPage: true });
    const unsubscribeUrl = await mailPage.getAttribute('a:has-text("Unsubscribe")', 'href');
    expect(unsubscribeUrl).toMatch(/\/unsubscribe\?token=/);
    await page.goto(unsubscribeUrl!);
    await page.click('button:has-text("Unsubscribe")');
    await page.waitForSelector('text=receives no more digests');
    const row = await store.db
      .selectFrom('subscriptions')
      .select('status')
      .where('email', '=', 'reader@example.org')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('unsubscribed');
  });
});
