import fs from 'node:fs';
import { openForReading, readFully, writeFullySync } from './file-io.js';
import { readHalves, writeHalves } from './half-floats.js';

/** Vectors per block: blocks are allocated as the store grows, so growing never copies what is stored. */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
/** A vector component as stored: a 16-bit float. */
const COMPONENT_BYTES = 2;

/** What a saved file begins with, so a file of another layout or position is not read as this one. */
interface FileHeader {
  /** 2: vectors as 16-bit floats (1, 32-bit, is no longer read: such a file is rebuilt from the database). */
  readonly format: 2;
  readonly dimensions: number;
  readonly count: number;
  /** The vector index's saved position this file belongs to (see vector-index.ts). */
  readonly tag: string;
  /** Bytes of the newline-joined paper ids that follow the keys. */
  readonly idBytes: number;
}

/**
 * The exact vectors of the papers in a vector index, in process memory, by index key and by paper. A search
 * re-ranks its approximate candidates with them and a hybrid query scores its keyword hits with them, so neither
 * reads vector rows from the database: at arXiv scale those rows are gigabytes, mostly not in the page cache, and
 * reading 125 of them cost a semantic query more than searching the index. A paper has one vector, the one under
 * its highest key: storing a newer one forgets the old key.
 *
 * Vectors are held as 16-bit floats, half the memory of 32-bit ones (2,500,000 papers × 256 dimensions: 1.3 GB
 * instead of 2.6 GB). A component keeps 11 significant bits, so a similarity of unit vectors moves by at most 2^-11,
 * typically under 1e-4: less than the gaps between neighbouring results' scores, and re-ranking the 8-bit index's
 * candidates is what this is for.
 */
export class ExactVectors {
  private readonly blocks: Uint16Array[] = [];
  private keys: number[] = [];
  private paperIds: string[] = [];
  private readonly slotByKey = new Map<number, number>();
  private readonly slotByPaper = new Map<string, number>();
  private readonly freeSlots: number[] = [];

  constructor(readonly dimensions: number) {}

  get size(): number {
    return this.slotByKey.size;
  }

  set(key: number, paperId: string, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new Error(`a vector of ${vector.length} dimensions in an index of ${this.dimensions}`);
    const samePaper = this.slotByPaper.get(paperId);
    // Each write of a paper's vector gets a higher key: an older one arriving late changes nothing.
    if (samePaper !== undefined && this.keys[samePaper]! > key) return;
    if (samePaper !== undefined) this.release(samePaper);
    const sameKey = this.slotByKey.get(key);
    if (sameKey !== undefined) this.release(sameKey);
    const slot = this.freeSlots.pop() ?? this.keys.length;
    if (slot === this.keys.length) {
      this.keys.push(key);
      this.paperIds.push(paperId);
      if (slot >>> BLOCK_BITS === this.blocks.length) this.blocks.push(new Uint16Array(BLOCK * this.dimensions));
    } else {
      this.keys[slot] = key;
      this.paperIds[slot] = paperId;
    }
    writeHalves(vector, this.blocks[slot >>> BLOCK_BITS]!, this.offsetOf(slot));
    this.slotByKey.set(key, slot);
    this.slotByPaper.set(paperId, slot);
  }

  remove(key: number): void {
    const slot = this.slotByKey.get(key);
    if (slot !== undefined) this.release(slot);
  }

  private release(slot: number): void {
    this.slotByKey.delete(this.keys[slot]!);
    if (this.slotByPaper.get(this.paperIds[slot]!) === slot) this.slotByPaper.delete(this.paperIds[slot]!);
    this.paperIds[slot] = '';
    this.freeSlots.push(slot);
  }

  /** The paper and vector stored under the key. */
  byKey(key: number): { paperId: string; vector: Float32Array } | null {
    const slot = this.slotByKey.get(key);
    return slot === undefined ? null : { paperId: this.paperIds[slot]!, vector: this.vectorAt(slot) };
  }

