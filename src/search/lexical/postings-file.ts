import fs from 'node:fs';
import type { LogPosition } from '../change-log.js';
import { openForReading, readFully, writeFully } from '../file-io.js';
import type { LogAnchor } from './paper-text-source.js';
import type { ColumnWeights } from './fts5-bm25.js';
import type { PostingsState } from './postings-index.js';
import { sharedArray, type Segment, type SharedArrayType } from './postings-ranking.js';

/**
 * The in-memory keyword index on disk, so a restart loads it instead of reading and tokenizing every paper.
 *
 * Layout: "PBKW", a little-endian u32 header length, the JSON header, then the binary sections (vocabulary,
 * per-document arrays, then each segment's arrays), each starting at a multiple of 8 bytes.
 */

const MAGIC = 'PBKW';
const FORMAT = 2;
/** Changes whenever words() or the stemmer would split or stem text differently: old files are then rebuilt. */
export const TOKENIZER_VERSION = 'unicode61-nfkd-porter-1';

/** What the file says about where it came from; the caller checks it against the database. */
export interface PostingsFileMeta {
  readonly weights: ColumnWeights;
  /** The change-log position the saved state has applied every change before. */
  readonly applied: LogPosition;
  /** What the database says at that position (null at the log's start): a check that it is the same database. */
  readonly anchor: LogAnchor | null;
}

interface Header extends PostingsFileMeta {
  readonly format: number;
  readonly tokenizer: string;
  readonly docCount: number;
  readonly liveDocs: number;
  readonly liveTokens: number;
  readonly termCount: number;
  readonly vocabularyBytes: number;
  readonly segments: readonly { readonly terms: number; readonly postings: number; readonly firstDoc: number; readonly docCount: number }[];
}

type Section = Int32Array | Uint32Array | Float64Array | Uint8Array;

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** Writes the state to `file` atomically (a temporary file renamed over it). */
export async function writePostingsFile(file: string, state: PostingsState, meta: PostingsFileMeta): Promise<void> {
  const vocabulary = Buffer.from(state.vocabulary.join('\n'), 'utf8');
  const header: Header = {
    format: FORMAT,
    tokenizer: TOKENIZER_VERSION,
    ...meta,
    docCount: state.docCount,
    liveDocs: state.liveDocs,
    liveTokens: state.liveTokens,
    termCount: state.vocabulary.length,
    vocabularyBytes: vocabulary.length,
    segments: state.segments.map((s) => ({ terms: s.terms.length, postings: s.docs.length, firstDoc: s.firstDoc, docCount: s.docCount })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const sections: (Section | Buffer)[] = [vocabulary, state.documentFrequency, state.docKeys, state.docLengths, state.unavailable];
  for (const s of state.segments) sections.push(s.terms, s.offsets, s.docs, s.frequencies);

  const temporary = `${file}.tmp`;
  const handle = await fs.promises.open(temporary, 'w');
  try {
    const prefix = Buffer.alloc(8);
    prefix.write(MAGIC, 0, 'latin1');
    prefix.writeUInt32LE(headerBytes.length, 4);
    let offset = 0;
    const write = async (bytes: Uint8Array) => {
      await writeFully(handle, bytes, offset);
      offset += bytes.length;
      const padding = pad8(offset);
      if (padding > 0) {
        await writeFully(handle, Buffer.alloc(padding), offset);
        offset += padding;
      }
    };
    await write(Buffer.concat([prefix, headerBytes]));
    for (const section of sections) await write(new Uint8Array(section.buffer, section.byteOffset, section.byteLength));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temporary, file);
}

function isLogPosition(value: unknown): value is LogPosition {
  const position = value as Partial<LogPosition> | null;
  return (
    typeof position?.after === 'string' &&
    /^\d{1,20}$/.test(position.after) &&
    Array.isArray(position.seen) &&
    position.seen.every((seq) => Number.isSafeInteger(seq))
  );
}

/**
 * Reads a file written by writePostingsFile; null when there is none or it is not one this version can use. Each
 * section is read straight into an array of its own, so a segment rewritten later frees its memory.
 */
export async function readPostingsFile(file: string): Promise<{ state: PostingsState; meta: PostingsFileMeta } | null> {
  const handle = await openForReading(file);
  if (!handle) return null;
  try {
    const size = (await handle.stat()).size;
    let offset = 0;
    const readInto = async (bytes: Uint8Array) => {
      if (offset + bytes.length > size) throw new RangeError('truncated');
      await readFully(handle, bytes, offset);
      offset += bytes.length;
      offset += pad8(offset);
    };
    const prefix = Buffer.alloc(8);
    await readInto(prefix);
    if (prefix.toString('latin1', 0, 4) !== MAGIC) return null;
    offset = 8;
    const headerBytes = Buffer.alloc(prefix.readUInt32LE(4));
    await readInto(headerBytes);
    const header = JSON.parse(headerBytes.toString('utf8')) as Header;
    if (header.format !== FORMAT || header.tokenizer !== TOKENIZER_VERSION || !isLogPosition(header.applied)) return null;

    // In shared memory, as the index keeps them (postings-ranking.ts), so loading copies nothing.
    const take = async <T extends Section>(make: SharedArrayType<T>, length: number): Promise<T> => {
      const array = sharedArray(make, length);
      await readInto(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      return array;
    };
    const vocabularyBytes = await take(Uint8Array, header.vocabularyBytes);
    const vocabulary = header.termCount === 0 ? [] : Buffer.from(vocabularyBytes.buffer).toString('utf8').split('\n');
    if (vocabulary.length !== header.termCount) return null;
    const documentFrequency = await take(Int32Array, header.termCount);
    const docKeys = await take(Float64Array, header.docCount);
    const docLengths = await take(Uint32Array, header.docCount);
    const unavailable = await take(Uint8Array, header.docCount);
    const segments: Segment[] = [];
    for (const s of header.segments) {
      const terms = await take(Int32Array, s.terms);
      const offsets = await take(Uint32Array, s.terms + 1);
      const docs = await take(Uint32Array, s.postings);
      const frequencies = await take(Uint8Array, s.postings);
      segments.push({ terms, offsets, docs, frequencies, firstDoc: s.firstDoc, docCount: s.docCount });
    }
    const state: PostingsState = {
      vocabulary,
      documentFrequency,
      docKeys,
      docLengths,
      unavailable,
      docCount: header.docCount,
      liveDocs: header.liveDocs,
      liveTokens: header.liveTokens,
      segments,
    };
    return { state, meta: { weights: header.weights, applied: header.applied, anchor: header.anchor } };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
