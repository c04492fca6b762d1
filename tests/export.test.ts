import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../pipelines/cli.ts';
import { PARTITIONS } from '../pipelines/commands/export.ts';
import { fixedClock } from '../pipelines/lib/clock.ts';
import { createDb, ident } from '../pipelines/lib/db.ts';

// boardpack export --parquet: the curated tables as Hive-partitioned Parquet, read back by DuckDB
// exactly as Spark or Trino would read them (a glob over the folders, partitions from the paths).

let dir: string;
let firstOutput = '';
let said: { out: string; err: string };
const io = () => ({
  stdout: (t: string) => void (said.out += t),
  stderr: (t: string) => void (said.err += t),
  // After the sample's last day (2026-09-30), so no row is dated after its load.
  clock: fixedClock('2026-10-14T12:00:00Z'),
  cwd: dir,
});
const boardpack = async (...args: string[]) => {
  said = { out: '', err: '' };
  const code = await main(['--db', join(dir, 'db.duckdb'), ...args], io());
  return { code, ...said };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-export-'));
  expect((await boardpack('ingest', resolve('fixtures/sample'))).code).toBe(0);
  const exported = await boardpack('export', '--parquet', 'lake');
  expect(exported.err).toBe('');
  expect(exported.code).toBe(0);
  firstOutput = exported.out;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The database's rows and the Parquet read back, compared as multisets in both directions. */
async function compare(table: string): Promise<{ db: number; parquet: number; onlyDb: number; onlyParquet: number; wrongYear: number; columns: string[] }> {
  const db = await createDb(join(dir, 'db.duckdb'));
  try {
    const glob = `'${join(dir, 'lake', table)}/**/*.parquet'`;
    const read = `read_parquet(${glob}, hive_partitioning = true)`;
    const columns = (await db.all<{ name: string }>(`select column_name as name from information_schema.columns where table_name = '${table}' and column_name <> '_load_id' order by ordinal_position`)).map((r) => ident(r.name));
    const list = columns.join(', ');
    const date = PARTITIONS.find((p) => p.table === table)!.date;
    const [row] = await db.all<Record<string, number>>(`select
        (select count(*) from ${ident(table)})::integer as db,
        (select count(*) from ${read})::integer as parquet,
        (select count(*) from (select ${list} from ${ident(table)} except all select ${list} from ${read}))::integer as only_db,
        (select count(*) from (select ${list} from ${read} except all select ${list} from ${ident(table)}))::integer as only_parquet,
        ${date ? `(select count(*) from ${read} where year <> year(${ident(date)}))::integer` : '0'} as wrong_year`);
    const parquetColumns = (await db.all<{ name: string }>(`select column_name as name from (describe select * from ${read})`)).map((r) => r.name);
    return { db: row!.db!, parquet: row!.parquet!, onlyDb: row!.only_db!, onlyParquet: row!.only_parquet!, wrongYear: row!.wrong_year!, columns: parquetColumns };
  } finally {
    db.close();
  }
}

describe('export --parquet', () => {
  it.each(PARTITIONS.map((p) => [p.table]))('%s reads back with the same rows and values as the database', async (table) => {
    const result = await compare(table);
    expect(result.db).toBeGreaterThan(0);
    expect(result.parquet).toBe(result.db);
    expect(result.onlyDb).toBe(0);
    expect(result.onlyParquet).toBe(0);
    expect(result.wrongYear).toBe(0);
    // Provenance kept, the internal load id dropped; the partitions come back from the paths.
    expect(result.columns).toEqual(expect.arrayContaining(['force', '_file_sha256', '_line']));
    expect(result.columns).not.toContain('_load_id');
  });

  it('partitions by force and by year where the table has a natural date, by force alone otherwise', () => {
    const lake = join(dir, 'lake');
    // Partition values are percent-encoded in the path, as Hive does; DuckDB, Spark and Trino decode them.
    const force = 'force=West%20Mercia';
    expect(readdirSync(join(lake, 'incidents'))).toEqual([force]);
    for (const table of ['incidents', 'volunteer_hours', 'training']) {
      const years = readdirSync(join(lake, table, force));
      expect(years.length).toBeGreaterThan(0);
      expect(years.every((d) => /^year=\d{4}$/.test(d))).toBe(true);
    }
    for (const table of ['volunteers', 'actions']) {
      expect(readdirSync(join(lake, table, force)).every((f) => f.endsWith('.parquet'))).toBe(true);
    }
    expect(firstOutput).toMatch(/^Parquet written: .*lake\n {2}incidents: [\d,]+ rows, \d+ files?, partitioned by force, year\n/);
  });

  it('replaces an earlier export whole, leaving no temp folder behind', async () => {
    writeFileSync(join(dir, 'lake', 'incidents', 'stray.parquet'), 'not from this export');
    const again = await boardpack('export', '--parquet', 'lake', '--json');
    expect(again.code).toBe(0);
    const report = JSON.parse(again.out) as { tables: { table: string; rows: number; partitioned_by: string[] }[] };
    expect(report.tables.map((t) => t.table)).toEqual(PARTITIONS.map((p) => p.table));
    expect(report.tables.find((t) => t.table === 'incidents')!.partitioned_by).toEqual(['force', 'year']);
    expect(existsSync(join(dir, 'lake', 'incidents', 'stray.parquet'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect((await compare('incidents')).onlyParquet).toBe(0);
  });

  it.each([
    ['no format', ['export'], 2, /^boardpack: Say where to write the tables/],
    ['a folder holding other files', ['export', '--parquet', 'other'], 2, /^boardpack: other already holds files that are not a boardpack export; pass a new or empty folder\.\n$/],
    ['a file', ['export', '--parquet', 'a-file'], 2, /^boardpack: a-file is a file; pass a folder for the Parquet tables\.\n$/],
    ['no database', ['--db', 'nowhere.duckdb', 'export', '--parquet', 'lake2'], 2, /^boardpack: There is no database at .*nowhere\.duckdb yet/],
  ])('%s: one sentence and the documented exit code', async (_what, args, code, message) => {
    mkdirSync(join(dir, 'other'), { recursive: true });
    writeFileSync(join(dir, 'other', 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'a-file'), 'x');
    said = { out: '', err: '' };
    const result = await main(args[0] === '--db' ? args : ['--db', join(dir, 'db.duckdb'), ...args], io());
    expect(result).toBe(code);
    expect(said.err).toMatch(message);
    expect(said.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'lake2'))).toBe(false);
  });
});
