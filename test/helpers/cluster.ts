import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/project-root.js';

/**
 * Real processes for multi-instance tests and benchmarks: `paperboy serve` children and Debian's nginx in front of
 * them with the shipped deploy/nginx.conf.
 */

export const NGINX_BINARY = process.env.PAPERBOY_NGINX ?? '/usr/sbin/nginx';
export const nginxAvailable = fs.existsSync(NGINX_BINARY);

/** A port nobody listens on right now (the kernel's choice; free again once this returns). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before answering ${url}:\n${output()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export interface ServeProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** What it wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `paperboy serve` from the sources with `env` on top of this process's environment; resolves once it answers. */
export async function startServe(env: Record<string, string>, port?: number): Promise<ServeProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'src/cli/run.ts'), 'serve'], {
    cwd: projectRoot(),
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(listenPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${listenPort}`;
  try {
    await waitForHttp(`${url}/readyz`, child, () => output, 90_000);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    throw error;
  }
  return { url, port: listenPort, child, output: () => output, stop: () => stopChild(child) };
}

/**
 * deploy/nginx.conf with its upstream servers and listening address replaced: the configuration operators install,
 * pointed at the given ports.
 */
export function deployNginxConfig(listenPort: number, upstreamPorts: readonly number[]): string {
  const shipped = fs.readFileSync(path.join(projectRoot(), 'deploy/nginx.conf'), 'utf8');
  const servers = shipped.match(/^ *server 127\.0\.0\.1:\d+ [^;]*;$/gm);
  if (!servers || servers.length < 1) throw new Error('deploy/nginx.conf has no upstream server lines');
  const template = servers[0]!;
  const replaced = shipped
    .replace(/^ *server 127\.0\.0\.1:\d+ [^;]*;\n/gm, '')
    .replace(/^(upstream paperboy \{\n(?: *#.*\n)*)/m, (head: string) => {
      const lines = upstreamPorts.map((port) => template.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`)).join('\n');
      return `${head}${lines}\n`;
    })
    .replace(/^( *)listen 80;$/m, `$1listen 127.0.0.1:${listenPort};`);
  if (!replaced.includes(`listen 127.0.0.1:${listenPort};`)) throw new Error('deploy/nginx.conf has no "listen 80;" line');
  return replaced;
}

export interface NginxProcess {
  readonly url: string;
  /** The access log: one line per request, with the upstream that answered it. */
  accessLog(): string;
  stop(): Promise<void>;
}

/**
 * Runs nginx in the foreground as this user, with its pid file, logs and temporary files in a directory of its own,
 * and deploy/nginx.conf inside its http block.
 */
export async function startNginx(upstreamPorts: readonly number[], listenPort?: number): Promise<NginxProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-nginx-'));
  const port = listenPort ?? (await freePort());
  fs.writeFileSync(path.join(dir, 'paperboy.conf'), deployNginxConfig(port, upstreamPorts));
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '$request $status $upstream_addr';
  access_log ${dir}/access.log upstream;
  client_body_temp_path ${dir}/client-body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/paperboy.conf;
}
`,
  );
  const child = spawn(NGINX_BINARY, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const errors = () => `${output}${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`;
  try {
    await waitForHttp(`${url}/healthz`, child, errors, 20_000);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    accessLog: () => fs.readFileSync(path.join(dir, 'access.log'), 'utf8'),
    stop: async () => {
      // SIGQUIT: a graceful shutdown (SIGTERM is nginx's fast one; either ends the foreground master).
      await stopChild(child, 'SIGQUIT');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
