// Runs one `paperboy` command as users run it, in a process of its own, and reports how long it took and its peak
// resident set (the kernel's high-water mark, read from /proc while it runs).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CommandRun {
  readonly seconds: number;
  /** Null where /proc is not available. */
  readonly peakRssMiB: number | null;
  readonly stdout: string;
}

const ENTRY = path.resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'run.ts');

/** The process's peak resident set so far, or null where /proc is not available. */
export function highWaterMarkMiB(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Starts `paperboy <args…>` from the sources, with the given environment on top of this process's. */
export function spawnPaperboy(args: readonly string[], env: Record<string, string>, stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { env: { ...process.env, ...env }, stdio });
}

/**
 * `paperboy <args…>` run to its end. Its progress lines (stderr) are passed through with a prefix; a non-zero exit
 * rejects with the last of them.
 */
export function runPaperboy(args: readonly string[], env: Record<string, string>, log: (line: string) => void): Promise<CommandRun> {
  const started = performance.now();
  const child = spawnPaperboy(args, env, ['ignore', 'pipe', 'pipe']);
  let peak: number | null = null;
  const sample = () => {
    const now = child.pid === undefined ? null : highWaterMarkMiB(child.pid);
    if (now !== null) peak = Math.max(peak ?? 0, now);
  };
  const sampler = setInterval(sample, 200);
  let stdout = '';
  let lastLines: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) log(`  [${args.slice(0, 2).join(' ')}] ${line}`);
    lastLines = [...lastLines, ...lines].slice(-5);
  });
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearInterval(sampler);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`paperboy ${args.join(' ')} exited with ${code ?? signal}: ${lastLines.join(' | ')}`));
      else resolve({ seconds, peakRssMiB: peak, stdout });
    });
  });
}
