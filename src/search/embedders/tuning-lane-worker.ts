// Worker thread entry: one lane of contrastive tuning (tuning-lanes.ts). It waits for each phase the tuning thread
// starts, computes its range of rows in the shared memory, and counts itself done.
import { workerData } from 'node:worker_threads';
import { runPhase, tuningMemoryOf } from './tuning-batch.js';
import { laneRange, LaneSignal, type LaneData } from './tuning-lanes.js';

const { buffers, control: controlBuffer, lane, lanes } = workerData as LaneData;
const memory = tuningMemoryOf(buffers);
const control = new Int32Array(controlBuffer);

for (let seen = 0; ;) {
  Atomics.wait(control, LaneSignal.Generation, seen);
  seen = Atomics.load(control, LaneSignal.Generation);
  const phase = Atomics.load(control, LaneSignal.Phase);
  if (phase === 0) break;
  try {
    const [from, to] = laneRange(memory.size, lane, lanes);
    runPhase(memory, phase as Parameters<typeof runPhase>[1], Atomics.load(control, LaneSignal.Start), from, to);
  } catch {
    Atomics.store(control, LaneSignal.Failed, 1);
  }
  if (Atomics.sub(control, LaneSignal.Remaining, 1) === 1) Atomics.notify(control, LaneSignal.Remaining);
}
