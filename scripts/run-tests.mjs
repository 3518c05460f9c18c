// Runs the vitest suite and ends with one plain summary line ("N passed, N failed, N skipped") that any CI can read.
// Extra arguments are passed to vitest (e.g. a file filter, or --sequence.seed=N to replay a test order).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const resultsFile = path.resolve('test-artifacts/vitest-results.json');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });

// Tests run in random order (vitest.config.ts); the seed is chosen here, unless given, so it can be printed last.
const extraArgs = process.argv.slice(2);
const givenSeed = extraArgs.find((arg) => arg.startsWith('--sequence.seed'));
const seed = givenSeed ? null : Date.now() % 1_000_000_000;

const vitest = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...(seed === null ? [] : [`--sequence.seed=${seed}`]),
    ...extraArgs,
  ],
  { stdio: 'inherit' },
);

let summary = 'Tests: no results were written';
if (fs.existsSync(resultsFile)) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  summary = `Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
}
if (seed !== null) console.log(`\nTest order seed ${seed}: replay it with node scripts/run-tests.mjs --sequence.seed=${seed}`);
console.log(`\n${summary}`);
process.exit(vitest.status ?? 1);
