import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** A recorded response body from test/fixtures (e.g. `oai/list-records-cs-page1.xml`). */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** What the server does with one request: answer it, drop the connection, or never answer (stall). */
export type Reply = { readonly status?: number; readonly headers?: Record<string, string>; readonly body?: string } | 'drop' | 'stall';

export function xmlReply(name: string, contentType = 'text/xml; charset=utf-8'): Reply {
  return { status: 200, headers: { 'content-type': contentType }, body: fixture(name) };
}

export interface ReceivedRequest {
  /** Arrival time on the server, in performance.now() milliseconds. */
  readonly at: number;
  readonly url: URL;
  readonly userAgent: string | undefined;
}

/**
 * A local HTTP server on 127.0.0.1 that replays recorded responses and records what it received and when,
 * so tests can check the client's behaviour (spacing, retries, parameters) from the server's side.
 */
export class ReplayServer {
  readonly requests: ReceivedRequest[] = [];
  private queue: Reply[] = [];
  private router: ((url: URL) => Reply | null) | null = null;
  private inFlight = 0;
  /** The most requests the server was handling at the same moment; 1 means the client never overlapped them. */
  maxConcurrent = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<ReplayServer> {
    const server = http.createServer();
    const replay = new ReplayServer(server);
    server.on('request', (req, res) => replay.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return replay;
  }

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Replies to the next requests in this order; requests beyond them get a 500 "unexpected request". */
  script(...replies: Reply[]): void {
    this.queue = [...replies];
    this.router = null;
  }

  /** Replies by looking at each request; null means 404. */
  route(router: (url: URL) => Reply | null): void {
    this.router = router;
    this.queue = [];
  }

  /** Forgets the requests received so far. */
  reset(): void {
    this.requests.length = 0;
    this.maxConcurrent = 0;
  }

  /** Milliseconds between consecutive request arrivals. */
  gaps(): number[] {
    return this.requests.slice(1).map((request, i) => request.at - this.requests[i]!.at);
  }

  get pendingReplies(): number {
    return this.queue.length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    this.requests.push({ at: performance.now(), url, userAgent: req.headers['user-agent'] });
    this.inFlight += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    res.once('close', () => {
      this.inFlight -= 1;
    });
    const reply = this.router
      ? (this.router(url) ?? { status: 404, body: 'not found' })
      : (this.queue.shift() ?? { status: 500, body: 'unexpected request' });
    if (reply === 'drop') {
      req.socket.destroy();
      return;
    }
    if (reply === 'stall') return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain; charset=utf-8', ...reply.headers });
    res.end(reply.body ?? '');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

/** An in-memory CLI io for runCli. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) },
    out,
    err,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
}
