// Rebuilds the bundled demo data from the shared research-paper dumps:
//   node scripts/make-demo-data.mjs ../shared/data
// demo/hf-daily-demo.json.gz : the last 60 days of the daily-papers feed (one JSON array)
// demo/arxiv-demo.jsonl.gz   : arXiv snapshot records announced from 2026-06-15, plus every featured paper
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';

const source = process.argv[2] ?? '../shared/data';
const FEED_DAYS = 60;
const SNAPSHOT_FROM = '2026-06-15';

const dailyDir = path.join(source, 'hf-daily-papers');
const dailyFiles = fs
  .readdirSync(dailyDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .slice(-FEED_DAYS);
const entries = dailyFiles.flatMap((f) => JSON.parse(fs.readFileSync(path.join(dailyDir, f), 'utf8')));
const featured = new Set(entries.map((e) => e.paper.id));
fs.mkdirSync('demo', { recursive: true });
fs.writeFileSync('demo/hf-daily-demo.json.gz', zlib.gzipSync(JSON.stringify(entries), { level: 9 }));

const snapshotDir = path.join(source, 'arxiv-snapshot');
const kept = [];
for (const file of fs
  .readdirSync(snapshotDir)
  .filter((f) => f.endsWith('.jsonl.gz'))
  .sort()) {
  const lines = readline.createInterface({ input: fs.createReadStream(path.join(snapshotDir, file)).pipe(zlib.createGunzip()) });
  for await (const line of lines) {
    const record = JSON.parse(line);
    if (record.update_date >= SNAPSHOT_FROM || featured.has(record.id)) kept.push(line);
  }
}
fs.writeFileSync('demo/arxiv-demo.jsonl.gz', zlib.gzipSync(kept.join('\n') + '\n', { level: 9 }));
console.log(JSON.stringify({ feedDays: dailyFiles.length, feedEntries: entries.length, snapshotRecords: kept.length }));
