import fs from 'node:fs';
import path from 'node:path';
import { openLineFile } from '../../src/ingest/line-reader.js';

/**
 * The real arXiv papers synthetic benchmark corpora are drawn from (their words, lengths, authors and categories),
 * and the seeded generator that draws them, so two runs with the same seed and size build the same corpus.
 */

/** A linear congruential generator: numbers in [0, 1). (The corpora of the recorded figures were drawn with it.) */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export interface RealPaper {
  readonly titleWords: string[];
  readonly abstractWords: string[];
  readonly authors: string[];
  readonly categories: string[];
}

/** Up to `max` papers with a title and an abstract from the arXiv snapshot files under `dataDir`. */
export async function loadRealPapers(dataDir: string, max: number): Promise<RealPaper[]> {
  const snapshot = path.join(dataDir, 'arxiv-snapshot');
  const files = fs
    .readdirSync(snapshot)
    .filter((n) => /\.jsonl?(\.gz)?$/.test(n))
    .sort();
  const out: RealPaper[] = [];
  for (const file of files) {
    for await (const line of openLineFile(path.join(snapshot, file)).lines()) {
      if (out.length >= max) return out;
      let record: { title?: string; abstract?: string; authors?: string; categories?: string };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        continue;
      }
      if (!record.title || !record.abstract) continue;
      out.push({
        titleWords: record.title.split(/\s+/).filter(Boolean),
        abstractWords: record.abstract.split(/\s+/).filter(Boolean),
        authors: (record.authors ?? '')
          .split(/,\s*|\s+and\s+/)
          .map((a) => a.trim())
          .filter(Boolean)
          .slice(0, 8),
        categories: (record.categories ?? 'cs.LG').split(/\s+/).filter(Boolean),
      });
    }
  }
  return out;
}
