import fs from 'node:fs';
import path from 'node:path';
import type { TuningState } from './contrastive-tuning.js';
import { deserializeLsa, serializeLsa, type LsaModel } from './lsa-model.js';

/**
 * Where an interrupted training of the builtin model stands: the LSA starting point, and the tuning state after the
 * last whole epoch. `fingerprint` names the training papers and options; a checkpoint of other papers is ignored.
 */
export interface TrainingCheckpoint {
  readonly fingerprint: string;
  readonly base: LsaModel;
  readonly tuning: TuningState | null;
}

const FORMAT = 'builtin-checkpoint-1';

/** [u32 header length][JSON header][padding to 4][base model][projection f32…][accumulators f32…] */
function encode(checkpoint: TrainingCheckpoint): Buffer {
  const base = serializeLsa(checkpoint.base);
  const header = Buffer.from(
    JSON.stringify({
      format: FORMAT,
      fingerprint: checkpoint.fingerprint,
      baseBytes: base.length,
      epochsDone: checkpoint.tuning?.epochsDone ?? 0,
    }),
  );
  const start = Math.ceil((4 + header.length) / 4) * 4;
  const baseEnd = start + Math.ceil(base.length / 4) * 4;
  const tuning = checkpoint.tuning;
  const out = Buffer.alloc(baseEnd + (tuning ? tuning.projection.byteLength + tuning.accumulators.byteLength : 0));
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  Buffer.from(base).copy(out, start);
  if (tuning) {
    Buffer.from(tuning.projection.buffer, tuning.projection.byteOffset, tuning.projection.byteLength).copy(out, baseEnd);
    Buffer.from(tuning.accumulators.buffer, tuning.accumulators.byteOffset, tuning.accumulators.byteLength).copy(
      out,
      baseEnd + tuning.projection.byteLength,
    );
  }
  return out;
}

function decode(data: Buffer): TrainingCheckpoint {
  const headerLength = data.readUInt32LE(0);
  const header = JSON.parse(data.subarray(4, 4 + headerLength).toString('utf8')) as {
    format: string;
    fingerprint: string;
    baseBytes: number;
    epochsDone: number;
  };
  if (header.format !== FORMAT) throw new Error(`unknown checkpoint format ${header.format}`);
  const start = Math.ceil((4 + headerLength) / 4) * 4;
  const base = deserializeLsa(data.subarray(start, start + header.baseBytes));
  if (header.epochsDone === 0) return { fingerprint: header.fingerprint, base, tuning: null };
  const floats = new Float32Array(new Uint8Array(data.subarray(start + Math.ceil(header.baseBytes / 4) * 4)).slice().buffer);
  const rows = base.projection.length;
  if (floats.length !== rows + base.terms.length) throw new Error('truncated checkpoint');
  return {
    fingerprint: header.fingerprint,
    base,
    tuning: { epochsDone: header.epochsDone, projection: floats.slice(0, rows), accumulators: floats.slice(rows) },
  };
}

/** Written to a temporary file and renamed, so a crash mid-write leaves the previous checkpoint. */
export function saveCheckpoint(file: string, checkpoint: TrainingCheckpoint): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, encode(checkpoint));
  fs.renameSync(temporary, file);
}

/** The checkpoint in `file` when it is for these papers and options; null when there is none, or it is unreadable. */
export function loadCheckpoint(file: string, fingerprint: string): TrainingCheckpoint | null {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return null;
  }
  try {
    const checkpoint = decode(data);
    return checkpoint.fingerprint === fingerprint ? checkpoint : null;
  } catch {
    return null;
  }
}

export function removeCheckpoint(file: string): void {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.tmp`, { force: true });
}
