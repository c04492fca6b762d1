import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { staleDataBanner, type DataDate } from '../../pipelines/packs/dataDates.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';

// Honest data dates: the first-page banner for old data, and the sample pack built the
// same on any day with --as-of extract (what `npm start` runs).

const date = (dataset: string, label: string, extract_date: string, lag_days: number, basis: DataDate['basis'] = 'records'): DataDate => ({ dataset, label, extract_date, basis, lag_days, stale: lag_days > 45 });

describe('stale data banner', () => {
  it('names old datasets in plain words, grouped by date, and says what is missing', () => {
    const dates = [
      date('incidents', 'crime records', '2026-09-30', 60),
      date('volunteers', 'the volunteer roster', '2026-11-29', 0, 'export loaded'),
      date('volunteer_hours', 'volunteer duty hours', '2026-09-30', 60),
      date('training', 'Protect and Prevent events', '2026-08-31', 90),
      date('actions', 'the action tracker', '2026-10-01', 59, 'export loaded'),
    ];
    expect(staleDataBanner(dates, '2026-11-29', 45)).toBe(
      'Old data: this pack is as of 29 November 2026, but crime records and volunteer duty hours run to 30 September 2026 (60 days earlier); ' +
        'Protect and Prevent events run to 31 August 2026 (90 days earlier); and the action tracker was last loaded on 1 October 2026 (59 days earlier), ' +
        'more than the 45 days allowed; anything after those dates is missing from the figures, not zero.',
    );
  });

  it('says nothing when every dataset is within the allowed age', () => {
    expect(staleDataBanner([date('incidents', 'crime records', '2026-09-30', 45)], '2026-11-14', 45)).toBeNull();
  });
});

describe('the sample pack on two different days', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'boardpack-data-dates-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function npmStart(today: string): Promise<{ manifest: Manifest; html: string }> {
    const io = { stdout: () => {}, stderr: () => {}, clock: fixedClock(`${today}T12:00:00Z`), cwd: dir };
    const db = join(dir, `${today}.duckdb`);
    const out = join(dir, today);
    expect(await main(['--db', db, 'ingest', resolve('fixtures/sample')], io)).toBe(0);
    expect(await main(['--db', db, 'build', '--period', 'last-complete-quarter', '--as-of', 'extract', '--out', out], io)).toBe(0);
    const folder = join(out, '2026-27-Q2-board');
    return { manifest: JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')), html: readFileSync(join(folder, 'index.html'), 'utf8') };
  }

  it('builds Q2 2026-27 as of 30 September 2026 with the same figures in October 2026 and March 2027', async () => {
    const october = await npmStart('2026-10-14');
    const march = await npmStart('2027-03-01');
    const figures = (m: Manifest) => m.metrics.map((x) => [x.id, x.value, x.previous, x.year_ago, x.rag, x.provisional ?? false]);
    expect(october.manifest.pack.as_of).toBe('2026-09-30');
    expect(march.manifest.pack.as_of).toBe('2026-09-30');
    expect(figures(march.manifest)).toEqual(figures(october.manifest));
    expect(march.manifest.action_log).toEqual(october.manifest.action_log);
    // The crime export runs to 30 September: Q2's last crimes are not yet 28 days old, so INC-05 is provisional.
    const inc05 = october.manifest.metrics.find((m) => m.id === 'INC-05')!;
    expect(inc05.provisional).toBe(true);
    expect(october.html).toContain('(provisional)');
    // Built as of the data's own date, nothing is old.
    expect(october.manifest.warnings.filter((w: string) => w.startsWith('Old data'))).toEqual([]);
  });

  it('puts a banner on the first page when built as of a date two months after the data', async () => {
    const io = { stdout: () => {}, stderr: () => {}, clock: fixedClock('2026-11-29T12:00:00Z'), cwd: dir };
    const db = join(dir, '2027-03-01.duckdb');
    expect(await main(['--db', db, 'build', '--period', '2026-27-Q2', '--as-of', '2026-11-29', '--out', join(dir, 'late')], io)).toBe(0);
    const html = readFileSync(join(dir, 'late', '2026-27-Q2-board', 'index.html'), 'utf8');
    const cover = /<section class="cover"[\s\S]*?<\/section>/.exec(html)![0];
    expect(cover).toContain('Old data: this pack is as of 29 November 2026, but crime records, volunteer duty hours and Protect and Prevent events run to 30 September 2026 (60 days earlier)');
    expect(cover).not.toMatch(/volunteer_hours|incidents/);
  });
});
