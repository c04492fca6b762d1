import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackSetting } from '../../pipelines/lib/config.ts';
import { createDb } from '../../pipelines/lib/db.ts';
import { pdfConfigured } from '../../pipelines/packs/packPdf.ts';
import { plannedPacks } from '../../pipelines/schedule/plannedPacks.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';
import { type CliRun, runCli } from '../support/cli.ts';

// `refresh` with area packs configured: `"area": "*"` opens out into one pack per local policing
// area of the areas reference list, built after the force's own packs. Each area's INC-01 is
// counted here straight from the sample export with SQL, not through the pipeline's models.

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'fixtures', 'sample');
const AREAS = ['Herefordshire', 'Shropshire', 'Telford & Wrekin', 'Worcestershire'];
const AT = '2026-10-14T01:30:00Z';
let dir: string;
let first: CliRun;

const manifest = (folder: string): Manifest => JSON.parse(readFileSync(join(dir, 'out', folder, 'manifest.json'), 'utf8')) as Manifest;
const inc01 = (folder: string) => manifest(folder).metrics.find((m) => m.id === 'INC-01')?.value;
const events = (run: CliRun) =>
  run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * Crimes reported in 2026-27 Q1 (April to June 2026) by the area written in the export: NFIB
 * computer-misuse codes only (queries/reference/nfib_codes.csv, matched ignoring case and spaces),
 * each crime reference once, and not the rows ingest quarantines (a first contact before the
 * report, an outcome code outside 1-22, a date that is not one).
 */
async function countedFromCsv(): Promise<Map<string | null, number>> {
  const db = await createDb(':memory:', { memoryLimit: '512MB', threads: 1, tempDirectory: null });
  try {
    const rows = await db.all<{ area: string | null; crimes: number }>(`
      with export as (
        select * from read_csv('${join(SAMPLE, 'incidents.csv')}', all_varchar = true, header = true)
      ),
      codes as (
        select code from read_csv('${join(ROOT, 'queries', 'reference', 'nfib_codes.csv')}', all_varchar = true, header = true)
      ),
      final as (
        select "Local Policing Area" as area, count(distinct "Crime Reference")::integer as crimes
        from export
        where try_strptime("Date Reported", '%d/%m/%Y') between date '2026-04-01' and date '2026-06-30'
          and upper(replace("NFIB Code", ' ', '')) in (select code from codes)
          and coalesce(try_strptime("First Contact Date", '%d/%m/%Y') >= try_strptime("Date Reported", '%d/%m/%Y'), true)
          and coalesce(try_cast("Outcome Code" as integer) between 1 and 22, true)
        group by all
      )
      select * from final`);
    return new Map(rows.map((r) => [r.area, r.crimes]));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-refresh-areas-'));
  mkdirSync(join(dir, 'inbox'));
  for (const file of ['incidents.csv', 'volunteers.csv', 'volunteer_hours.csv', 'training.csv', 'actions.csv']) copyFileSync(join(SAMPLE, file), join(dir, 'inbox', file));
  // The area entry first on purpose: the force's packs must still be built before it.
  const packs = [
    { period: '2026-27-Q1', edition: 'board', area: '*' },
    { period: '2026-27-Q1', edition: 'public', area: 'shropshire' },
    { period: '2026-27-Q1', edition: 'board' },
    { period: '2026-27-Q1', edition: 'public' },
  ];
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 0, packs }));
  first = await runCli(dir, AT, ['--json', 'refresh']);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('refresh with area packs', () => {
  it('builds the force packs first, then one board pack per area and the Shropshire public pack', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const written = events(first)
      .filter((e) => e.event === 'pack_written')
      .map((e) => e.pack);
    expect(written).toEqual([
      '2026-27-Q1-board',
      '2026-27-Q1-public',
      '2026-27-Q1-area-herefordshire-board',
      '2026-27-Q1-area-shropshire-board',
      '2026-27-Q1-area-telford-and-wrekin-board',
      '2026-27-Q1-area-worcestershire-board',
      '2026-27-Q1-area-shropshire-public',
    ]);
    const finished = events(first).find((e) => e.event === 'run_finished') as { status: string };
    expect(finished.status).toBe('succeeded');
  });

  it('names each area in its manifest, spelled as the areas list spells it', () => {
    for (const area of AREAS) {
      const folder = `2026-27-Q1-area-${area.toLowerCase().replace(' & ', '-and-')}-board`;
      expect(manifest(folder).pack.area).toBe(area);
      expect(manifest(folder).pack.name).toBe('area');
      expect(manifest(folder).pack.force).toBe(`${area}, West Mercia`);
    }
    expect(manifest('2026-27-Q1-area-shropshire-public').pack.area).toBe('Shropshire');
    expect(manifest('2026-27-Q1-board').pack.area).toBeUndefined();
  });

  it("gives each area the crimes counted from the export, and the areas with the rest make the force's figure", async () => {
    const counted = await countedFromCsv();
    // Worked out from the sample: 22, 45, 19 and 57 crimes in the areas; one with the
    // misspelt area "Telford" (loaded as Unknown) and one with no area belong to no area pack.
    expect(Object.fromEntries(counted)).toEqual({ Herefordshire: 22, Shropshire: 45, 'Telford & Wrekin': 19, Worcestershire: 57, Telford: 1, null: 1 });
    const byArea = AREAS.map((area) => inc01(`2026-27-Q1-area-${area.toLowerCase().replace(' & ', '-and-')}-board`));
    expect(byArea).toEqual(AREAS.map((area) => counted.get(area)));
    const noArea = (counted.get('Telford') ?? 0) + (counted.get(null) ?? 0);
    expect((byArea as number[]).reduce((a, b) => a + b, 0) + noArea).toBe(inc01('2026-27-Q1-board'));
    expect(inc01('2026-27-Q1-board')).toBe(145);
  });

  it('keeps every pack, area packs included, when nothing new has arrived', async () => {
    const again = await runCli(dir, '2026-10-14T01:40:00Z', ['--json', 'refresh']);
    expect(again.code).toBe(0);
    expect(events(again).filter((e) => e.event === 'pack_written')).toEqual([]);
    expect(
      events(again)
        .filter((e) => e.event === 'pack_current')
        .map((e) => e.pack),
    ).toHaveLength(7);
    const status = JSON.parse((await runCli(dir, '2026-10-14T01:41:00Z', ['--json', 'status'])).stdout) as { runs: { packs: string[] }[] };
    expect(status.runs[0]!.packs.map((p) => p.split('/').pop())).toContain('2026-27-Q1-area-telford-and-wrekin-board');
  });

  it('refuses an area that is not in the areas list in one sentence, and builds nothing', async () => {
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 0, out: 'out-typo', packs: [{ period: '2026-27-Q1', area: 'Shropshre' }] }));
    const run = await runCli(dir, '2026-10-14T01:50:00Z', ['--config', join(dir, 'typo.json'), 'refresh']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`boardpack: "Shropshre" is not one of West Mercia's local policing areas; did you mean "Shropshire"?\n`);
  });
});

