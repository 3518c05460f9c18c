import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressedBodies } from '../../src/web/middleware/compressor.js';

/** A compressible body of about `kib` KiB, different for every seed. */
function body(seed: number, kib = 16): Uint8Array {
  const words = Array.from({ length: 64 }, (_, i) => `w${seed}x${i}`);
  let text = '';
  for (let i = 0; text.length < kib * 1024; i++) text += `${words[(i * 7 + seed) % words.length]} `;
  return new TextEncoder().encode(text);
}

describe('CompressedBodies', () => {
  it('keeps a body from the second time its tag is asked for, and serves the same bytes from then on', async () => {
    const bodies = new CompressedBodies();
    const plain = body(1);
    const first = await bodies.compress('"a"', plain, 'br');
    expect(zlib.brotliDecompressSync(first).equals(Buffer.from(plain))).toBe(true);
    expect(bodies.peek('"a"', 'br')).toBeNull();
    const second = await bodies.compress('"a"', plain, 'br');
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(bodies.peek('"a"', 'br')).toBe(second);
    // Each coding is its own entry.
    expect(bodies.peek('"a"', 'gzip')).toBeNull();
  });

  it('lets answers asked for once pass without pushing out the bodies asked for again', async () => {
    const bodies = new CompressedBodies(64 * 1024);
    await bodies.compress('"feed"', body(0), 'gzip');
    const kept = await bodies.compress('"feed"', body(0), 'gzip');
    // Far more than the cache holds, each asked for once (bodies that hardly compress, ~12 KiB each).
    for (let i = 1; i <= 200; i++) await bodies.compress(`"search-${i}"`, randomBytes(12 * 1024), 'gzip');
    expect(bodies.peek('"feed"', 'gzip')).toBe(kept);
    expect(bodies.peek('"search-200"', 'gzip')).toBeNull();
  });

  it('drops the least recently used bodies once full', async () => {
    const bodies = new CompressedBodies(64 * 1024);
    const tags = Array.from({ length: 12 }, (_, i) => `"page-${i}"`);
    for (const tag of tags) {
      const plain = randomBytes(12 * 1024);
      await bodies.compress(tag, plain, 'gzip');
      await bodies.compress(tag, plain, 'gzip');
    }
    expect(bodies.peek(tags[0]!, 'gzip')).toBeNull();
    expect(bodies.peek(tags[11]!, 'gzip')).not.toBeNull();
  });
});
