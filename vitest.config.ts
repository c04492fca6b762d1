import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './tests/support/sequencer.ts';
import { testScratch } from './tests/support/scratch.ts';

const scratch = testScratch();

// Shared by both projects below.
const common = {
  // DuckDB is a native addon: the `forks` pool runs the files in child processes, each loading it once.
  pool: 'forks' as const,
  // A worker runs file after file with the modules it has loaded (DuckDB, Vega, the pipelines)
  // instead of loading them again for every file: no test file changes process-wide state
  // it does not put back (each has its own temp folder, database and clock).
  isolate: false,
  // One DuckDB thread a worker: every table a test makes is smaller than one DuckDB row group
  // (122,880 rows), which DuckDB scans on one thread anyway, and a second thread per worker only
  // added scheduling on two cores the two workers already share (about 10 s of the suite's CPU).
  // The commands the tests run as processes inherit it. Production keeps one thread per core.
  env: { TZ: 'Europe/London', BOARDPACK_THREADS: '1', ...scratch.env },
  testTimeout: 60_000,
  // Set-up that builds packs or ingests (beforeAll) shares two cores with the other files on CI.
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine, so
    // the suite ran a file at a time. Many files wait on child processes, Chromium or the disk.
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongestFirst },
    projects: [
      { test: { ...common, name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/browser/**'] } },
      // One Chromium and one build of the sample packs for all browser test files.
      { test: { ...common, name: 'browser', include: ['tests/browser/**/*.test.ts'], globalSetup: ['tests/support/browserServer.ts'] } },
    ],
  },
});
