import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/helpers/property-time-limit.ts', 'test/helpers/temp-dirs-cleanup.ts'],
    // The slowest tests (a browser checking accessibility on several pages, a sender killed mid-run) take 15–20 s on
    // a quiet 2-core machine: twice that leaves room for a loaded one.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // Tests run in random order inside each file, so none can lean on what another wrote; vitest prints the seed
    // ("Running tests with seed …"), and `--sequence.seed=<seed>` replays an order. Files keep the default order
    // (slowest first, from the previous run), which keeps the wall time short; each file has its own stores.
    sequence: { shuffle: { files: false, tests: true } },
  },
});
