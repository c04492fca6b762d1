import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../pipelines/lib/config.ts';
import { checkpoint, createDb } from '../pipelines/lib/db.ts';
import { inTwoLanes } from '../pipelines/metrics/lanes.ts';
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

describe('a reader beside the connection', () => {
  it("sees the connection's session (temp views and macros), made before it or after, and the stored tables", async () => {
    const db = await createDb(':memory:');
    try {
      await db.run('create table t as select n::integer as n from range(5) r(n)');
      await db.session('create or replace temp view evens as select n from t where n % 2 = 0');
      const reader = await db.reader();
      expect(await reader.all('select list(n order by n) as ns from evens')).toEqual([{ ns: [0, 2, 4] }]);
      // Replaced after the reader was made: the reader follows.
      await db.session('create or replace temp view evens as select n from t where n % 2 = 1');
      await db.session('create or replace temp macro twice(x) as 2 * x');
      expect(await (await db.reader()).all('select list(twice(n) order by n) as ns from evens')).toEqual([{ ns: [2, 6] }]);
      // Plain run() is this connection's alone.
      await db.run('create or replace temp view mine as select 1 as one');
      await expect(reader.all('select * from mine')).rejects.toThrow(/mine/);
    } finally {
      db.close();
    }
  });
});

describe('two lanes', () => {
  it('gives every result in the items order, using both connections', async () => {
    const db = await createDb(':memory:');
    try {
      const used = new Set<unknown>();
      const items = [5, 1, 4, 2, 3];
      const results = await inTwoLanes(db, items, async (lane, n) => {
        used.add(lane.connection);
        // The slower items first: the other lane takes the next items meanwhile.
        await new Promise((done) => setTimeout(done, n * 5));
        return ((await lane.all<{ v: number }>(`select ${n} * 10 as v`)) as [{ v: number }])[0].v;
      });
      expect(results).toEqual([50, 10, 40, 20, 30]);
      expect(used.size).toBe(2);
    } finally {
      db.close();
    }
  });

  it('finishes every item before giving the first failure in the items order', async () => {
    const db = await createDb(':memory:');
    try {
      const done: number[] = [];
      const run = inTwoLanes(db, [1, 2, 3, 4], async (lane, n) => {
        if (n === 2 || n === 4) throw new Error(`item ${n}`);
        await lane.all('select 1');
        done.push(n);
        return n;
      });
      await expect(run).rejects.toThrow('item 2');
      expect(done.sort()).toEqual([1, 3]);
    } finally {
      db.close();
    }
  });
});

describe('checkpoint', () => {
  const walBytes = (path: string) => statSync(`${path}.wal`, { throwIfNoEntry: false })?.size ?? 0;

  it('writes the write-ahead log into the file now, and leaves it to the close while another transaction writes', async () => {
    const path = join(folder(), 'b.duckdb');
    const db = await createDb(path);
    try {
      await db.run('create table t as select n::integer as n from range(1000) r(n)');
      expect(walBytes(path)).toBeGreaterThan(0);
      await checkpoint(db);
      expect(walBytes(path)).toBe(0);
      // A transaction changing rows open on the reader: DuckDB refuses to checkpoint, and that is not an error.
      const reader = await db.reader();
      await reader.connection.run('begin transaction');
      await reader.connection.run('update t set n = n + 1 where n < 10');
      await db.run('insert into t values (1001)');
      await checkpoint(db);
      expect(walBytes(path)).toBeGreaterThan(0);
      await reader.connection.run('commit');
      expect(await db.all('select count(*)::integer as n, sum(n)::integer as total from t')).toEqual([{ n: 1001, total: 499500 + 10 + 1001 }]);
    } finally {
      db.close();
    }
  });
});
