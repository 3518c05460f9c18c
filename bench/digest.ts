/**
 * `npm run bench:digest [-- --subscribers N]`: plans and sends one daily digest to N confirmed subscribers
 * (default 100,000; four in five plain, one in five with a topic filter) over a real SMTP connection pool to a
 * local sink running in its own process. Prints JSON: planning time, mails per second, peak RSS, and the
 * duplicates and losses the sink counted (both must be 0).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openSqlite } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { periodContaining } from '../src/feed/period.js';
import { upsertFeedEntries } from '../src/feed/feed.repository.js';
import { silentLogger } from '../src/logger.js';
import { upsertPapers } from '../src/papers/papers.repository.js';
import { projectRoot } from '../src/project-root.js';
import { buildDeps } from '../src/runtime.js';
import { recomputeAllTrending } from '../src/trending/trending.repository.js';

const { values } = parseArgs({
  options: { subscribers: { type: 'string', default: '100000' }, connections: { type: 'string', default: '2' } },
});
const SUBSCRIBERS = Number(values.subscribers);
const DAY = '2025-03-03';
const TOPICS = [
  'quantum',
  'robot manipulation',
  'language model',
  'diffusion',
  'graph neural',
  'reinforcement learning',
  'protein',
  'speech',
  'cat:cs.CV',
  'vision transformer',
];
const WORDS = [
  'quantum',
  'robot',
  'manipulation',
  'language',
  'model',
  'diffusion',
  'graph',
  'neural',
  'reinforcement',
  'learning',
  'protein',
  'speech',
  'vision',
  'transformer',
  'efficient',
  'scaling',
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-digest-'));
const file = path.join(dir, 'paperboy.db');

const sink = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'bench/support/smtp-sink.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const received: string[] = [];
const sinkUrl = await new Promise<string>((resolve) => {
  readline.createInterface({ input: sink.stdout! }).on('line', (line) => {
    if (line.startsWith('READY ')) resolve(line.slice(6));
    else received.push(line);
  });
});

const store = openSqlite(file);
await migrateToLatest(store);
const now = '2025-03-03T00:00:00.000Z';
const papers = Array.from({ length: 60 }, (_, i) => {
  const a = WORDS[i % WORDS.length]!;
  const b = WORDS[(i * 7 + 3) % WORDS.length]!;
  return {
    id: `2503.${String(i + 1).padStart(5, '0')}`,
    version: null,
    title: `${a[0]!.toUpperCase()}${a.slice(1)} ${b} at scale, part ${i + 1}`,
    abstract: `We study ${a} and ${b}. ${'Results improve over strong baselines on several benchmarks. '.repeat(4)}`,
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
    categories: [i % 3 === 0 ? 'cs.CV' : 'cs.LG'],
    publishedAt: `${DAY}T00:00:00.000Z`,
    codeRepo: i % 2 === 0 ? { url: `https://github.com/example/repo-${i}`, stars: 10 * i, countedAt: now } : null,
    source: 'bench',
  };
});
await upsertPapers(store.db, papers, now);
await upsertFeedEntries(
  store.db,
  papers.map((p, i) => ({ day: DAY, paperId: p.id, upvotes: 200 - i * 3, comments: 0, source: 'bench' })),
  now,
);
await recomputeAllTrending(store.db);

const BATCH = 2000;
for (let start = 0; start < SUBSCRIBERS; start += BATCH) {
  const rows = [];
  for (let i = start; i < Math.min(SUBSCRIBERS, start + BATCH); i++) {
    rows.push({
      email: `reader${i}@example.org`,
      user_id: null,
      frequency: 'daily' as const,
      topics: i % 5 === 4 ? TOPICS[i % TOPICS.length]! : null,
      max_papers: 5 + (i % 46),
      status: 'confirmed' as const,
      confirm_token_hash: null,
      confirm_sent_at: null,
      created_at: now,
      confirmed_at: now,
      updated_at: now,
    });
  }
  await store.db.insertInto('subscriptions').values(rows).execute();
}

const config = loadConfig({
  DATABASE_URL: `sqlite:${file}`,
  PAPERBOY_DATA_DIR: dir,
  PUBLIC_URL: 'https://paperboy.example.org',
  SMTP_URL: sinkUrl,
  PAPERBOY_SECRET: 'benchmark-secret-benchmark-secret-0123456',
  PAPERBOY_LOG: 'silent',
  PAPERBOY_SCHEDULER: 'off',
  PAPERBOY_DIGEST_RATE: '100000',
  PAPERBOY_DIGEST_CONNECTIONS: values.connections,
});
const deps = await buildDeps(config, store, silentLogger, { now: () => new Date('2025-03-03T22:00:00.000Z') });
await deps.search.whenReady();

const planStarted = performance.now();
const plan = await deps.digests.plan(periodContaining('daily', DAY));
const planningSeconds = (performance.now() - planStarted) / 1000;

const sendStarted = performance.now();
const sent = await deps.digests.send();
const sendSeconds = (performance.now() - sendStarted) / 1000;

// Let the sink report the last acceptances.
const expected = await store.db.selectFrom('digest_outbox').select('message_id').execute();
for (let i = 0; i < 100 && received.length < expected.length; i++) await new Promise((r) => setTimeout(r, 50));
const counts = new Map<string, number>();
for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
const duplicates = [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
const losses = expected.filter((row) => !counts.has(row.message_id)).length;

sink.kill('SIGTERM');
await deps.search.flush();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      subscribers: SUBSCRIBERS,
      topicSubscribers: Math.floor((SUBSCRIBERS + 1) / 5),
      planned: plan.planned,
      emptyDigests: plan.empty,
      planningSeconds: Math.round(planningSeconds * 100) / 100,
      sent: sent.sent,
      failed: sent.failed,
      sendSeconds: Math.round(sendSeconds * 100) / 100,
      mailsPerSecond: Math.round(sent.sent / sendSeconds),
      smtpConnections: Number(values.connections),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      sinkReceived: received.length,
      duplicates,
      losses,
      targets: { planningSeconds: 60, mailsPerSecond: 200 },
    },
    null,
    2,
  ),
);
process.exit(duplicates === 0 && losses === 0 ? 0 : 1);
