import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** A line longer than the reader's limit: counted, never held in memory whole. */
export interface OverlongLine {
  readonly overlongBytes: number;
}

export interface LineFile<Line = string> {
  readonly totalBytes: number;
  bytesRead(): number;
  lines(): AsyncIterable<Line>;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function decodeLine(parts: readonly Buffer[]): string {
  const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

/**
 * Splits a byte stream into lines of at most `maxLineBytes`. Longer lines are dropped while they stream past (so
 * memory stays bounded by the limit, whatever the input) and reported by their length.
 */
export async function* boundedLines(input: Readable, maxLineBytes: number): AsyncGenerator<string | OverlongLine> {
  let parts: Buffer[] = [];
  let pending = 0;
  let overlong = false;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      pending += piece.length;
      if (!overlong && pending > maxLineBytes) {
        overlong = true;
        parts = [];
      }
      if (!overlong && piece.length > 0) parts.push(piece);
      if (newline === -1) break;
      yield overlong ? { overlongBytes: pending } : decodeLine(parts);
      parts = [];
      pending = 0;
      overlong = false;
      start = newline + 1;
    }
  }
  if (overlong) yield { overlongBytes: pending };
  else if (pending > 0) yield decodeLine(parts);
}

function openByteStream(file: string): { totalBytes: number; bytesRead: () => number; open: () => Readable } {
  const totalBytes = fs.statSync(file).size;
  let consumed = 0;
  return {
    totalBytes,
    bytesRead: () => consumed,
    open: () => {
      const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
      raw.on('data', (chunk) => {
        consumed += chunk.length;
      });
      const bytes = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
      raw.on('error', (error) => bytes.destroy(error));
      return bytes;
    },
  };
}

/** Streams the lines of a plain or gzip-compressed file without loading it whole. */
export function openLineFile(file: string): LineFile {
  const { totalBytes, bytesRead, open } = openByteStream(file);
  return { totalBytes, bytesRead, lines: () => readline.createInterface({ input: open(), crlfDelay: Infinity }) };
}

/** Like openLineFile, for untrusted input: a line over `maxLineBytes` comes as an OverlongLine, memory stays bounded. */
export function openBoundedLineFile(file: string, maxLineBytes: number): LineFile<string | OverlongLine> {
  const { totalBytes, bytesRead, open } = openByteStream(file);
  return { totalBytes, bytesRead, lines: () => boundedLines(open(), maxLineBytes) };
}
