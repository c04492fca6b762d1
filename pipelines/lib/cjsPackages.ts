import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';
import type PapaParse from 'papaparse';

/**
 * The CommonJS packages the pipeline uses, loaded with require() on first use. An ES `import`
 * of a CommonJS package makes Node scan its source for export names, and DuckDB's entry
 * re-exports about 120 files: 0.12-0.15 s of every start (`boardpack status` took 0.3 s of CPU
 * with it, half without). Loaded on first use, so `--help` and usage errors never load them.
 */

const require = createRequire(import.meta.url);
let duckdbModule: typeof DuckDB | undefined;
let papaModule: typeof PapaParse | undefined;

export function duckdb(): typeof DuckDB {
  return (duckdbModule ??= require('@duckdb/node-api') as typeof DuckDB);
}

export function papaparse(): typeof PapaParse {
  return (papaModule ??= require('papaparse') as typeof PapaParse);
}
