import path from 'node:path';
import type { Store } from '../db/database.js';
import { snapshotFileUnit } from '../ingest/arxiv-snapshot.js';
import { dailyFileUnit } from '../ingest/hf-daily.js';
import { runImport, type ImportOptions, type ImportSummary } from '../ingest/import-runner.js';
import { countPapers } from '../papers/papers.repository.js';
import { projectRoot } from '../project-root.js';

export function demoFiles(): { snapshot: string; daily: string } {
  const dir = path.join(projectRoot(), 'demo');
  return { snapshot: path.join(dir, 'arxiv-demo.jsonl.gz'), daily: path.join(dir, 'hf-daily-demo.json.gz') };
}

/** Imports the bundled demo papers when the database holds no paper at all; returns null when it did nothing. */
export async function seedDemoIfEmpty(store: Store, options: ImportOptions = {}): Promise<ImportSummary | null> {
  if ((await countPapers(store.db)) > 0) return null;
  const files = demoFiles();
  // The snapshot first, so the feed import adds code links and counts to papers that already have categories.
  return runImport(store, [snapshotFileUnit(files.snapshot), dailyFileUnit(files.daily)], options);
}
