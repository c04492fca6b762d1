import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // DuckDB is a native addon: the default `forks` pool keeps each test file in its own process.
    pool: 'forks',
    env: { TZ: 'Europe/London' },
    testTimeout: 60_000,
    // Set-up that builds packs or ingests (beforeAll) shares two cores with the other files on CI.
    hookTimeout: 120_000,
  },
});
