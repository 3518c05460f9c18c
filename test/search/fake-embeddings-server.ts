import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible /v1/embeddings server. Each text becomes a bag of hashed words in 32 dimensions,
 * so texts sharing words are close. It can fail the first requests to exercise retries.
 */
export interface FakeEmbeddingsServer {
  readonly baseUrl: string;
  readonly requests: { authorization: string | undefined; inputs: string[]; model: string }[];
  failNext(count: number, status?: number): void;
  /**
   * From now on, requests embedding more than one text (document batches, not queries) are held unanswered until
   * `release()`.
   */
  holdBatches(): void;
  /** Resolves when a held request arrives (at once if one is held already). */
  nextHeld(): Promise<void>;
  /** Requests held and not answered yet. */
  heldCount(): number;
  /** Answers every held request and stops holding. */
  release(): void;
  close(): Promise<void>;
}

export const FAKE_DIMENSIONS = 32;

function hashWord(word: string): number {
  let h = 2166136261;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
  return (h >>> 0) % FAKE_DIMENSIONS;
}

export function fakeEmbedding(text: string): number[] {
  const v = new Array<number>(FAKE_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]{4,}/g) ?? []) v[hashWord(word.slice(0, 6))]! += 1;
  return v;
}

export async function startFakeEmbeddingsServer(): Promise<FakeEmbeddingsServer> {
  const requests: FakeEmbeddingsServer['requests'] = [];
  let failures = 0;
  let failStatus = 503;
  let holding = false;
  const held: (() => void)[] = [];
  let onHeld: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404).end('not found');
        return;
      }
      const parsed = JSON.parse(body) as { input: string[]; model: string };
      requests.push({ authorization: req.headers.authorization, inputs: parsed.input, model: parsed.model });
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus, { 'content-type': 'application/json', 'retry-after': '0' }).end('{"error":"busy"}');
        return;
      }
      // Answer out of order: clients must use the index field.
      const data = parsed.input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })).reverse();
      const answer = () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: parsed.model }));
      if (holding && parsed.input.length > 1) {
        held.push(answer);
        onHeld?.();
        return;
      }
      answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(count, status = 503) {
      failures = count;
      failStatus = status;
    },
    holdBatches() {
      holding = true;
    },
    nextHeld: () =>
      held.length > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onHeld = () => {
              onHeld = null;
              resolve();
            };
          }),
    heldCount: () => held.length,
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
