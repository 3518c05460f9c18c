import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../../src/project-root.js';

export interface SinkProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Message-IDs in arrival order, one entry per accepted message (duplicates included). */
  readonly messageIds: string[];
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the SMTP sink in its own process, so killing the sender cannot touch it. */
export async function startSinkProcess(): Promise<SinkProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'test/digests/smtp-sink-process.ts')], {
    cwd: projectRoot(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messageIds: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const lines = readline.createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`SMTP sink exited early with ${code}`)));
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { type: string; url?: string; messageId?: string };
      if (event.type === 'ready') resolve(event.url!);
      if (event.type === 'mail') {
        messageIds.push(event.messageId!);
        for (const waiter of waiters.filter((w) => messageIds.length >= w.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  });
  return {
    url,
    child,
    messageIds,
    waitForCount: (count, timeoutMs = 60_000) =>
      messageIds.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`sink received ${messageIds.length} of ${count} messages`)), timeoutMs);
            waiters.push({
              count,
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs `paperboy <args>` from the sources in a child process. */
export function runCliProcess(args: readonly string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'src/cli/run.ts'), ...args], {
    cwd: projectRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}
