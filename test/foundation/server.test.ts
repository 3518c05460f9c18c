import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openSqlite } from '../../src/db/database.js';
import { silentLogger } from '../../src/logger.js';
import { countPapers } from '../../src/papers/papers.repository.js';
import { activeModelId } from '../../src/search/search-models.repository.js';
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

  it('closes without waiting for the model training under way, saves what was built, and does not import the demo again', async () => {
    const before = await countPapers(server.store.db);
    const checkpoint = `${dataDir}/search/builtin-training.checkpoint`;
    const trained = async () => (await activeModelId(server.store.db, 'builtin')) !== null;
    // Training on the demo papers takes minutes on a busy machine: close once it has checkpointed its first stage.
    while (!fs.existsSync(checkpoint) && !(await trained())) await delay(200);
    await server.close();
    const saved = fs.readdirSync(`${dataDir}/search`).filter((name) => name.endsWith('.usearch'));
    const reopened = openSqlite(`${dataDir}/paperboy.db`);
    const finished = (await activeModelId(reopened.db, 'builtin')) !== null;
    await reopened.close();
    if (finished) {
      // The training ended before the close: its index was built and is saved.
      expect(saved).toHaveLength(1);
    } else {
      // Stopped mid-way: nothing half-built is saved, and the checkpoint stays for the next start to resume from.
      expect(saved).toHaveLength(0);
      expect(fs.existsSync(checkpoint)).toBe(true);
    }
    server = await startServer(
      loadConfig({ PAPERBOY_DATA_DIR: dataDir, PORT: '0', PAPERBOY_LOG: 'silent', PAPERBOY_FEED_SOURCES: 'none' }),
      silentLogger,
    );
    expect(await countPapers(server.store.db)).toBe(before);
  }, 120_000);
});
