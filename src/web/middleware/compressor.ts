import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { ContentCoding } from './content-coding.js';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Bytes a Response can be built from. */
export type Body = Uint8Array<ArrayBuffer>;

/**
 * Brotli quality 4 compresses our pages and feeds smaller than gzip -6 in less time; 5 and above cost two to
 * three times as much CPU for a few per cent (measured on the trending feed, a front page and the daily API).
 */
export const BROTLI_QUALITY = 4;
export const GZIP_LEVEL = 6;

/** Compresses on the libuv thread pool, so a large body does not hold up other requests. */
export async function compressBody(body: Uint8Array, coding: ContentCoding): Promise<Body> {
  // zlib's output Buffers own plain (never shared) ArrayBuffers.
  if (coding === 'gzip') return (await gzip(body, { level: GZIP_LEVEL })) as Body;
  return (await brotli(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  })) as Body;
}

/** Tags remembered as asked for once; the record starts over when it reaches this many. */
const SEEN_ONCE_LIMIT = 4_096;

/**
 * Compressed bodies of shared representations by entity tag, so a popular feed or API answer is compressed once
 * per change rather than once per request. The key is the tag of the content, never of a visitor, so entries
 * cannot cross between clients; least recently used entries go first once `maxBytes` is reached. A body is kept
 * from the second time its tag is asked for: most search answers are asked for once, and keeping each of them would
 * push out the feeds and pages that are asked for again and again.
 */
export class CompressedBodies {
  private readonly entries = new Map<string, Body>();
  private readonly seenOnce = new Set<string>();
  private bytes = 0;

  constructor(private readonly maxBytes = 8 * 1024 * 1024) {}

  /** The compressed body of `etag` if it is at hand, so the caller need not even read the plain one. */
  peek(etag: string, coding: ContentCoding): Body | null {
    const key = `${coding} ${etag}`;
    const hit = this.entries.get(key);
    if (!hit) return null;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  async compress(etag: string, body: Uint8Array, coding: ContentCoding): Promise<Body> {
    const hit = this.peek(etag, coding);
    if (hit) return hit;
    const key = `${coding} ${etag}`;
    const compressed = await compressBody(body, coding);
    if (compressed.byteLength > this.maxBytes / 4) return compressed;
    if (this.seenOnce.delete(key)) this.remember(key, compressed);
    else {
      if (this.seenOnce.size >= SEEN_ONCE_LIMIT) this.seenOnce.clear();
      this.seenOnce.add(key);
    }
    return compressed;
  }

  private remember(key: string, value: Body): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.byteLength;
    }
    this.entries.set(key, value);
    this.bytes += value.byteLength;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.byteLength;
    }
  }
}
