// Runs the vitest suite and ends with one plain summary line ("N passed, N failed, N skipped") that any CI can read.
// Extra arguments are passed to vitest (e.g. a file filter, or --sequence.seed=N to replay a test order).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';

const resultsFile = path.resolve('test-artifacts/vitest-results.json');
const inFlightFile = path.resolve('test-artifacts/in-flight.txt');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });
fs.rmSync(inFlightFile, { force: true });

// The whole suite takes 5–10 minutes; one that hangs is stopped well before a CI's own limit, naming what hung.
const DEADLINE_MINUTES = 40;

// Tests run in random order (vitest.config.ts); the seed is chosen here, unless given, so it can be printed last.
const extraArgs = process.argv.slice(2);
const givenSeed = extraArgs.find((arg) => arg.startsWith('--sequence.seed'));
const seed = givenSeed ? null : Date.now() % 1_000_000_000;

const vitest = spawn(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    '--reporter=./test/helpers/in-flight-reporter.ts',
    ...(seed === null ? [] : [`--sequence.seed=${seed}`]),
    ...extraArgs,
  ],
  // A process group of its own, so the deadline stops the test workers and what they started too.
  { stdio: 'inherit', detached: true },
);
// Ctrl-C reaches only this process's group: pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.kill(-vitest.pid, signal));
let overDeadline = false;
const deadline = setTimeout(() => {
  overDeadline = true;
  process.kill(-vitest.pid, 'SIGKILL');
}, DEADLINE_MINUTES * 60_000);
const status = await new Promise((resolve) => vitest.on('exit', (code) => resolve(code)));
clearTimeout(deadline);

if (overDeadline) {
  const inFlight = fs.existsSync(inFlightFile) ? fs.readFileSync(inFlightFile, 'utf8').trim() : '';
  console.log(
    `\nThe suite did not finish within ${DEADLINE_MINUTES} minutes and was stopped. Still running:\n${inFlight || '(nothing recorded)'}`,
  );
}

let summary = 'Tests: no results were written';
if (fs.existsSync(resultsFile)) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  summary = `Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
}
if (seed !== null) console.log(`\nTest order seed ${seed}: replay it with node scripts/run-tests.mjs --sequence.seed=${seed}`);
console.log(`\n${summary}`);
process.exit(overDeadline ? 1 : (status ?? 1));
