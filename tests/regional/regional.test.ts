import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createDb } from '../../pipelines/lib/db.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';
import { runCli } from '../support/cli.ts';
import { feasibleValues } from './feasible.ts';

// Four forces in one database, from fixtures/regional (its README works every figure by hand):
// West Mercia and two others delivered with --force, West Midlands with a Force column. The same
// crime references (CR-0001 to CR-0006) and volunteer ID (CV0001) appear in two forces.

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/regional');
const AT = '2026-10-14T09:00:00Z';
const PERIOD = ['--period', '2026-27-Q2', '--as-of', '2026-10-14'];
let dir: string;

const manifestOf = (folder: string) => JSON.parse(readFileSync(join(dir, 'out', folder, 'manifest.json'), 'utf8')) as Manifest;
const figure = (m: Manifest, metric: string, place: string) => m.comparison!.figures.find((f) => f.metric === metric && f.place === place)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-regional-'));
  const config = JSON.parse(readFileSync(join(FIXTURE, 'boardpack.config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ ...config, $schema: undefined, reference_dir: join(FIXTURE, 'reference') }));
  for (const [folder, force] of [
    ['west-mercia', 'West Mercia'],
    ['west-midlands', null],
    ['staffordshire', 'staffordshire'],
    ['warwickshire', 'Warwickshire'],
  ] as const) {
    const run = await runCli(dir, AT, ['ingest', join(FIXTURE, folder), ...(force ? ['--force', force] : [])]);
    expect(run.code, run.stderr).toBe(0);
  }
  for (const edition of ['board', 'public']) {
    const run = await runCli(dir, AT, ['build', '--pack', 'regional', '--edition', edition, ...PERIOD]);
    expect(run.code, run.stderr).toBe(0);
  }
  expect((await runCli(dir, AT, ['build', ...PERIOD])).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('four forces in one database', () => {
  it('keeps the same key in two forces as two records, each with its force', async () => {
    const db = await createDb(join(dir, 'db.duckdb'));
    try {
      const rows = await db.all<{ force: string }>(`select force from incidents where crime_ref = 'CR-0001' order by force`);
      expect(rows.map((r) => r.force)).toEqual(['West Mercia', 'West Midlands']);
      const volunteers = await db.all<{ force: string }>(`select force from volunteers where volunteer_id = 'CV0001' order by force`);
      expect(volunteers.map((r) => r.force)).toEqual(['West Mercia', 'West Midlands']);
    } finally {
      db.close();
    }
  });

  it("gives the regional pack each force's figures, the region's total, rates per 100,000 and most similar group averages", () => {
    const m = manifestOf('2026-27-Q2-regional-board');
    expect(m.pack.force).toBe('West Midlands region');
    expect(m.pack.scope).toEqual({ kind: 'region', forces: ['West Mercia', 'West Midlands', 'Staffordshire', 'Warwickshire'], code: 'WMR' });
    const value = (metric: string) => ['West Mercia', 'West Midlands', 'Staffordshire', 'Warwickshire', 'West Midlands region'].map((p) => figure(m, metric, p).value);
    expect(value('INC-01')).toEqual([6, 12, 3, 5, 26]);
    expect(value('INC-03')).toEqual([2, 3, 1, 0, 6]);
    expect(value('VOL-01')).toEqual([2, 2, 1, 0, 5]);
    // VOL-03 by (force, volunteer): joined on the ID alone, West Midlands' CV0001 duty would make West Mercia's CV0001 deployed (60.0).
    expect(value('VOL-03')).toEqual([50, 50, 0, null, 40]);
    expect(m.metrics.find((x) => x.id === 'INC-01')!.value).toBe(26);
    // 6 / 1,000,000; 12 / 3,000,000; 3 / 1,500,000; 5 / 600,000; 26 / 6,100,000 (x 100,000, 1 dp).
    expect(['West Mercia', 'West Midlands', 'Staffordshire', 'Warwickshire', 'West Midlands region'].map((p) => figure(m, 'INC-01', p).rate_display)).toEqual(['0.6', '0.4', '0.2', '0.8', '0.4']);
    // Most similar groups: West Mercia (Staffordshire 0.2, Warwickshire 0.833) 0.517; Staffordshire (0.6, 0.833) 0.717;
    // Warwickshire (0.6, 0.2; Leicestershire not loaded) 0.4; West Midlands' group has no force loaded here.
    expect(figure(m, 'INC-01', 'West Mercia').msg).toEqual({ value: 0.5, display: '0.5', peers: ['Staffordshire', 'Warwickshire'] });
    expect(figure(m, 'INC-01', 'Staffordshire').msg?.value).toBe(0.7);
    expect(figure(m, 'INC-01', 'Warwickshire').msg).toEqual({ value: 0.4, display: '0.4', peers: ['West Mercia', 'Staffordshire'] });
    expect(figure(m, 'INC-01', 'West Midlands').msg?.display).toBe('n/a');
    // INC-03: Staffordshire 1 / 1,500,000 = 0.067, Warwickshire 0: West Mercia's group averages 0.033.
    expect(figure(m, 'INC-03', 'West Mercia').msg?.display).toBe('0.0');
    expect(figure(m, 'INC-01', 'Staffordshire').citation_id).toBe('WMR-SP-2026-27-Q2-INC-01');
    expect(figure(m, 'INC-01', 'West Midlands region').citation_id).toBe('WMR-2026-27-Q2-INC-01');
    // The region's own figure has its rate too: 26 / 6,100,000 x 100,000.
    expect(m.metrics.find((x) => x.id === 'INC-01')!.rate).toMatchObject({ value: 0.4, population: 6_100_000 });
  });

  it("keeps West Mercia's own pack to West Mercia's rows and files", () => {
    const m = manifestOf('2026-27-Q2-board');
    const value = (id: string) => m.metrics.find((x) => x.id === id)!.value;
    expect([value('INC-01'), value('VOL-01'), value('VOL-03')]).toEqual([6, 2, 50]);
    expect(m.inputs.map((i) => i.file).sort()).toEqual(['incidents.csv', 'volunteer_hours.csv', 'volunteers.csv']);
    expect(m.metrics.find((x) => x.id === 'INC-01')!.citation_id).toBe('WM-2026-27-Q2-INC-01');
    // West Mercia's population is in the fixture's reference data: 6 / 1,000,000 x 100,000.
    expect(m.metrics.find((x) => x.id === 'INC-01')!.rate?.display).toBe('0.6');
  });

  it('shows the board rates and averages in words the board reads', () => {
    const html = readFileSync(join(dir, 'out', '2026-27-Q2-regional-board', 'index.html'), 'utf8');
    expect(html).toContain('Crimes reported by force: Q2 2026-27');
    expect(html).toContain('Per 100,000 residents');
    expect(html).toMatch(/<th scope="row">West Midlands<\/th><td class="num">12<\/td><td class="num">0.4<\/td><td class="num">not available<\/td>/);
  });

  it("protects a force's small count in the public regional pack from subtraction from the total", () => {
    const m = manifestOf('2026-27-Q2-regional-public');
    const staffordshire = figure(m, 'INC-01', 'Staffordshire');
    expect(staffordshire.display).toBe('<5');
    // With the population published, a rate gives its count back: it goes with the count.
    expect(staffordshire.rate_display).toBe('[c]');
    const shown = ['West Mercia', 'West Midlands', 'Staffordshire', 'Warwickshire'].map((p) => figure(m, 'INC-01', p).display);
    const total = (m.metrics.find((x) => x.id === 'INC-01') as unknown as { display: { value: string } }).display.value;
    expect(feasibleValues(shown, total, 2).size).toBeGreaterThanOrEqual(4);
    // An average over a group with a withheld member would give it back too.
    expect(figure(m, 'INC-01', 'West Mercia').msg?.display).toBe('[c]');
  });
});

describe('a regional hub over Parquet', () => {
  it('builds the regional pack from the exported tables with the same figures as from the database', async () => {
    expect((await runCli(dir, AT, ['export', '--parquet', join(dir, 'parquet')])).code).toBe(0);
    const run = await runCli(dir, AT, ['build', '--pack', 'regional', '--from-parquet', join(dir, 'parquet'), '--out', join(dir, 'hub'), ...PERIOD]);
    expect(run.code, run.stderr).toBe(0);
    const [db, hub] = [manifestOf('2026-27-Q2-regional-board'), JSON.parse(readFileSync(join(dir, 'hub', '2026-27-Q2-regional-board', 'manifest.json'), 'utf8')) as Manifest];
    const figures = (m: Manifest) => [m.metrics.map((x) => [x.id, x.value, x.numerator, x.denominator]), m.comparison!.figures.map((f) => [f.metric, f.place, f.value, f.rate, f.msg?.value ?? null])];
    expect(figures(hub)).toEqual(figures(db));
  });
});

describe('verify', () => {
  it("recomputes the regional pack, each force's figures included, from the four forces' archived exports", async () => {
    const run = await runCli(dir, AT, ['verify', join(dir, 'out', '2026-27-Q2-regional-public')]);
    expect(run.code, run.stderr).toBe(0);
    // 13 figures of the region's own, and 6 compared figures for 4 forces and the region.
    expect(run.stdout).toContain('all 43 figures recompute from the archived exports');
  });

  it('recomputes it with the forces it was built with after the configuration changed', async () => {
    // Warwickshire has left the region's configuration and Staffordshire has a new code since the pack was built.
    const config = JSON.parse(readFileSync(join(dir, 'boardpack.config.json'), 'utf8')) as { region: { forces: { name: string; code: string }[] } };
    const forces = config.region.forces.filter((f) => f.name !== 'Warwickshire').map((f) => (f.name === 'Staffordshire' ? { ...f, code: 'STF' } : f));
    writeFileSync(join(dir, 'changed.json'), JSON.stringify({ ...config, region: { ...config.region, forces } }));
    const run = await runCli(dir, AT, ['--config', 'changed.json', 'verify', join(dir, 'out', '2026-27-Q2-regional-public')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('match    WMR-SP-2026-27-Q2-INC-01\n');
    expect(run.stdout).toContain('all 43 figures recompute from the archived exports');
  });
});

describe('delivery for a force', () => {
  it('rejects a file whose rows name another force than it was delivered for, loading nothing', async () => {
    const other = mkdtempSync(join(tmpdir(), 'boardpack-wrong-force-'));
    onTestFinished(() => rmSync(other, { recursive: true, force: true }));
    const file = join(other, 'incidents-midlands.csv');
    copyFileSync(join(FIXTURE, 'west-midlands', 'incidents.csv'), file);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
    const run = await runCli(dir, AT, ['ingest', file, '--force', 'West Mercia']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('incidents-midlands.csv was delivered for West Mercia but line 2 names the force "West Midlands" (12 rows); nothing was loaded');
  });

  it('refuses a force it does not take exports for, suggesting the nearest', async () => {
    const run = await runCli(dir, AT, ['ingest', join(FIXTURE, 'staffordshire'), '--force', 'Staffs']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--force "Staffs" is not a force this boardpack takes exports for');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses --area for the regional pack', async () => {
    const run = await runCli(dir, AT, ['build', '--pack', 'regional', '--area', 'Shropshire', ...PERIOD]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('covers the whole region, so leave --area out');
  });

  it("cites the region's figure from the regional pack, and says why a force's row of the comparison is not cited alone", async () => {
    const run = await runCli(dir, AT, ['cite', 'WMR-2026-27-Q2-INC-01', '--edition', 'board']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('Crimes reported, West Midlands region, Q2 2026-27 (July to September 2026): 26. Data as of 14 October 2026.');
    expect(run.stdout).toContain('\nLink: index.html#WMR-2026-27-Q2-INC-01\n');
    const row = await runCli(dir, AT, ['cite', 'WMR-SP-2026-27-Q2-INC-01', '--edition', 'board']);
    expect(row.code).toBe(2);
    expect(row.stderr).toBe(
      "boardpack: WMR-SP-2026-27-Q2-INC-01 is Staffordshire's figure in the West Midlands region pack's comparison of forces, a row of its table rather than a figure with its own definition and sources; cite the region's figure (WMR-2026-27-Q2-INC-01) or Staffordshire's own pack.\n",
    );
  });
});
