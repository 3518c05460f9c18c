// The user's view of search for bench/search.ts: `paperboy serve` started as users start it, on the database and
// data directory the benchmark built (so it loads the saved keyword and vector indexes), and the same queries timed
// through GET /api/papers/search and through uncached /search pages, one request at a time over a kept-alive
// connection.
import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { highWaterMarkMiB, spawnPaperboy } from './support/cli-command.js';

export interface LatencyStats {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
}

export interface ApiLatency {
  /** Kind of query → mode → latency through GET /api/papers/search. */
  readonly api: Record<string, Record<string, LatencyStats>>;
  /** Kind of query → latency of a /search page for a query asked for the first time (the page cache cannot answer). */
  readonly uncachedPage: Record<string, LatencyStats>;
  /** From starting `paperboy serve` until its keyword index was in memory and hybrid search answered. */
  readonly readySeconds: number;
  /** The server's peak resident set, read when the queries are done (null where /proc is not available). */
  readonly serverPeakRssMiB: number | null;
}

const READY_TIMEOUT_MS = 30 * 60_000;

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  readonly keywordIndexReady: Promise<void>;
}

/** Starts `paperboy serve` and resolves once it listens, with a promise for its keyword index being in memory. */
function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawnPaperboy(['serve'], env, ['ignore', 'pipe', 'inherit']);
  let keywordIndexLoaded!: () => void;
  const keywordIndexReady = new Promise<void>((resolve) => (keywordIndexLoaded = resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`paperboy serve exited (code ${code}) before it was ready`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: string; url?: string };
      try {
        entry = JSON.parse(line) as { msg?: string; url?: string };
      } catch {
        return;
      }
      if (entry.msg === 'listening' && entry.url) resolve({ url: entry.url, child, keywordIndexReady });
      if (entry.msg === 'keyword index loaded into memory') keywordIndexLoaded();
    });
  });
}

async function timed(url: string, expectJson: boolean): Promise<{ ms: number; mode: string | null }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 200)}`);
  if (expectJson) JSON.parse(body);
  return { ms, mode: response.headers.get('x-search-mode') };
}

export async function measureThroughApi(options: {
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly kinds: readonly (readonly [string, readonly string[]])[];
  readonly stats: (samples: number[]) => LatencyStats;
  readonly log: (line: string) => void;
}): Promise<ApiLatency> {
  const { kinds, stats, log } = options;
  const started = performance.now();
  const server = await startServer({
    DATABASE_URL: options.databaseUrl,
    PAPERBOY_DATA_DIR: options.dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_SCHEDULER: 'off',
    PAPERBOY_LOG: 'info',
    // One client asks every query: the per-client limits of a public instance would turn it away.
    PAPERBOY_API_RATE_PER_MINUTE: '1000000',
  });
  try {
    await server.keywordIndexReady;
    const probe = `${server.url}/api/papers/search?mode=hybrid&limit=20&q=${encodeURIComponent(kinds[0]![1][0]!)}`;
    for (const deadline = Date.now() + READY_TIMEOUT_MS; (await timed(probe, true)).mode !== 'hybrid';) {
      if (Date.now() > deadline) throw new Error('hybrid search did not become available');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const readySeconds = Math.round((performance.now() - started) / 100) / 10;
    log(`  paperboy serve ready in ${readySeconds} s`);
    const api: Record<string, Record<string, LatencyStats>> = {};
    const uncachedPage: Record<string, LatencyStats> = {};
    for (const [name, queries] of kinds) {
      api[name] = {};
      for (const mode of ['lexical', 'hybrid']) {
        const urlOf = (q: string) => `${server.url}/api/papers/search?mode=${mode}&limit=20&q=${encodeURIComponent(q)}`;
        for (const q of queries.slice(0, 10)) await timed(urlOf(q), true); // warm-up
        const samples: number[] = [];
        for (const q of queries) samples.push((await timed(urlOf(q), true)).ms);
        api[name][mode] = stats(samples);
        log(`  API ${name} ${mode}: ${JSON.stringify(api[name][mode])}`);
      }
      // A page for a query nobody asked before: a suffix the tokenizer drops keeps the ranking and defeats the cache.
      const samples: number[] = [];
      for (const [i, q] of queries.entries())
        samples.push((await timed(`${server.url}/search?q=${encodeURIComponent(`${q} ${'.'.repeat(i + 1)}`)}`, false)).ms);
      uncachedPage[name] = stats(samples);
      log(`  uncached /search page ${name}: ${JSON.stringify(uncachedPage[name])}`);
    }
    const serverPeakRssMiB = server.child.pid === undefined ? null : highWaterMarkMiB(server.child.pid);
    log(`  paperboy serve peak RSS ${serverPeakRssMiB ?? '?'} MiB`);
    return { api, uncachedPage, readySeconds, serverPeakRssMiB };
  } finally {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
}
