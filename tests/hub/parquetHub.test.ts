import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateExports } from '../../scripts/generate/index.ts';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { openParquetSource } from '../../pipelines/model/parquetSource.ts';
import { runCli } from '../support/cli.ts';

// A regional hub over Parquet (issue 15, item 7): the four forces of the West Midlands region each
// ingest their own exports into their own database and `export --parquet` into ONE folder; the same
// exports ingested into ONE database (its configured force changed between ingests) must give a pack
// with the same figures as `build --from-parquet` over that folder. Both sides see the same rows, so
// this holds whether a pack reads every force or one.

const FORCES = [
  { force: 'West Mercia', code: 'WM', seed: 11, at: '2026-10-01T08:00:00Z' },
  { force: 'West Midlands', code: 'WMP', seed: 12, at: '2026-10-01T09:00:00Z' },
  { force: 'Staffordshire', code: 'STAFF', seed: 13, at: '2026-10-01T10:00:00Z' },
  { force: 'Warwickshire', code: 'WARKS', seed: 14, at: '2026-10-01T11:00:00Z' },
];
/** Staffordshire's tracker exported again later: its first actions move to history, which ACT figures read. */
const LATER_ACTIONS = { force: 'Staffordshire', at: '2026-10-05T08:00:00Z' };
const BUILD_AT = '2026-10-14T12:00:00Z';
const BUILD = ['--period', '2026-27-Q1', '--as-of', '2026-10-14'];
const HUB_CONFIG = { force: 'West Mercia', force_code: 'WM' };

let root: string;
const exportsOf = (force: string) => join(root, 'exports', force);
const laterActions = () => join(root, 'exports', 'later-actions');

function writeConfig(dir: string, settings: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify(settings));
}

