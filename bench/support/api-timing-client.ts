// Times search requests against a running `paperboy serve`, one at a time over a kept-alive connection, from a
// process of its own (bench/search-api.ts starts it): the benchmark's own process holds every index it measured in
// process, gigabytes at a million papers, and its garbage collection could land in the client's timings. Reads the
// job (JSON) from stdin and prints the samples (JSON) on stdout.
import { text } from 'node:stream/consumers';
import { timedGet } from './timed-request.js';

export interface ApiTimingJob {
  readonly url: string;
  readonly kinds: readonly (readonly [string, readonly string[]])[];
  readonly modes: readonly string[];
}

export interface ApiTimingSamples {
  /** Kind of query → mode → ms per request of GET /api/papers/search. */
  readonly api: Record<string, Record<string, number[]>>;
  /** Kind of query → ms per /search page for a query asked for the first time. */
  readonly uncachedPage: Record<string, number[]>;
}

const job = JSON.parse(await text(process.stdin)) as ApiTimingJob;
const log = (line: string) => process.stderr.write(`${line}\n`);
const samples: ApiTimingSamples = { api: {}, uncachedPage: {} };
for (const [name, queries] of job.kinds) {
  samples.api[name] = {};
  for (const mode of job.modes) {
    const urlOf = (q: string) => `${job.url}/api/papers/search?mode=${mode}&limit=20&q=${encodeURIComponent(q)}`;
    for (const q of queries.slice(0, 10)) await timedGet(urlOf(q), true); // warm-up
    const times: number[] = [];
    for (const q of queries) times.push((await timedGet(urlOf(q), true)).ms);
    samples.api[name][mode] = times;
    log(`  API ${name} ${mode}: ${times.length} requests`);
  }
  // A page for a query nobody asked before: a suffix the tokenizer drops keeps the ranking and defeats the cache.
  const times: number[] = [];
  for (const [i, q] of queries.entries())
    times.push((await timedGet(`${job.url}/search?q=${encodeURIComponent(`${q} ${'.'.repeat(i + 1)}`)}`, false)).ms);
  samples.uncachedPage[name] = times;
}
process.stdout.write(JSON.stringify(samples));
