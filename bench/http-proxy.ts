// npm run bench:http -- --proxy --database postgres://user:pass@host/db [--data ../shared/data] [--duration 15]
// [--connections 50]. Imports the Hugging Face daily papers into the given PostgreSQL database (idempotent: a
// filled one is reused), builds the search model once, then starts two `paperboy serve` processes on it and
// Debian's nginx in front of them with deploy/nginx.conf. Each route is driven once against one instance directly
// (the baseline) and once through nginx; prints one JSON object with both and the ratio proxy / direct, plus the
// cost of one rate-limit window upsert in the database against the in-memory counter.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { dailyFileUnit, listDailyFiles } from '../src/ingest/hf-daily.js';
import { runImport } from '../src/ingest/import-runner.js';
import { silentLogger } from '../src/logger.js';
import { buildDeps, openMigratedStore } from '../src/runtime.js';
import { DatabaseRateLimits } from '../src/security/database-rate-limits.js';
import { RateLimitStore } from '../src/security/rate-limit-store.js';
import { startNginx, startServe, type NginxProcess, type ServeProcess } from '../test/helpers/cluster.js';

export interface ProxyBenchOptions {
  readonly databaseUrl: string;
  readonly dailyDir: string;
  readonly duration: number;
  readonly connections: number;
  readonly query: string;
}

type Measurement = Awaited<ReturnType<typeof measure>>;

let client = 0;
async function measure(base: string, route: string, seconds: number, connections: number) {
  const result = await autocannon({
    url: `${base}${route}`,
    connections,
    duration: seconds,
    requests: [
      {
        // 2,000 distinct client addresses, as public traffic; nginx appends its own entry, which the app then takes.
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, 'x-forwarded-for': `10.0.${(client = (client + 1) % 2000) >> 8}.${client & 255}` },
        }),
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result['5xx'] + result['4xx'],
    statuses: { '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
  };
}

/** Microseconds per counted request: the database upsert against the in-memory map, sequentially. */
async function rateLimitCost(databaseUrl: string, dataDir: string) {
  const store = await openMigratedStore(loadConfig({ DATABASE_URL: databaseUrl, PAPERBOY_DATA_DIR: dataDir }));
  try {
    const database = new DatabaseRateLimits(store);
    const memory = new RateLimitStore();
    const hits = 2_000;
    const time = async (hit: (i: number) => unknown) => {
      const started = performance.now();
      for (let i = 0; i < hits; i++) await hit(i);
      return ((performance.now() - started) * 1000) / hits;
    };
    await time((i) => database.hit(`bench-warm-${i % 50}`, 1_000_000, 60_000, Date.now()));
    const databaseMicros = await time((i) => database.hit(`bench-${i % 500}`, 1_000_000, 60_000, Date.now()));
    const memoryMicros = await time((i) => memory.hit(`bench-${i % 500}`, 1_000_000, 60_000, Date.now()));
    return {
      databaseMicrosPerHit: Math.round(databaseMicros),
      memoryMicrosPerHit: Math.round(memoryMicros * 100) / 100,
      ratio: Math.round((databaseMicros / Math.max(0.01, memoryMicros)) * 10) / 10,
    };
  } finally {
    await store.close();
  }
}

export async function runProxyBench(options: ProxyBenchOptions): Promise<void> {
  const dirs = Array.from({ length: 3 }, (_, i) => fs.mkdtempSync(path.join(os.tmpdir(), `paperboy-bench-proxy-${i}-`)));
  const instances: ServeProcess[] = [];
  let nginx: NginxProcess | null = null;
  try {
    // Fill the database and build the search model once, as a running deployment has them.
    const config = loadConfig({ DATABASE_URL: options.databaseUrl, PAPERBOY_DATA_DIR: dirs[0]!, PAPERBOY_DEMO: 'false' });
    const store = await openMigratedStore(config);
    const started = performance.now();
    const summary = await runImport(
      store,
      listDailyFiles([options.dailyDir]).map((file) => dailyFileUnit(file)),
    );
    const importSeconds = (performance.now() - started) / 1000;
    const deps = await buildDeps(config, store, silentLogger);
    await deps.search.whenReady();
    await deps.search.flush();
    const top = await store.db.selectFrom('papers').select('id').orderBy('trending_score', 'desc').limit(1).executeTakeFirstOrThrow();
    await store.close();
    const readySeconds = (performance.now() - started) / 1000;

    for (const dir of dirs.slice(1)) {
      instances.push(
        await startServe({
          DATABASE_URL: options.databaseUrl,
          PAPERBOY_DATA_DIR: dir,
          PAPERBOY_SECRET: 'one secret for both instances of the benchmark',
          PAPERBOY_TRUST_PROXY: 'true',
          PAPERBOY_DEMO: 'false',
          PAPERBOY_LOG: 'silent',
          PAPERBOY_SCHEDULER: 'off',
          PAPERBOY_FEED_SOURCES: 'none',
          // Through nginx every request comes from one address (its own entry): no budget may get in the way.
          PAPERBOY_API_RATE_PER_MINUTE: '1000000',
        }),
      );
    }
    nginx = await startNginx(instances.map((instance) => instance.port));
    const direct = instances[0]!.url;

    const search = `/search?q=${encodeURIComponent(options.query)}`;
    const routes = ['/healthz', '/', `/papers/${top.id}`, search, '/api/daily_papers'];
    for (const route of routes) {
      await measure(direct, route, 2, options.connections);
      await measure(nginx.url, route, 2, options.connections);
    }
    const results: { route: string; direct: Measurement; proxy: Measurement; ratio: number }[] = [];
    for (const route of routes) {
      const one = await measure(direct, route, options.duration, options.connections);
      const two = await measure(nginx.url, route, options.duration, options.connections);
      results.push({
        route,
        direct: one,
        proxy: two,
        ratio: Math.round((two.requestsPerSecond / Math.max(1, one.requestsPerSecond)) * 1000) / 1000,
      });
    }
    const upstreams = new Map<string, number>();
    for (const match of nginx.accessLog().matchAll(/ (\S+)$/gm)) upstreams.set(match[1]!, (upstreams.get(match[1]!) ?? 0) + 1);
    console.log(
      JSON.stringify(
        {
          machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) },
          dataset: {
            papers: summary.inserted + summary.updated,
            importSeconds: Math.round(importSeconds),
            readySeconds: Math.round(readySeconds),
          },
          settings: { connections: options.connections, durationSeconds: options.duration },
          baseline: 'one instance, direct',
          routes: results,
          errors: results.reduce((sum, r) => sum + r.direct.errors + r.proxy.errors, 0),
          requestsPerUpstream: Object.fromEntries(upstreams),
          rateLimitWindow: await rateLimitCost(options.databaseUrl, dirs[0]!),
        },
        null,
        2,
      ),
    );
  } finally {
    await nginx?.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
