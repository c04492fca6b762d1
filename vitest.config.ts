import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './tests/support/sequencer.ts';
import { testScratch } from './tests/support/scratch.ts';

const scratch = testScratch();

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // DuckDB is a native addon: the `forks` pool runs the files in child processes, each loading it once.
    pool: 'forks',
    // A worker runs file after file with the modules it has loaded (DuckDB, Vega, the pipelines)
    // instead of loading them again for every file: no test file changes process-wide state
    // it does not put back (each has its own temp folder, database and clock). One project, so
    // the two workers run every file: vitest gives each project workers of its own, and with the
    // browser tests as a second project a run started seven workers, each loading it all again.
    isolate: false,
    // A worker's old generation starts at 256 MB instead of a few MB. A worker keeps 40-130 MB
    // live (the modules, Vega, DuckDB's bindings), and V8 set each next limit a little above
    // that, so the builds' allocations ran a full mark-compact every second or so: 279 of
    // them in a run, 18 s of the workers' own time plus their marking threads, about a sixth
    // of the suite's CPU. Now about 85 (docs/performance.md, "Issue 17, fifth pass").
    execArgv: ['--initial-old-space-size=256'],
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine, so
    // the suite ran a file at a time. Many files wait on child processes, Chromium or the disk.
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongestFirst },
    // One Chromium for all browser test files, and a folder where the sample packs are built once.
    globalSetup: ['tests/support/browserServer.ts'],
    // One DuckDB thread a worker: every table a test makes is smaller than one DuckDB row group
    // (122,880 rows), which DuckDB scans on one thread anyway, and a second thread per worker only
    // added scheduling on two cores the two workers already share (about 10 s of the suite's CPU).
    // The commands the tests run as processes inherit it. Production keeps one thread per core.
    env: { TZ: 'Europe/London', BOARDPACK_THREADS: '1', ...scratch.env },
    testTimeout: 60_000,
    // Set-up that builds packs or ingests (beforeAll) shares two cores with the other files on CI.
    hookTimeout: 120_000,
  },
});
