import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config.js';

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** The job finished but skipped some records; the summary says which and why. */
  partial: 3,
} as const;

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  readonly config: Config;
  readonly io: CommandIo;
  readonly argv: readonly string[];
}

export interface Command {
  /** Words that select the command, e.g. `import arxiv-snapshot`. */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(ctx: CommandContext): Promise<number>;
}

export class UsageError extends Error {}

/** parseArgs that turns unknown flags and missing values into a UsageError. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
