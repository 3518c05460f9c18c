// A Hugging Face hub on 127.0.0.1 speaking the protocol `paperboy model fetch` uses: the model info API with blob
// metadata, `resolve` downloads (LFS files redirect to a CDN path that honours Range), the hub's error codes, and
// faults a test can arm: 503 with Retry-After, a connection cut mid-file, a corrupted LFS file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface HubRepoFile {
  readonly path: string;
  readonly content: Buffer;
  readonly lfs: boolean;
}

export interface HubRequest {
  readonly path: string;
  readonly range: string | null;
  readonly authorization: string | null;
}

interface Faults {
  /** Paths (of the repository file) answered with 503 + Retry-After this many more times. */
  unavailable: Map<string, { times: number; retryAfter: string }>;
  /** Paths whose next download is cut after this many bytes. */
  cutAfter: Map<string, number>;
  /** LFS paths served with one byte changed. */
  corrupt: Set<string>;
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Every file under `directory`, LFS for `.onnx` files as on the hub. */
export function repoFilesOf(directory: string): HubRepoFile[] {
  const files: HubRepoFile[] = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const relative = path.relative(directory, full).split(path.sep).join('/');
        files.push({ path: relative, content: fs.readFileSync(full), lfs: relative.endsWith('.onnx') });
      }
    }
  };
  walk(directory);
  return files;
}

export class FakeHub {
  readonly requests: HubRequest[] = [];
  private readonly repos = new Map<string, { commit: string; files: HubRepoFile[]; token: string | null }>();
  private readonly faults: Faults = { unavailable: new Map(), cutAfter: new Map(), corrupt: new Set() };
  private servers: http.Server[] = [];
  url = '';
  /** LFS downloads redirect here, another origin as on the real hub, so the token must not follow. */
  cdnUrl = '';

  addRepo(repo: string, files: HubRepoFile[], options: { commit?: string; token?: string } = {}): string {
    const commit = options.commit ?? createHash('sha1').update(repo).update(String(files.length)).digest('hex');
    this.repos.set(repo, { commit, files, token: options.token ?? null });
    return commit;
  }

  /** The next `times` downloads of `filePath` in `repo` answer 503 with this Retry-After. */
  unavailable(repo: string, filePath: string, times: number, retryAfter = '1'): void {
    this.faults.unavailable.set(`${repo}/${filePath}`, { times, retryAfter });
  }

  /** The next download of the LFS file `filePath` in `repo` drops the connection after `bytes` bytes. */
  cutAfter(repo: string, filePath: string, bytes: number): void {
    this.faults.cutAfter.set(`${repo}/${filePath}`, bytes);
  }

  /** The LFS file `filePath` in `repo` is served with its last byte changed. */
  corrupt(repo: string, filePath: string): void {
    this.faults.corrupt.add(`${repo}/${filePath}`);
  }

  async start(): Promise<void> {
    const listen = async () => {
      const server = http.createServer((req, res) => this.handle(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    this.url = await listen();
    this.cdnUrl = await listen();
  }

  async stop(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private fail(res: http.ServerResponse, status: number, code: string): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-error-code': code });
    res.end(JSON.stringify({ error: code }));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const pathname = decodeURIComponent(url.pathname);
    this.requests.push({ path: pathname, range: req.headers.range ?? null, authorization: req.headers.authorization ?? null });

    const cdn = /^\/cdn\/([^/]+)\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) return this.serveCdn(req, res, decodeURIComponent(cdn[1]!), cdn[2]!);

    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(pathname);
    const repoName = info?.[1] ?? resolve?.[1];
    const repo = repoName === undefined ? undefined : this.repos.get(repoName);
    if (repo === undefined || (repo.token !== null && req.headers.authorization !== `Bearer ${repo.token}`)) {
      // As on the real hub: without a valid token, a private repository looks like a missing one.
      return this.fail(res, 401, 'RepoNotFound');
    }
    const revision = info?.[2] ?? resolve?.[2];
    if (revision !== 'main' && revision !== repo.commit) return this.fail(res, 404, 'RevisionNotFound');

    if (info) {
      const siblings = repo.files.map((file) => ({
        rfilename: file.path,
        size: file.lfs ? 134 : file.content.length,
        blobId: file.lfs
          ? gitBlobId(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(file.content)}\n`))
          : gitBlobId(file.content),
        ...(file.lfs ? { lfs: { sha256: sha256(file.content), size: file.content.length, pointerSize: 134 } } : {}),
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ id: repoName, modelId: repoName, sha: repo.commit, siblings }));
    }

    const filePath = resolve![3]!;
    const file = repo.files.find((candidate) => candidate.path === filePath);
    if (!file) return this.fail(res, 404, 'EntryNotFound');
    const busy = this.faults.unavailable.get(`${repoName}/${filePath}`);
    if (busy && busy.times > 0) {
      busy.times -= 1;
      res.writeHead(503, { 'retry-after': busy.retryAfter, 'content-type': 'text/plain' });
      return void res.end('busy');
    }
    if (file.lfs) {
      const digest = sha256(file.content);
      res.writeHead(302, {
        location: `${this.cdnUrl}/cdn/${encodeURIComponent(repoName!)}/${digest}`,
        'x-repo-commit': repo.commit,
        'x-linked-etag': `"${digest}"`,
        'x-linked-size': String(file.content.length),
      });
      return void res.end();
    }
    res.writeHead(200, {
      'content-length': String(file.content.length),
      etag: `"${gitBlobId(file.content)}"`,
      'x-repo-commit': repo.commit,
    });
    res.end(file.content);
  }

  private serveCdn(req: http.IncomingMessage, res: http.ServerResponse, repoName: string, digest: string): void {
    const file = this.repos.get(repoName)?.files.find((candidate) => candidate.lfs && sha256(candidate.content) === digest);
    if (!file) return this.fail(res, 404, 'EntryNotFound');
    let content = file.content;
    if (this.faults.corrupt.has(`${repoName}/${file.path}`)) {
      content = Buffer.from(content);
      content[content.length - 1] = content[content.length - 1]! ^ 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= content.length) {
      res.writeHead(416, { 'content-range': `bytes */${content.length}` });
      return void res.end();
    }
    const body = content.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'content-length': String(body.length), 'accept-ranges': 'bytes', etag: `"${digest}"` };
    if (range) headers['content-range'] = `bytes ${start}-${content.length - 1}/${content.length}`;
    res.writeHead(range ? 206 : 200, headers);
    const cut = this.faults.cutAfter.get(`${repoName}/${file.path}`);
    if (cut !== undefined) {
      this.faults.cutAfter.delete(`${repoName}/${file.path}`);
      res.write(body.subarray(0, cut), () => {
        // Let the bytes reach the client before the connection drops.
        setTimeout(() => res.socket?.destroy(), 50);
      });
      return;
    }
    res.end(body);
  }
}
