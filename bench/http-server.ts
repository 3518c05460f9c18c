// Child process of bench/http.ts: imports the HF daily papers into a fresh SQLite file, waits for the search
// indexes, starts the real app on port 0 and reports its URL to the parent over IPC. Stays up until killed.
import path from 'node:path';
import { serve } from '@hono/node-server';
import { loadConfig } from '../src/config.js';
import { dailyFileUnit, listDailyFiles } from '../src/ingest/hf-daily.js';
import { runImport } from '../src/ingest/import-runner.js';
import { silentLogger } from '../src/logger.js';
import { buildDeps, openMigratedStore } from '../src/runtime.js';
import { createApp } from '../src/web/app.js';

const [dailyDir, dataDir] = process.argv.slice(2);
if (!dailyDir || !dataDir || !process.send) throw new Error('usage: (forked by bench/http.ts) http-server.ts <hf-daily dir> <data dir>');

const config = loadConfig({
  PAPERBOY_DATA_DIR: dataDir,
  DATABASE_URL: `sqlite:${path.join(dataDir, 'paperboy.db')}`,
  PORT: '0',
  PAPERBOY_DEMO: 'false',
  PAPERBOY_LOG: 'silent',
  // The driver spreads its requests over many client addresses (X-Forwarded-For), as public traffic would be.
  PAPERBOY_TRUST_PROXY: 'true',
});
const store = await openMigratedStore(config);
const started = performance.now();
const summary = await runImport(
  store,
  listDailyFiles([dailyDir]).map((file) => dailyFileUnit(file)),
);
const importSeconds = (performance.now() - started) / 1000;
const deps = await buildDeps(config, store, silentLogger);
await deps.search.indexPapers([]);
await deps.search.whenReady();
const readySeconds = (performance.now() - started) / 1000;
const top = await store.db.selectFrom('papers').select('id').orderBy('trending_score', 'desc').limit(1).executeTakeFirstOrThrow();
const app = createApp(config, deps);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send!({
    url: `http://127.0.0.1:${info.port}`,
    paperId: top.id,
    papers: summary.inserted + summary.updated,
    importSeconds,
    readySeconds,
  });
});
process.on('SIGTERM', () => {
  server.close();
  void store.close().then(() => process.exit(0));
});
