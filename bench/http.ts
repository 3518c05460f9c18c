// npm run bench:http [-- --data ../shared/data] [--duration 15] [--connections 50]
// Starts the server (in a child process, so the load generator does not share its event loop) on a fresh SQLite
// database of the Hugging Face daily papers, then drives each route with autocannon. Prints one JSON object:
// requests/s, p50/p99 latency and errors per route, and each route's throughput as a ratio of /healthz measured
// in the same run. A second group drives one feed as clients do: without compression (the baseline of that group),
// gzip, brotli, and a revalidation with the ETag it was given (304); each as a ratio of the uncompressed feed.
// With --proxy --database postgres://…: two instances on that database behind nginx against one instance direct
// (bench/http-proxy.ts).
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { projectRoot } from '../src/project-root.js';
import { runProxyBench } from './http-proxy.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(projectRoot(), '../shared/data') },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '50' },
    query: { type: 'string', default: 'diffusion models' },
    feed: { type: 'string', default: '/feeds/trending.atom' },
    proxy: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});

const dailyDir = path.join(values.data!, 'hf-daily-papers');
if (!fs.existsSync(dailyDir)) {
  console.error(`No HF daily papers at ${dailyDir}; pass --data <dir containing hf-daily-papers>.`);
  process.exit(2);
}
const duration = Number(values.duration);
const connections = Number(values.connections);
if (!Number.isInteger(duration) || duration < 1 || !Number.isInteger(connections) || connections < 1) {
  console.error('--duration and --connections must be positive integers');
  process.exit(2);
}

if (values.proxy) {
  if (!values.database?.startsWith('postgres')) {
    console.error('--proxy needs --database postgres://user:pass@host:5432/db (two instances share it).');
    process.exit(2);
  }
  await runProxyBench({ databaseUrl: values.database, dailyDir, duration, connections, query: values.query! });
  process.exit(0);
}

interface Ready {
  url: string;
  paperId: string;
  papers: number;
  importSeconds: number;
  readySeconds: number;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-http-'));
const child = fork(path.join(projectRoot(), 'bench/http-server.ts'), [dailyDir, dataDir], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});

try {
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Ready));
    child.once('exit', (code) => reject(new Error(`bench server exited with code ${code}`)));
  });

  let client = 0;
  let unique = 0;
  /**
   * With `uncached`, every request gets a distinct URL (an ignored parameter), so no cached page can answer it.
   * `headers` are sent with every request; `label` names the case in the output.
   */
  async function measure(route: string, seconds: number, uncached = false, headers: Record<string, string> = {}, label?: string) {
    const result = await autocannon({
      url: `${ready.url}${route}`,
      connections,
      duration: seconds,
      requests: [
        {
          // 2,000 distinct client addresses, so per-client rate limits apply as they would to public traffic.
          setupRequest: (request) => ({
            ...request,
            path: uncached ? `${route}&uncached=${(unique += 1)}` : request.path,
            headers: { ...request.headers, ...headers, 'x-forwarded-for': `10.0.${(client = (client + 1) % 2000) >> 8}.${client & 255}` },
          }),
        },
      ],
    });
    return {
      route: label ?? (uncached ? `${route} (uncached)` : route),
      bytesPerResponse: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
      requestsPerSecond: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      statuses: { '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    };
  }

  // Warm-up: fills caches and JIT, not reported.
  for (const route of ['/', `/papers/${ready.paperId}`, `/search?q=${encodeURIComponent(values.query!)}`, '/api/daily_papers'])
    await measure(route, 2);
  const baseline = await measure('/healthz', Math.min(duration, 5));
  const routes = [];
  const search = `/search?q=${encodeURIComponent(values.query!)}`;
  for (const [route, uncached] of [
    ['/', false],
    [`/papers/${ready.paperId}`, false],
    [search, false],
    [search, true],
    ['/api/daily_papers', false],
  ] as const) {
    const r = await measure(route, duration, uncached);
    routes.push({ ...r, ratioToHealthz: Math.round((r.requestsPerSecond / Math.max(1, baseline.requestsPerSecond)) * 1000) / 1000 });
  }

  // The feed as clients fetch it. The revalidation sends the validator the server gave a brotli-accepting client;
  // a server without validators answers it in full.
  const feed = values.feed!;
  const brotli = { 'accept-encoding': 'br' };
  const given = await fetch(`${ready.url}${feed}`, { headers: brotli });
  await given.arrayBuffer();
  const etag = given.headers.get('etag');
  const identity = await measure(feed, duration, false, {}, `${feed} (identity)`);
  const feedCases = [{ ...identity, ratioToIdentity: 1 }];
  for (const [label, headers] of [
    [`${feed} (gzip)`, { 'accept-encoding': 'gzip' }],
    [`${feed} (br)`, brotli],
    [`${feed} (If-None-Match, br)`, { ...brotli, 'if-none-match': etag ?? '"none"' }],
  ] as const) {
    const r = await measure(feed, duration, false, headers, label);
    feedCases.push({ ...r, ratioToIdentity: Math.round((r.requestsPerSecond / Math.max(1, identity.requestsPerSecond)) * 1000) / 1000 });
  }
  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, node: process.version },
        dataset: {
          papers: ready.papers,
          importSeconds: Math.round(ready.importSeconds * 10) / 10,
          readySeconds: Math.round(ready.readySeconds * 10) / 10,
        },
        settings: { connections, durationSeconds: duration },
        baseline,
        routes,
        feed: { etag, cases: feedCases },
      },
      null,
      2,
    ),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