describe('the packs a refresh plans', () => {
  // The shipped pack definitions and areas list.
  const shipped = { packsDir: join(ROOT, 'reports', 'packs'), referenceDir: join(ROOT, 'queries', 'reference'), force: 'West Mercia' };
  const plan = (packs: PackSetting[]) => plannedPacks({ ...shipped, packs }, '2026-10-14').map((p) => [p.folder, p.pdf]);

  it('opens "*" into the areas of the list, once each, force first and the region before the areas', () => {
    expect(
      plan([
        { period: 'last-complete-quarter', edition: 'public', pack: 'area', area: '*' },
        { period: 'last-complete-quarter', edition: 'public', pack: 'area', area: 'Telford & Wrekin', pdf: true },
        { period: 'last-complete-quarter', edition: 'public', pack: 'regional' },
        { period: 'last-complete-quarter', edition: 'public', pack: 'board' },
      ]),
    ).toEqual([
      ['2026-27-Q2-public', false],
      ['2026-27-Q2-regional-public', false],
      ['2026-27-Q2-area-herefordshire-public', false],
      ['2026-27-Q2-area-shropshire-public', false],
      ['2026-27-Q2-area-telford-and-wrekin-public', true],
      ['2026-27-Q2-area-worcestershire-public', false],
    ]);
  });

  it('refuses the area pack without an area, in words a configuration reader follows', () => {
    expect(() => plan([{ period: 'last-complete-quarter', edition: 'board', pack: 'area' }])).toThrow(
      'The area pack in the configuration\'s packs list (entry 1) is for one local policing area; add "area" naming it, or "*" for one pack per area.',
    );
  });

  it("an area entry asks for its own PDF, not the force pack's", () => {
    const config = { packs: [{ period: 'last-complete-quarter', edition: 'board' as const, pack: 'area', area: '*', pdf: true }] };
    expect(pdfConfigured(config, '2026-27-Q2', 'board', '2026-10-14', { area: 'Shropshire' })).toBe(true);
    expect(pdfConfigured(config, '2026-27-Q2', 'board', '2026-10-14')).toBe(false);
    expect(pdfConfigured(config, '2026-27-Q2', 'board', '2026-10-14', { pack: 'board', area: 'Shropshire' })).toBe(false);
  });
});
