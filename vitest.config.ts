import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // DuckDB is a native addon: the default `forks` pool keeps each test file in its own process.
    pool: 'forks',
    env: { TZ: 'Europe/London' },
    testTimeout: 60_000,
  },
});
