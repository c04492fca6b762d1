import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateUnit, Type, tableFromIPC, type DateDay } from 'apache-arrow';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { createDb } from '../../pipelines/lib/db.ts';
import { sha256Text } from '../../pipelines/lib/hashing.ts';
import { neutralise, toCsv } from '../../pipelines/packs/exportTables.ts';

// Exports beside each pack: CSV safe for Excel, Arrow and Parquet that read back to the same values.

describe('CSV for Excel', () => {
  it('neutralises text that Excel would run as a formula, and leaves numbers alone', () => {
    expect(['=HYPERLINK("http://evil.invalid","x")', '+44 7700', '-rm', '@SUM(A1)', '\t=1', 'Hacking - server', ''].map(neutralise)).toEqual([
      `'=HYPERLINK("http://evil.invalid","x")`,
      "'+44 7700",
      "'-rm",
      "'@SUM(A1)",
      "'\t=1",
      'Hacking - server',
      '',
    ]);
    const csv = toCsv(
      ['key', 'value'],
      [
        { key: '=1+1', value: -5 },
        { key: 'a, "b"\nc', value: null },
      ],
    );
    expect(csv).toBe('\uFEFFkey,value\r\n\'=1+1,-5\r\n"a, ""b""\nc",\r\n');
  });
});

describe('exports beside a pack', () => {
  let dir: string;
  const io = () => ({ stdout: () => {}, stderr: () => {}, clock: fixedClock('2025-10-14T12:00:00Z'), cwd: dir });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boardpack-exports-'));
    // 12 crimes in Q2 2025-26, 4 in each of July, August and September, all NFIB52A; 1 in Q1.
    const q2 = Array.from({ length: 12 }, (_, i) => `C${i},${10 + i}/0${7 + (i % 3)}/2025,NFIB52A,Individual`);
    writeFileSync(join(dir, 'incidents.csv'), ['Crime Reference,Date Reported,NFIB Code,Victim Type', ...q2, 'X1,03/04/2025,NFIB53A,Business'].join('\r\n'));
    expect(await main(['--db', join(dir, 'db.duckdb'), 'ingest', 'incidents.csv'], io())).toBe(0);
    expect(await main(['--db', join(dir, 'db.duckdb'), 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14'], io())).toBe(0);
    expect(await main(['--db', join(dir, 'db.duckdb'), 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--edition', 'public'], io())).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every export in the manifest with its SHA-256', () => {
    const folder = join(dir, 'out', '2025-26-Q2-board');
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { exports: { file: string; sha256: string }[] };
    expect(manifest.exports.map((e) => e.file)).toEqual([
      'metrics.csv',
      'metrics.arrow',
      'breakdowns.csv',
      'breakdowns.arrow',
      'series.csv',
      'series.arrow',
      'incidents.parquet',
      'volunteers.parquet',
      'volunteer_hours.parquet',
      'training.parquet',
      'actions.parquet',
    ]);
    for (const e of manifest.exports) expect(sha256Text(readFileSync(join(folder, e.file)))).toBe(e.sha256);
  });

  it('reads the Arrow files back to the manifest values', () => {
    const folder = join(dir, 'out', '2025-26-Q2-board');
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { metrics: { id: string; value: number | null }[] };
    const table = tableFromIPC(readFileSync(join(folder, 'metrics.arrow')));
    const ids = table.getChild('metric_id')!.toArray() as string[];
    const values = [...table.getChild('value')!].map((v) => (v === null ? null : Number(v)));
    expect(ids).toEqual(manifest.metrics.map((m) => m.id));
    expect(values).toEqual(manifest.metrics.map((m) => m.value));
    // 12 crimes in Q2 (July to September 2025), all NFIB52A: Hacking - server.
    const breakdowns = tableFromIPC(readFileSync(join(folder, 'breakdowns.arrow')));
    const rows = breakdowns
      .toArray()
      .map((r) => r.toJSON())
      .filter((r) => r.metric_id === 'INC-02' && r.key === 'Hacking - server');
    expect(rows.map((r) => Number(r.value))).toEqual([12]);
  });

  it('stores the series dates as Arrow dates (date32, days), text as text and figures as numbers', () => {
    const table = tableFromIPC(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'series.arrow')));
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({ metric_id: 'Utf8', period: 'Utf8', start: 'Date32<DAY>', end: 'Date32<DAY>', value: 'Float64' });
    const dates = table.schema.fields.filter((f) => f.type.typeId === Type.Date && (f.type as DateDay).unit === DateUnit.DAY).map((f) => f.name);
    expect(dates).toEqual(['start', 'end']);
    // 4 crimes in each of July, August and September 2025.
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const rows = table
      .toArray()
      .map((r) => r.toJSON())
      .filter((r) => r.metric_id === 'INC-01' && ['2025-07-01', '2025-09-01'].includes(day(r.start)));
    expect(rows.map((r) => [r.period, day(r.start), day(r.end), r.value])).toEqual([
      ['2025-07', '2025-07-01', '2025-07-31', 4],
      ['2025-09', '2025-09-01', '2025-09-30', 4],
    ]);
  });

  it('types the other Arrow files as docs/exports.md lists them: figures Float64, as each column mixes units', () => {
    const types = (file: string) => Object.fromEntries(tableFromIPC(readFileSync(join(dir, 'out', '2025-26-Q2-board', file))).schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types('metrics.arrow')).toEqual({
      metric_id: 'Utf8',
      title: 'Utf8',
      unit: 'Utf8',
      value: 'Float64',
      previous: 'Float64',
      year_ago: 'Float64',
      change: 'Float64',
      change_pct: 'Float64',
      target: 'Float64',
      rag: 'Utf8',
      suppressed: 'Bool',
    });
    expect(types('breakdowns.arrow')).toEqual({ metric_id: 'Utf8', key: 'Utf8', value: 'Float64', previous: 'Float64', year_ago: 'Float64' });
  });

  it('reads the Parquet tables back with DuckDB', async () => {
    const db = await createDb(':memory:');
    const rows = await db.all<{ n: number; q2: number }>(
      `select count(*)::integer as n, count(*) filter (where reported_on between date '2025-07-01' and date '2025-09-30')::integer as q2 from read_parquet('${join(dir, 'out', '2025-26-Q2-board', 'incidents.parquet')}')`,
    );
    db.close();
    expect(rows).toEqual([{ n: 13, q2: 12 }]);
  });

  it('publishes no row-level table in the public edition, and only controlled figures in its CSV', () => {
    const folder = join(dir, 'out', '2025-26-Q2-public');
    expect(existsSync(join(folder, 'incidents.parquet'))).toBe(false);
    const csv = readFileSync(join(folder, 'metrics.csv'), 'utf8');
    // Q1 had 1 crime: previous is controlled (empty), never 1. Q2's 12 crimes are 4 in each of
    // July, August and September; each month shows as <5, so showing 12 would pin every month
    // at 4: the value is hidden too. The year-ago quarter had none: 0 is shown.
    expect(csv.split('\r\n').find((l) => l.startsWith('INC-01,'))).toBe('INC-01,Crimes reported,count,,,0,,,,,true');
  });
});
