import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { countPapers } from '../../src/papers/papers.repository.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { tempDir } from '../helpers/stores.js';

describe('first start on an empty data directory', () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    server = await startServer(
      loadConfig({ PAPERBOY_DATA_DIR: dataDir, PORT: '0', PAPERBOY_LOG: 'silent', PAPERBOY_FEED_SOURCES: 'none' }),
      silentLogger,
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the SQLite database in WAL mode inside the data directory', () => {
    expect(fs.existsSync(`${dataDir}/paperboy.db`)).toBe(true);
    expect(fs.existsSync(`${dataDir}/paperboy.db-wal`)).toBe(true);
  });

  it('imports the bundled demo papers', async () => {
    expect(await countPapers(server.store.db)).toBeGreaterThan(4000);
  });

  it('answers /healthz and serves a daily feed of real papers over HTTP', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    // The demo's most recent feed day, with one of its real papers, its authors, upvotes and code link.
    expect(html).toContain('EnvHarness: Awakening Static Worlds for Agent Learning');
    expect(html).toContain('Chengsong Huang');
    expect(html).toContain('https://github.com/google-research/envharness');
    expect(html).toMatch(/2026-08-21|Aug 21, 2026/);
  });

  it('saves the nearest-neighbour index on close and does not import the demo again on the next start', async () => {
    const before = await countPapers(server.store.db);
    await server.close();
    const saved = fs.readdirSync(`${dataDir}/search`).filter((name) => name.endsWith('.usearch'));
    expect(saved).toHaveLength(1);
    server = await startServer(
      loadConfig({ PAPERBOY_DATA_DIR: dataDir, PORT: '0', PAPERBOY_LOG: 'silent', PAPERBOY_FEED_SOURCES: 'none' }),
      silentLogger,
    );
    expect(await countPapers(server.store.db)).toBe(before);
  }, 120_000);
});
