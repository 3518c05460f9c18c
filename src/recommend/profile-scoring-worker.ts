// Worker thread entry: walks readers' profiles through a period's candidate index, off the main thread.
import { parentPort } from 'node:worker_threads';
import { indexedProfileScores, type CandidateIndex } from './candidate-index.js';
import type { ProfileScoringReply, ProfileScoringRequest } from './profile-scoring-protocol.js';

const port = parentPort;
if (!port) throw new Error('profile-scoring-worker must run in a worker thread');

/** The index this thread walks: the last one sent. */
let current: CandidateIndex | null = null;

port.on('message', (request: ProfileScoringRequest) => {
  let reply: ProfileScoringReply;
  try {
    if (request.index) current = request.index;
    if (!current) throw new Error('no candidate index was sent to this scoring thread');
    const scores = indexedProfileScores(current, request.positives, request.k, request.sum ?? undefined);
    reply = { job: request.job, nearest: scores.nearest, sum: scores.sum };
  } catch (error) {
    port.postMessage({ job: request.job, error: error instanceof Error ? error.message : String(error) } satisfies ProfileScoringReply);
    return;
  }
  const transfer = [reply.nearest?.buffer, reply.sum?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  port.postMessage(reply, transfer);
});