async function ok(dir: string, at: string, args: string[]): Promise<string> {
  const run = await runCli(dir, at, args);
  if (run.code !== 0) throw new Error(`boardpack ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

interface Manifest {
  metrics: Record<string, unknown>[];
  data_quality: { id: string; status: string; count: number }[];
  snapshot: { files: { dataset: string; sha256: string }[] };
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, '2026-27-Q1-board', 'manifest.json'), 'utf8')) as Manifest;

/** Every figure of a pack: values, numerators, denominators, breakdowns, series, suppression; each check's count. */
function figures(manifest: Manifest) {
  const fields = ['id', 'value', 'previous', 'year_ago', 'numerator', 'denominator', 'previous_denominator', 'year_ago_denominator', 'breakdown', 'series', 'suppressed', 'rag'];
  return {
    metrics: manifest.metrics.map((m) => Object.fromEntries(fields.map((f) => [f, m[f] ?? null]))),
    checks: manifest.data_quality.map((c) => ({ id: c.id, status: c.status, count: c.count })),
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'boardpack-hub-'));
  for (const { force, seed } of FORCES) {
    // Small (about 120 crimes a year over two and a half years); the first force's with the documented defects.
    generateExports({ out: exportsOf(force), seed, start: '2024-04-01', end: '2026-09-30', incidentsPerYear: 120, eventsPerYear: 30, volunteers: 10, personal: false, messy: force === 'West Mercia' });
  }
  mkdirSync(laterActions(), { recursive: true });
  const actions = readFileSync(join(exportsOf(LATER_ACTIONS.force), 'actions.csv'), 'utf8');
  // The later export closes an action that was not started: figures as at an earlier date read the first export's
  // version of it, from history (the earliest export held), so the hub must carry the replaced versions.
  const lines = actions.split('\r\n');
  const i = lines.findIndex((line) => line.includes(',Not started,'));
  lines[i] = lines[i]!.replace(',Not started,', ',Closed,');
  writeFileSync(join(laterActions(), 'actions.csv'), lines.join('\r\n'));

  // Each force: its own database and configuration, exported into the one hub folder.
  const hub = join(root, 'hub');
  for (const { force, code, at } of FORCES) {
    const dir = join(root, 'force', code);
    writeConfig(dir, { force, force_code: code });
    await ok(dir, at, ['ingest', exportsOf(force)]);
    if (force === LATER_ACTIONS.force) await ok(dir, LATER_ACTIONS.at, ['ingest', laterActions()]);
  }
  // Exported after every force has loaded, in another order than they loaded: the hub orders loads by time.
  for (const { code } of [...FORCES].reverse()) await ok(join(root, 'force', code), BUILD_AT, ['export', '--parquet', join(hub, 'lake')]);

  // One database: the same exports, the configured force changed before each force's ingest.
  const single = join(root, 'single');
  for (const { force, code, at } of FORCES) {
    writeConfig(single, { force, force_code: code });
    await ok(single, at, ['ingest', exportsOf(force)]);
  }
  // Days later, as Staffordshire's own database loaded it.
  writeConfig(single, { force: LATER_ACTIONS.force, force_code: 'STAFF' });
  await ok(single, LATER_ACTIONS.at, ['ingest', laterActions()]);

  writeConfig(single, HUB_CONFIG);
  writeConfig(hub, HUB_CONFIG);
  await ok(single, BUILD_AT, ['build', ...BUILD, '--out', 'packs']);
  await ok(hub, BUILD_AT, ['build', '--from-parquet', 'lake', ...BUILD, '--out', 'packs']);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('build --from-parquet over four forces exported into one folder', () => {
  it('holds every force side by side, each under its own force= folder', () => {
    const folders = readdirSync(join(root, 'hub', 'lake', 'incidents')).sort();
    expect(folders).toEqual(['force=Staffordshire', 'force=Warwickshire', 'force=West%20Mercia', 'force=West%20Midlands']);
    // Staffordshire's replaced actions travel with the export.
    expect(readdirSync(join(root, 'hub', 'lake', '_history', 'actions'))).toEqual(['force=Staffordshire']);
  });

  it('gives the same figures and data-quality counts as the same exports ingested into one database', () => {
    const fromDb = readManifest(join(root, 'single', 'packs'));
    const fromHub = readManifest(join(root, 'hub', 'packs'));
    // Not vacuous: crimes in the quarter, actions (with a replaced version), warnings from the defects.
    const byId = (m: Manifest, id: string) => m.metrics.find((x) => x.id === id)!;
    expect(byId(fromHub, 'INC-01').value).toBeGreaterThan(0);
    expect(fromHub.data_quality.find((c) => c.id === 'DQ-03')!.count).toBeGreaterThan(0);
    expect(figures(fromHub)).toEqual(figures(fromDb));
  });

  it('reads every file each force loaded: five exports per force and the later tracker, in load order', () => {
    const fromDb = readManifest(join(root, 'single', 'packs'));
    const fromHub = readManifest(join(root, 'hub', 'packs'));
    expect(fromHub.snapshot.files).toHaveLength(4 * 5 + 1);
    expect(fromHub.snapshot.files.map((f) => [f.dataset, f.sha256])).toEqual(fromDb.snapshot.files.map((f) => [f.dataset, f.sha256]));
  });

  it("has every table a pack reads in a force's database shape: the same columns, in the same order, of the same types", async () => {
    const shape = async (db: Db) =>
      db.all(`select table_name, column_name, data_type from information_schema.columns
        where table_name in ('incidents', 'volunteers', 'volunteer_hours', 'training', 'actions', 'actions_history', 'actions_versions', 'ingested_files', 'data_quality_warnings', 'ref_nfib_codes')
        order by table_name, ordinal_position`);
    const hub = await openParquetSource('lake', loadConfig({ cwd: join(root, 'hub') }), join(root, 'hub'));
    const single = await createDb(join(root, 'single', 'db.duckdb'));
    try {
      const [fromHub, fromDb] = [await shape(hub), await shape(single)];
      expect(fromHub.length).toBeGreaterThan(100);
      expect(fromHub).toEqual(fromDb);
      // Every row of every force, and force as text (not a number or a partition of another type).
      const count = 'select count(*)::integer as n, count(distinct force)::integer as forces from incidents';
      expect(await hub.all(count)).toEqual(await single.all(count));
    } finally {
      hub.close();
      single.close();
    }
  });

  it('reads an object-store prefix the same way (a file:// URL here: the marker and globs through DuckDB, not the file system)', async () => {
    const hub = join(root, 'hub');
    await ok(hub, BUILD_AT, ['build', '--from-parquet', `file://${join(hub, 'lake')}`, ...BUILD, '--out', 'packs-url']);
    expect(figures(readManifest(join(hub, 'packs-url')))).toEqual(figures(readManifest(join(hub, 'packs'))));
    const missing = await runCli(hub, BUILD_AT, ['build', '--from-parquet', `file://${join(hub, 'nowhere')}`, ...BUILD, '--out', 'errors']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^boardpack: There is no boardpack export at file:\/\/.*nowhere \(no _boardpack_export\.json there\); pass the folder or prefix boardpack export --parquet wrote\.\n$/);
  });

  it("a force exporting again replaces its own folders only, and the marker lists each force's latest export", async () => {
    const lake = join(root, 'hub', 'lake');
    writeFileSync(join(lake, 'incidents', 'force=Staffordshire', 'stale.parquet'), 'from an earlier export');
    writeFileSync(join(lake, 'incidents', 'force=Warwickshire', 'theirs.txt'), 'another force');
    const again = JSON.parse(await ok(join(root, 'force', 'STAFF'), BUILD_AT, ['--json', 'export', '--parquet', lake])) as { other_forces_kept: string[] };
    expect(again.other_forces_kept).toEqual(['Warwickshire', 'West Mercia', 'West Midlands']);
    expect(readdirSync(join(lake, 'incidents', 'force=Staffordshire'))).not.toContain('stale.parquet');
    expect(readdirSync(join(lake, 'incidents', 'force=Warwickshire'))).toContain('theirs.txt');
    const marker = JSON.parse(readFileSync(join(lake, '_boardpack_export.json'), 'utf8')) as { exports: { forces: string[] }[] };
    expect(marker.exports.map((e) => e.forces)).toEqual([['Warwickshire'], ['West Midlands'], ['West Mercia'], ['Staffordshire']]);
  });

  it.each([
    ['a folder that does not exist', ['--from-parquet', 'nowhere'], 2, /^boardpack: There is no folder nowhere; pass the folder boardpack export --parquet wrote\.\n$/],
    ['a folder that is not a boardpack export', ['--from-parquet', 'plain'], 2, /^boardpack: plain is not a boardpack Parquet export \(it has no _boardpack_export\.json\); pass the folder/],
    ['an export missing a table its forces wrote', ['--from-parquet', 'broken'], 1, /^boardpack: broken holds no Parquet files for incidents, though its exports wrote \d+ rows there; copy the export again/],
    ['with --snapshot', ['--from-parquet', 'lake', '--snapshot', 'abc'], 2, /^boardpack: --snapshot rebuilds from a database's own history and --from-parquet reads exported tables as they are now; give one or the other\.\n$/],
  ])('%s: one sentence and the documented exit code', async (_what, args, code, message) => {
    const hub = join(root, 'hub');
    mkdirSync(join(hub, 'plain'), { recursive: true });
    writeFileSync(join(hub, 'plain', 'notes.txt'), 'mine');
    rmSync(join(hub, 'broken'), { recursive: true, force: true });
    cpSync(join(hub, 'lake'), join(hub, 'broken'), { recursive: true });
    rmSync(join(hub, 'broken', 'incidents'), { recursive: true });
    const run = await runCli(hub, BUILD_AT, ['build', ...args, ...BUILD, '--out', 'errors']);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
