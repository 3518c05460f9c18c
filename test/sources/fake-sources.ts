import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly at: number;
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'stall';
type Handler = (url: URL, headers: http.IncomingHttpHeaders) => Answer;

/** A local HTTP server on 127.0.0.1 that records every request and answers through a handler. */
class FakeServer {
  readonly requests: SeenRequest[] = [];
  /** Answers that take precedence over the handler, one per request (a 503 spell). */
  readonly interruptions: Answer[] = [];
  /** Called when a request arrives, before it is answered. */
  onRequest: ((request: SeenRequest) => void) | null = null;
  /** The first request this matches is never answered (the client is killed while it waits). */
  stallOnce: ((url: URL) => boolean) | null = null;
  /** Milliseconds before each answer, so concurrent clients overlap. */
  delayMs = 0;

  protected constructor(
    private readonly server: http.Server,
    private readonly handler: Handler,
  ) {
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', this.url);
      const seen = { at: performance.now(), url, headers: req.headers };
      this.requests.push(seen);
      this.onRequest?.(seen);
      if (this.stallOnce?.(url)) {
        this.stallOnce = null;
        return;
      }
      const answer = this.interruptions.shift() ?? this.handler(url, req.headers);
      if (answer === 'stall') return;
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
        res.end(answer.body ?? '');
      }, this.delayMs);
    });
  }

  protected static async listen(): Promise<http.Server> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `count` requests get a 503 with Retry-After. */
  spell(count: number, retryAfterSeconds: number): void {
    for (let i = 0; i < count; i++) {
      this.interruptions.push({ status: 503, headers: { 'retry-after': String(retryAfterSeconds) }, body: 'Service Unavailable' });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface FakePaper {
  readonly id: string;
  readonly title: string;
  upvotes: number;
  comments?: number;
  repo?: string;
  stars?: number;
}

/** The entry Hugging Face's /api/daily_papers returns for a paper featured on `day`. */
export function hfEntry(paper: FakePaper, day: string): unknown {
  const submitted = `${day}T08:30:00.000Z`;
  return {
    paper: {
      id: paper.id,
      authors: [{ name: 'Ada Lovelace' }, { name: 'Alan Turing' }],
      publishedAt: `${day}T00:00:00.000Z`,
      submittedOnDailyAt: submitted,
      title: paper.title,
      summary: `An abstract about ${paper.title.toLowerCase()}.`,
      upvotes: paper.upvotes,
      ...(paper.repo ? { githubRepo: paper.repo, githubStars: paper.stars ?? 0 } : {}),
      organization: { name: 'lab', fullname: 'A Research Lab' },
    },
    publishedAt: submitted,
    title: paper.title,
    summary: `An abstract about ${paper.title.toLowerCase()}.`,
    numComments: paper.comments ?? 0,
  };
}

/** Hugging Face's `GET /api/daily_papers?date=&p=&limit=`, served from `days`. */
export class FakeHf extends FakeServer {
  readonly days = new Map<string, FakePaper[]>();

  static async start(): Promise<FakeHf> {
    const server = await FakeServer.listen();
    let fake: FakeHf | null = null;
    fake = new FakeHf(server, (url) => fake!.answer(url));
    return fake;
  }

  private answer(url: URL): Answer {
    if (url.pathname !== '/api/daily_papers') return { status: 404, body: '{"error":"Not Found"}' };
    const day = url.searchParams.get('date') ?? '';
    const page = Number(url.searchParams.get('p') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '50');
    const papers = [...(this.days.get(day) ?? [])].sort((a, b) => b.upvotes - a.upvotes);
    return { status: 200, body: JSON.stringify(papers.slice(page * limit, (page + 1) * limit).map((p) => hfEntry(p, day))) };
  }

  /** Dates asked for, in order. */
  datesAsked(): string[] {
    return this.requests.map((r) => `${r.url.searchParams.get('date')}#${r.url.searchParams.get('p')}`);
  }
}

/**
 * GitHub's `GET /repos/{owner}/{repo}`: ETags, 304 for a matching If-None-Match (not counted against the limit, as
 * GitHub does), and the X-RateLimit-* headers, with 403 once the budget is spent.
 */
export class FakeGitHub extends FakeServer {
  readonly repos = new Map<string, number>();
  limit = 60;
  remaining = 60;
  /** Epoch seconds at which the budget resets. */
  reset = 0;

  static async start(): Promise<FakeGitHub> {
    const server = await FakeServer.listen();
    let fake: FakeGitHub | null = null;
    fake = new FakeGitHub(server, (url, headers) => fake!.answer(url, headers));
    return fake;
  }

  private answer(url: URL, headers: http.IncomingHttpHeaders): Answer {
    const match = /^\/repos\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const rate = () => ({
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(this.remaining),
      'x-ratelimit-reset': String(this.reset),
    });
    if (this.remaining <= 0) return { status: 403, headers: rate(), body: '{"message":"API rate limit exceeded"}' };
    const key = match ? `${match[1]}/${match[2]}`.toLowerCase() : '';
    const stars = this.repos.get(key);
    if (stars === undefined) {
      this.remaining -= 1;
      return { status: 404, headers: rate(), body: '{"message":"Not Found"}' };
    }
    const etag = `W/"${key}-${stars}"`;
    if (headers['if-none-match'] === etag) return { status: 304, headers: { ...rate(), etag } };
    this.remaining -= 1;
    return { status: 200, headers: { ...rate(), etag }, body: JSON.stringify({ full_name: key, stargazers_count: stars }) };
  }
}

/** A fixed clock that tests move by hand. */
export function manualClock(start: string) {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** A logger that keeps its lines. */
export function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    logger: {
      info: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'info', message, fields }),
      error: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'error', message, fields }),
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (connections are refused), like a source on an unreachable network. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
