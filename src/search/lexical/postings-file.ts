import fs from 'node:fs';
import type { ColumnWeights } from './fts5-bm25.js';
import type { PostingsState, Segment } from './postings-index.js';

/**
 * The in-memory keyword index on disk, so a restart loads it instead of reading and tokenizing every paper.
 *
 * Layout: "PBKW", a little-endian u32 header length, the JSON header, then binary sections each starting at a
 * multiple of 8 bytes, so the arrays can be used in place from the file's buffer without copying.
 */

const MAGIC = 'PBKW';
const FORMAT = 1;
/** Changes whenever words() or the stemmer would split or stem text differently: old files are then rebuilt. */
export const TOKENIZER_VERSION = 'unicode61-nfkd-porter-1';

/** What the file says about where it came from; the caller checks it against the database. */
export interface PostingsFileMeta {
  readonly weights: ColumnWeights;
  /** The last change-log position applied to the saved state. */
  readonly appliedSeq: number;
  /** The paper the log names at appliedSeq (null at 0): a check that the log is the same database's. */
  readonly anchor: { readonly rowid: number; readonly id: string } | null;
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
      await handle.write(bytes, 0, bytes.length, offset);
      offset += bytes.length;
      const padding = pad8(offset);
      if (padding > 0) {
        await handle.write(Buffer.alloc(padding), 0, padding, offset);
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

/** Reads a file written by writePostingsFile; null when there is none or it is not one this version can use. */
export async function readPostingsFile(file: string): Promise<{ state: PostingsState; meta: PostingsFileMeta } | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch {
    return null;
  }
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) return null;
  const headerLength = bytes.readUInt32LE(4);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Header;
  } catch {
    return null;
  }
  if (header.format !== FORMAT || header.tokenizer !== TOKENIZER_VERSION) return null;

  // Large reads get a buffer of their own; a small one may sit at any offset in a shared pool, so copy it first.
  const data = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  let offset = 8 + headerLength;
  offset += pad8(offset);
  const take = <T extends Section>(make: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T, length: number, width: number): T => {
    if (offset + length * width > data.length) throw new RangeError('truncated');
    const view = new make(data.buffer as ArrayBuffer, data.byteOffset + offset, length);
    offset += length * width;
    offset += pad8(offset);
    return view;
  };
  try {
    const vocabularyBytes = take(Uint8Array, header.vocabularyBytes, 1);
    const vocabulary = header.termCount === 0 ? [] : Buffer.from(vocabularyBytes.buffer, vocabularyBytes.byteOffset, vocabularyBytes.length).toString('utf8').split('\n');
    if (vocabulary.length !== header.termCount) return null;
    const documentFrequency = take(Int32Array, header.termCount, 4);
    const docKeys = take(Float64Array, header.docCount, 8);
    const docLengths = take(Uint32Array, header.docCount, 4);
    const unavailable = take(Uint8Array, header.docCount, 1);
    const segments: Segment[] = header.segments.map((s) => ({
      terms: take(Int32Array, s.terms, 4),
      offsets: take(Uint32Array, s.terms + 1, 4),
      docs: take(Uint32Array, s.postings, 4),
      frequencies: take(Uint8Array, s.postings, 1),
      firstDoc: s.firstDoc,
      docCount: s.docCount,
    }));
    const state: PostingsState = { vocabulary, documentFrequency, docKeys, docLengths, unavailable, docCount: header.docCount, liveDocs: header.liveDocs, liveTokens: header.liveTokens, segments };
    return { state, meta: { weights: header.weights, appliedSeq: header.appliedSeq, anchor: header.anchor } };
  } catch {
    return null;
  }
}
