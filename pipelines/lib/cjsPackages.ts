import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';
import type PapaParse from 'papaparse';

/**
 * The CommonJS packages the pipeline uses, loaded on first use, so `--help` and usage errors
 * never load them. An ES `import` of a CommonJS package makes Node scan its source for export
 * names, and DuckDB's entry re-exports about 120 files: 0.12-0.15 s of every start. So:
 * DuckDB is imported when the first database opens, and bin/boardpack.js bundles its
 * JavaScript into the CLI (its native part stays a package), so the bundle never scans or
 * resolves those files; papaparse is require()d.
 */

let duckdbModule: typeof DuckDB | undefined;
let papaModule: typeof PapaParse | undefined;

/** DuckDB's API, loaded on the first call (lib/db.ts, before it opens a database). */
export async function loadDuckdb(): Promise<typeof DuckDB> {
  if (duckdbModule) return duckdbModule;
  const loaded: object = await import('@duckdb/node-api');
  // Node gives a CommonJS package's exports by name and as `default`; a chunk of the CLI's bundle only as `default`.
  duckdbModule = ('DuckDBInstance' in loaded ? loaded : (loaded as { default: unknown }).default) as typeof DuckDB;
  return duckdbModule;
}

/** DuckDB's API where a database is open already. */
export function duckdb(): typeof DuckDB {
  if (!duckdbModule) throw new Error('DuckDB was used before any database was opened.');
  return duckdbModule;
}

export function papaparse(): typeof PapaParse {
  return (papaModule ??= createRequire(import.meta.url)('papaparse') as typeof PapaParse);
}
