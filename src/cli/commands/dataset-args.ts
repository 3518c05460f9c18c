import fs from 'node:fs';
import { UsageError } from '../command.js';

/** The dataset directory and split an evaluation command was given (`<dir> [--split name]`, split `test` by default). */
export function datasetArguments(positionals: readonly string[], splitOption: string | undefined): { directory: string; split: string } {
  if (positionals.length !== 1) throw new UsageError('give one dataset directory');
  const directory = positionals[0]!;
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) throw new UsageError(`no such directory: ${directory}`);
  const split = splitOption ?? 'test';
  if (!/^[\w-]+$/.test(split)) throw new UsageError(`--split must be a name like train or test (got "${split}")`);
  return { directory, split };
}