  byPaper(paperId: string): Float32Array | null {
    const slot = this.slotByPaper.get(paperId);
    return slot === undefined ? null : this.vectorAt(slot);
  }

  private vectorAt(slot: number): Float32Array {
    return readHalves(this.blocks[slot >>> BLOCK_BITS]!, this.offsetOf(slot), this.dimensions);
  }

  private offsetOf(slot: number): number {
    return (slot & (BLOCK - 1)) * this.dimensions;
  }

  /** Writes every vector to the file, headed by the tag that `read` must be given back. */
  write(file: string, tag: string): void {
    const slots = [...this.slotByKey.values()];
    const ids = Buffer.from(slots.map((slot) => this.paperIds[slot]!).join('\n'), 'utf8');
    const header: FileHeader = { format: 2, dimensions: this.dimensions, count: slots.length, tag, idBytes: ids.length };
    const fd = fs.openSync(file, 'w');
    try {
      writeFullySync(fd, Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'));
      const keys = Float64Array.from(slots, (slot) => this.keys[slot]!);
      writeFullySync(fd, new Uint8Array(keys.buffer));
      writeFullySync(fd, ids);
      // A block's worth at a time: one buffer of every vector would double the memory held.
      const chunk = new Uint16Array(Math.min(slots.length, BLOCK) * this.dimensions);
      for (let from = 0; from < slots.length; from += BLOCK) {
        const part = slots.slice(from, from + BLOCK);
        part.forEach((slot, i) => {
          const at = this.offsetOf(slot);
          chunk.set(this.blocks[slot >>> BLOCK_BITS]!.subarray(at, at + this.dimensions), i * this.dimensions);
        });
        writeFullySync(fd, new Uint8Array(chunk.buffer, 0, part.length * this.dimensions * COMPONENT_BYTES));
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * The vectors a file holds, or null when it is missing, damaged, of other dimensions or of another tag. Read a block
   * at a time without blocking: a server goes on answering meanwhile (from the database).
   */
  static async read(file: string, dimensions: number, tag: string): Promise<ExactVectors | null> {
    const handle = await openForReading(file);
    if (!handle) return null;
    try {
      const { size } = await handle.stat();
      const start = Buffer.alloc(Math.min(size, 4096));
      await readFully(handle, start, 0);
      const newline = start.indexOf(10);
      if (newline < 0) return null;
      const header = JSON.parse(start.subarray(0, newline).toString('utf8')) as FileHeader;
      if (header.format !== 2 || header.dimensions !== dimensions || header.tag !== tag) return null;
      const { count, idBytes } = header;
      let at = newline + 1;
      if (size !== at + count * 8 + idBytes + count * dimensions * COMPONENT_BYTES) return null;
      const keys = new Float64Array(count);
      await readFully(handle, new Uint8Array(keys.buffer), at);
      at += count * 8;
      const idBuffer = Buffer.alloc(idBytes);
      await readFully(handle, idBuffer, at);
      at += idBytes;
      const ids = count === 0 ? [] : idBuffer.toString('utf8').split('\n');
      if (ids.length !== count) return null;
      const vectors = new ExactVectors(dimensions);
      vectors.keys = Array.from(keys);
      vectors.paperIds = ids;
      for (let from = 0; from < count; from += BLOCK) {
        const n = Math.min(BLOCK, count - from);
        const block = new Uint16Array(BLOCK * dimensions);
        await readFully(handle, new Uint8Array(block.buffer, 0, n * dimensions * COMPONENT_BYTES), at);
        at += n * dimensions * COMPONENT_BYTES;
        vectors.blocks.push(block);
        for (let slot = from; slot < from + n; slot++) {
          vectors.slotByKey.set(vectors.keys[slot]!, slot);
          vectors.slotByPaper.set(ids[slot]!, slot);
        }
      }
      return vectors;
    } catch {
      return null;
    } finally {
      await handle.close();
    }
  }
}
