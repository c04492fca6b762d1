import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../pipelines/lib/config.ts';
import { createDb } from '../pipelines/lib/db.ts';
import { UsageError } from '../pipelines/lib/errors.ts';

const dirs: string[] = [];
function folder(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'boardpack-db-'));
  dirs.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify(config));
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DuckDB resource settings', () => {
  it('defaults to a 1 GB memory limit, DuckDB threads and spill folder', () => {
    expect(loadConfig({ cwd: folder(), env: {} }).duckdb).toEqual({ memoryLimit: '1GB', threads: null, tempDirectory: null });
  });

  it('reads the configuration file, with the environment winning', () => {
    const dir = folder({ duckdb: { memory_limit: '512MB', threads: 1, temp_directory: 'spill' } });
    expect(loadConfig({ cwd: dir, env: {} }).duckdb).toEqual({ memoryLimit: '512MB', threads: 1, tempDirectory: join(dir, 'spill') });
    expect(loadConfig({ cwd: dir, env: { BOARDPACK_MEMORY_LIMIT: '2GB', BOARDPACK_THREADS: '2' } }).duckdb).toMatchObject({ memoryLimit: '2GB', threads: 2 });
  });

  it('refuses a limit that is not a size, and threads that are not a whole number', () => {
    expect(() => loadConfig({ cwd: folder({ duckdb: { memory_limit: 'lots' } }), env: {} })).toThrow(UsageError);
    expect(() => loadConfig({ cwd: folder(), env: { BOARDPACK_MEMORY_LIMIT: '80%' } })).toThrow(/not a size/);
    expect(() => loadConfig({ cwd: folder({ duckdb: { threads: 0 } }), env: {} })).toThrow(/whole number/);
    expect(() => loadConfig({ cwd: folder({ duckdb: 'small' }), env: {} })).toThrow(UsageError);
  });

  it('applies them to the database it opens', async () => {
    const dir = folder();
    const db = await createDb(join(dir, 'x.duckdb'), { memoryLimit: '256MB', threads: 1, tempDirectory: join(dir, 'spill') });
    try {
      const [row] = await db.all<{ memory: string; threads: number; temp: string }>(`select current_setting('memory_limit') as memory, current_setting('threads')::integer as threads, current_setting('temp_directory') as temp`);
      expect(row).toEqual({ memory: '244.1 MiB', threads: 1, temp: join(dir, 'spill') });
    } finally {
      db.close();
    }
  });
});
