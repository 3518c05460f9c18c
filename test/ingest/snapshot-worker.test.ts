import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { snapshotFileUnitWith } from '../../src/ingest/arxiv-snapshot.js';
import type { SourceItem } from '../../src/ingest/source.js';
import { snapshotLine } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/stores.js';

async function collect(items: AsyncIterable<SourceItem>, limit = Infinity): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of items) {
    if (out.length >= limit) break;
    out.push(item);
  }
  return out;
}

function snapshotFile(dir: string, name: string, count: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= count; i++) {
    lines.push(snapshotLine({ id: `2508.${String(i).padStart(5, '0')}`, title: `Paper ${i}` }));
    if (i % 97 === 0) lines.push('{ broken');
    if (i % 101 === 0) lines.push('');
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, zlib.gzipSync(`${lines.join('\n')}\n`));
  return file;
}

describe('parsing snapshot files on a worker thread', () => {
  it('yields exactly the items, positions, skips and progress of parsing on the calling thread', async () => {
    const file = snapshotFile(tempDir(), 'a.jsonl.gz', 1300);
    const inline = snapshotFileUnitWith(file, { parseInWorker: false });
    const worker = snapshotFileUnitWith(file, { parseInWorker: true });
    const expected = await collect(inline.items());
    const actual = await collect(worker.items());
    expect(actual).toEqual(expected);
    expect(actual.filter((item) => item.kind === 'skip')).toHaveLength(13);
    expect(actual.at(-1)?.position).toBe(1313);
    expect(worker.bytesRead()).toBe(fs.statSync(file).size);
  });

  it('can stop early and parse the next file, and reports an unreadable file as an error', async () => {
    const dir = tempDir();
    const first = snapshotFile(dir, 'first.jsonl.gz', 2000);
    const second = snapshotFile(dir, 'second.jsonl.gz', 300);
    const partial = await collect(snapshotFileUnitWith(first, { parseInWorker: true }).items(), 10);
    expect(partial.map((item) => item.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const all = await collect(snapshotFileUnitWith(second, { parseInWorker: true }).items());
    expect(all).toHaveLength(303);

    const corrupt = path.join(dir, 'corrupt.jsonl.gz');
    fs.writeFileSync(corrupt, Buffer.concat([zlib.gzipSync(snapshotLine()).subarray(0, 20), Buffer.from('not gzip at all')]));
    await expect(collect(snapshotFileUnitWith(corrupt, { parseInWorker: true }).items())).rejects.toThrow();
    // The failed worker is discarded; the next file gets a working one.
    expect(await collect(snapshotFileUnitWith(second, { parseInWorker: true }).items())).toHaveLength(303);
  });
});
