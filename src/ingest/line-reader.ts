import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';

export interface LineFile {
  readonly totalBytes: number;
  bytesRead(): number;
  lines(): AsyncIterable<string>;
}

/** Streams the lines of a plain or gzip-compressed file without loading it whole. */
export function openLineFile(file: string): LineFile {
  const totalBytes = fs.statSync(file).size;
  let consumed = 0;
  return {
    totalBytes,
    bytesRead: () => consumed,
    lines: () => {
      const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
      raw.on('data', (chunk) => {
        consumed += chunk.length;
      });
      const text = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
      raw.on('error', (error) => text.destroy(error));
      return readline.createInterface({ input: text, crlfDelay: Infinity });
    },
  };
}
