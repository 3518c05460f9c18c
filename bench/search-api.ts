// The user's view of search for bench/search.ts: `paperboy serve` started as users start it, on the database and
// data directory the benchmark built (so it loads the saved keyword and vector indexes), and the same queries timed
// through GET /api/papers/search and through uncached /search pages, one request at a time over a kept-alive
// connection, by a client in a process of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { ApiTimingJob, ApiTimingSamples } from './support/api-timing-client.js';
import { highWaterMarkMiB, spawnPaperboy } from './support/cli-command.js';
import { timedGet } from './support/timed-request.js';

const CLIENT = path.resolve(import.meta.dirname, 'support', 'api-timing-client.ts');

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

/** Runs the timing client (support/api-timing-client.ts) in a process of its own and returns its samples. */
function timeInOwnProcess(job: ApiTimingJob): Promise<ApiTimingSamples> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin!.end(JSON.stringify(job));
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as ApiTimingSamples) : reject(new Error(`the timing client exited with code ${code}`)),
    );
  });
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
    for (const deadline = Date.now() + READY_TIMEOUT_MS; (await timedGet(probe, true)).mode !== 'hybrid';) {
      if (Date.now() > deadline) throw new Error('hybrid search did not become available');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const readySeconds = Math.round((performance.now() - started) / 100) / 10;
    log(`  paperboy serve ready in ${readySeconds} s`);
    const samples = await timeInOwnProcess({ url: server.url, kinds, modes: ['lexical', 'hybrid'] });
    const api: Record<string, Record<string, LatencyStats>> = {};
    const uncachedPage: Record<string, LatencyStats> = {};
    for (const [name] of kinds) {
      api[name] = {};
      for (const [mode, times] of Object.entries(samples.api[name]!)) {
        api[name][mode] = stats(times);
        log(`  API ${name} ${mode}: ${JSON.stringify(api[name][mode])}`);
      }
      uncachedPage[name] = stats(samples.uncachedPage[name]!);
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
