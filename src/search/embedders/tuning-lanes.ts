import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../worker-threads.js';
import { runPhase, tuningBuffers, type TuningBuffers, type TuningMemory, type TuningPhase } from './tuning-batch.js';

/** More threads than this gain little on a 256-pair batch: each phase is a few milliseconds. */
const MAX_LANES = 4;

/** Slots of the shared control array through which the tuning thread starts phases and lanes report back. */
export const LaneSignal = { Generation: 0, Phase: 1, Start: 2, Remaining: 3, Failed: 4 } as const;
const CONTROL_SLOTS = 5;

/** Atomics.waitAsync (Node ≥ 16), which this TypeScript library target does not declare yet. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

export interface LaneData {
  readonly buffers: TuningBuffers;
  readonly control: SharedArrayBuffer;
  readonly lane: number;
  readonly lanes: number;
}

/** Lane `lane` of `lanes` takes rows from..to of a batch of `size`. */
export function laneRange(size: number, lane: number, lanes: number): [number, number] {
  return [Math.floor((size * lane) / lanes), Math.floor((size * (lane + 1)) / lanes)];
}

/** One lane per core, at most MAX_LANES. */
export function defaultLanes(): number {
  return Math.max(1, Math.min(os.availableParallelism(), MAX_LANES));
}

/**
 * Splits each row-wise phase of a tuning batch (tuning-batch.ts) over `lanes` threads: this one takes the first
 * range and worker threads the others, all over the same shared memory. With one lane no thread is started.
 */
export class TuningLanes {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly workers: Worker[] = [];
  /** Settles (rejects) when a lane's thread fails or stops on its own. */
  private readonly failure: Promise<never>;

  constructor(
    private readonly memory: TuningMemory,
    readonly lanes: number,
  ) {
    let fail!: (error: Error) => void;
    this.failure = new Promise<never>((_, reject) => (fail = reject));
    this.failure.catch(() => undefined);
    const buffers = tuningBuffers(memory);
    for (let lane = 1; lane < lanes; lane++) {
      const data: LaneData = { buffers, control: this.control.buffer as SharedArrayBuffer, lane, lanes };
      const worker = startSiblingWorker(import.meta.url, 'tuning-lane-worker', { workerData: data });
      worker.once('error', (error: Error) => fail(error));
      worker.once('exit', (code) => fail(new Error(`a tuning lane stopped (exit code ${code})`)));
      this.workers.push(worker);
    }
  }

  /** Runs one phase over the whole batch and resolves once every lane has done its rows. */
  async run(phase: TuningPhase, start: number): Promise<void> {
    const { control } = this;
    const helpers = this.workers.length;
    if (helpers > 0) {
      Atomics.store(control, LaneSignal.Phase, phase);
      Atomics.store(control, LaneSignal.Start, start);
      Atomics.store(control, LaneSignal.Remaining, helpers);
      Atomics.add(control, LaneSignal.Generation, 1);
      Atomics.notify(control, LaneSignal.Generation);
    }
    const [from, to] = laneRange(this.memory.size, 0, this.lanes);
    runPhase(this.memory, phase, start, from, to);
    for (let remaining = Atomics.load(control, LaneSignal.Remaining); remaining !== 0;) {
      const waiting = waitAsync(control, LaneSignal.Remaining, remaining);
      if (waiting.async) await Promise.race([waiting.value, this.failure]);
      remaining = Atomics.load(control, LaneSignal.Remaining);
    }
    if (Atomics.load(control, LaneSignal.Failed) !== 0) throw new Error('a tuning lane failed');
  }

  /** Stops the lanes' threads. */
  async close(): Promise<void> {
    Atomics.store(this.control, LaneSignal.Phase, 0);
    Atomics.add(this.control, LaneSignal.Generation, 1);
    Atomics.notify(this.control, LaneSignal.Generation);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
