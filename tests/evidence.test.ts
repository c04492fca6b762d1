import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../pipelines/lib/config.ts';
import type { Manifest } from '../pipelines/packs/manifest.ts';
import { type CliRun, runCli } from './support/cli.ts';

// Evidence (issue 5): snapshots, rebuilds, verify and restatements, as a user runs them.
// The story: a.csv is loaded and the Q2 pack issued on 14 October 2025; b.csv arrives on
// 20 October with a late Q2 crime (C4) and an amendment (C2 contacted); Q3 and Q2 are built again.

let dir: string;

function boardpack(at: string, ...args: string[]): Promise<CliRun> {
  return runCli(dir, at, args);
}

const read = (folder: string): Manifest => JSON.parse(readFileSync(join(dir, folder, 'manifest.json'), 'utf8')) as Manifest;
const metric = (m: Manifest, id: string) => m.metrics.find((x) => x.id === id)!;
const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date,Summary';

let issued: Manifest;
let q3: Manifest;
let q2Again: Manifest;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-evidence-'));
  // The metric SQL is read from a copy, so a test can change a definition later.
  cpSync(join(packageRoot, 'queries'), join(dir, 'queries'), { recursive: true });
  // Packs in 'issued' are the issued ones (the configured out folder); 'later' and 'rebuilt' are not.
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ queries_dir: 'queries', out: 'issued' }));
  writeFileSync(join(dir, 'a.csv'), [HEADER, 'C1,02/07/2025,NFIB52A,Individual,03/07/2025,', 'C2,15/08/2025,NFIB53A,Business,,', 'C3,03/04/2025,NFIB52B,Individual,10/04/2025,'].join('\r\n'));
  // b.csv repeats C1 unchanged, as cumulative exports do: that is no reason for a restatement.
  writeFileSync(join(dir, 'b.csv'), [HEADER, 'C1,02/07/2025,NFIB52A,Individual,03/07/2025,', 'C2,15/08/2025,NFIB53A,Business,20/08/2025,', 'C4,20/09/2025,NFIB52A,Individual,,', 'C5,05/10/2025,NFIB52A,Business,,'].join('\r\n'));

  expect((await boardpack('2025-10-14T12:00:00Z', 'ingest', 'a.csv')).code).toBe(0);
  expect((await boardpack('2025-10-14T12:30:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'issued')).code).toBe(0);
  issued = read('issued/2025-26-Q2-board');

  expect((await boardpack('2025-10-20T09:00:00Z', 'ingest', 'b.csv')).code).toBe(0);
  expect((await boardpack('2026-01-14T10:00:00Z', 'build', '--period', '2025-26-Q3', '--as-of', '2026-01-14', '--out', 'later')).code).toBe(0);
  q3 = read('later/2025-26-Q3-board');
  expect((await boardpack('2026-01-14T11:00:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'later')).code).toBe(0);
  q2Again = read('later/2025-26-Q2-board');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('snapshots', () => {
  it('record the files loaded, the settings and the query set, and give every figure its snapshot', () => {
    expect(issued.snapshot.id).toMatch(/^[0-9a-f]{16}$/);
    expect(issued.snapshot.through_load_id).toBe(1);
    expect(issued.snapshot.files.map((f) => [f.load_id, f.dataset, f.file])).toEqual([[1, 'incidents', 'a.csv']]);
    expect(issued.snapshot.settings).toMatchObject({ force: 'West Mercia', force_code: 'WM', disclosure: { min_count: 5 } });
    expect(readFileSync(join(dir, 'archive', 'queries', `${issued.snapshot.queries_sha256}.json`), 'utf8')).toContain('INC-01');
    expect(metric(issued, 'INC-01').snapshot).toBe(issued.snapshot.id);
    // After b.csv the data differ, so the snapshot does.
    expect(q2Again.snapshot.id).not.toBe(issued.snapshot.id);
    expect(q2Again.snapshot.files.map((f) => f.file)).toEqual(['a.csv', 'b.csv']);
  });

  it('rebuild an earlier snapshot with identical figures after newer exports, and with its own definitions', async () => {
    // Q2 from a.csv only: C1 and C2; now C4 too.
    expect(metric(issued, 'INC-01').value).toBe(2);
    expect(metric(q2Again, 'INC-01').value).toBe(3);
    // A definition changed after the pack was issued does not change the rebuild: the snapshot's query set is archived.
    const sql = join(dir, 'queries', 'metrics', 'INC-01.sql');
    const original = readFileSync(sql, 'utf8');
    writeFileSync(sql, original.replace('select count(*) as value', 'select count(*) + 100 as value'));
    try {
      const rebuilt = await boardpack('2026-02-01T10:00:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'rebuilt', '--snapshot', issued.snapshot.id);
      expect(rebuilt.code).toBe(0);
      const again = read('rebuilt/2025-26-Q2-board');
      expect(again.metrics).toEqual(issued.metrics);
      expect(again.snapshot).toEqual(issued.snapshot);
      expect(again.inputs).toEqual(issued.inputs);
      expect(again.data_quality).toEqual(issued.data_quality);
      expect(again.warnings).toEqual(issued.warnings);
      expect(again.exports).toEqual(issued.exports);
    } finally {
      writeFileSync(sql, original);
    }
  });

  it('refuses an unknown snapshot with one sentence and exit 2', async () => {
    const result = await boardpack('2026-02-01T10:00:00Z', 'build', '--period', '2025-26-Q2', '--snapshot', 'feedfacefeedface');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^boardpack: There is no snapshot "feedfacefeedface" in this database; use one recorded in a pack's manifest\.json \(latest: [0-9a-f]{16}/);
  });
});

describe('restatements', () => {
  it('flag a figure an earlier pack reported that later data changed, with both values and why', () => {
    const inc01 = metric(q2Again, 'INC-01');
    expect(inc01.restatements).toEqual([
      {
        figure: 'value',
        period: '2025-26-Q2',
        label: 'Q2 2025-26 (July to September 2025)',
        reported: 2,
        now: 3,
        reported_display: '2',
        now_display: '3',
        reported_in: { pack: '2025-26-Q2-board', citation_id: 'WM-2025-26-Q2-INC-01', generated_at: '2025-10-14T12:30:00.000Z', snapshot: issued.snapshot.id },
        // b.csv brought C2 (amended) and C4 (late) in Q2; C1 again unchanged; C5 is in Q3.
        reasons: ['b.csv (incidents) loaded 2025-10-20: 2 records in Q2 2025-26 (July to September 2025) added or amended.'],
      },
    ]);
    // INC-05: a.csv runs to 15/08, so C2 (15/08, uncontacted) was not yet due: 1 of 1 (issue 13: the window is judged
    // at the export's date where that is earlier than as-of); b.csv says contacted after 5 days; C4 not yet due: 2 of 2.
    expect(metric(issued, 'INC-05')).toMatchObject({ value: 100, numerator: 1, denominator: 1, provisional: true });
    expect(metric(q2Again, 'INC-05').restatements).toBeUndefined();
    // Unchanged figures are not flagged: Q1 (previous) is still C3 alone.
    expect(metric(q2Again, 'INC-01').restatements?.some((r) => r.figure === 'previous')).toBe(false);
    // INC-06, mean days to first contact: C1 alone (1 day); now C1 and C2 ((1 + 5) / 2 = 3.0).
    expect(metric(q2Again, 'INC-06').restatements?.map((r) => [r.reported_display, r.now_display])).toEqual([['1.0 days', '3.0 days']]);
    // INC-01, INC-02 and INC-09 (totals of the same crimes), INC-06.
    expect(q2Again.metrics.filter((m) => m.restatements).map((m) => m.id)).toEqual(['INC-01', 'INC-02', 'INC-06', 'INC-09']);
    expect(q2Again.warnings).toContain('4 figures differ from what an earlier pack reported for the same period; see Restatements.');
  });

  it('flag the previous period in the next pack too', () => {
    const previous = metric(q3, 'INC-01').restatements!;
    expect(previous.map((r) => [r.figure, r.period, r.reported, r.now])).toEqual([['previous', '2025-26-Q2', 2, 3]]);
    expect(metric(q3, 'INC-01').value).toBe(1); // C5
  });

  it('show "as reported in the last pack" beside "now" in the pack', () => {
    const html = readFileSync(join(dir, 'later', '2025-26-Q2-board', 'index.html'), 'utf8');
    expect(html).toContain('<li><a href="#restatements">Restatements</a></li>');
    expect(html).toContain('<td class="num">3<a class="restated" href="#restated-INC-01-value">restated, was 2</a></td>');
    expect(html).toContain(
      '<tr id="restated-INC-01-value"><th scope="row"><span class="metric-id">INC-01</span> Crimes reported</th><td>Q2 2025-26 (July to September 2025)</td><td class="num">2<span class="context"> (2025-26-Q2-board, generated 2025-10-14)</span></td><td class="num">3</td>',
    );
    const first = readFileSync(join(dir, 'issued', '2025-26-Q2-board', 'index.html'), 'utf8');
    expect(first).not.toContain('id="restatements"');
  });
});

describe('verify', () => {
  const copy = (name: string) => {
    cpSync(join(dir, 'issued', '2025-26-Q2-board'), join(dir, name), { recursive: true });
    return name;
  };

  it('passes on an untouched pack, after newer exports were loaded, and on a pack with restatements', async () => {
    const result = await boardpack('2026-02-01T10:00:00Z', 'verify', 'issued/2025-26-Q2-board');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('match    archived export a.csv');
    expect(result.stdout).toContain('match    WM-2025-26-Q2-INC-01\n');
    expect(result.stdout).toContain(`Verified: all ${issued.metrics.length} figures recompute from the archived exports and all ${1 + issued.exports!.length + 1} files match the manifest.`);
    expect((await boardpack('2026-02-01T10:00:00Z', 'verify', 'later/2025-26-Q2-board')).code).toBe(0);
  });

  it('fails naming the figure when a value in the manifest was altered', async () => {
    const folder = copy('altered-value');
    const manifest = JSON.parse(readFileSync(join(dir, folder, 'manifest.json'), 'utf8')) as Manifest;
    metric(manifest, 'INC-01').value = 20;
    writeFileSync(join(dir, folder, 'manifest.json'), JSON.stringify(manifest));
    const result = await boardpack('2026-02-01T10:00:00Z', 'verify', folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('MISMATCH INC-01 (WM-2025-26-Q2-INC-01) does not recompute: value: manifest 20, recomputed 2.');
    expect(result.stdout).toContain('match    WM-2025-26-Q2-INC-05\n');
    expect(result.stderr).toBe('boardpack: Verification failed: INC-01 (WM-2025-26-Q2-INC-01) does not recompute: value: manifest 20, recomputed 2.\n');
  });

  it('fails naming the list when the action log or the data dates in the manifest were altered', async () => {
    const folder = copy('altered-lists');
    const path = join(dir, folder, 'manifest.json');
    const original = readFileSync(path, 'utf8');
    const manifest = JSON.parse(original) as Manifest;
    expect(manifest.action_log).toEqual([]);
    expect(manifest.data_dates).toHaveLength(1);
    // An action the exports never held.
    writeFileSync(
      path,
      JSON.stringify({ ...manifest, action_log: [{ action_id: 'A1', source: 'Board', description: 'Invented', owner_role: 'Head of Cyber', raised_on: '2025-07-01', due_on: '2025-08-01', status: 'Open', completed_on: null, notes: null }] }),
    );
    const action = await boardpack('2026-02-01T10:00:00Z', 'verify', folder);
    expect(action.code).toBe(1);
    expect(action.stderr).toBe(
      'boardpack: Verification failed: The action log in the manifest does not recompute from the archived exports (the manifest has 1 entry, recomputed 0); rebuild the pack, or restore its manifest.json from backup.\n',
    );
    // The data's date moved on by a month.
    const dates = structuredClone(manifest.data_dates!);
    dates[0]!.extract_date = '2025-11-30';
    writeFileSync(path, JSON.stringify({ ...manifest, data_dates: dates }));
    const dated = await boardpack('2026-02-01T10:00:00Z', 'verify', folder);
    expect(dated.code).toBe(1);
    expect(dated.stdout).toContain('MISMATCH The dates the data runs to in the manifest do not recompute from the archived exports (entry 1 of 1 differs)');
    // Put back as built, the pack verifies.
    writeFileSync(path, original);
    expect((await boardpack('2026-02-01T10:00:00Z', 'verify', folder)).code).toBe(0);
  });

  it('fails naming the file when an archived export was altered or deleted, and on a missing manifest', async () => {
    const archived = join(dir, 'archive', issued.snapshot.files[0]!.archive_path);
    const saved = readFileSync(archived);
    try {
      appendFileSync(archived, 'C9,01/08/2025,NFIB52A,Individual,,\r\n');
      const altered = await boardpack('2026-02-01T10:00:00Z', 'verify', 'issued/2025-26-Q2-board');
      expect(altered.code).toBe(1);
      expect(altered.stderr).toMatch(
        /^boardpack: Verification failed: The archived export a\.csv has been altered \(canonical copy SHA-256 [0-9a-f]{64}, recorded [0-9a-f]{64}\); restore it from backup\. \(and 1 more problem, listed above\)\n$/,
      );
      expect(altered.stdout).toMatch(/ALTERED {2}archived export a\.csv \(canonical copy SHA-256 [0-9a-f]{64}, recorded [0-9a-f]{64}\)\n/);
      expect(altered.stdout).not.toContain('match    WM-');
      renameSync(archived, `${archived}.moved`);
      const deleted = await boardpack('2026-02-01T10:00:00Z', 'verify', 'issued/2025-26-Q2-board');
      expect(deleted.code).toBe(1);
      expect(deleted.stdout).toContain('MISSING  archived export a.csv');
      expect(deleted.stderr).toContain('Verification failed: The archived export a.csv is missing');
    } finally {
      rmSync(`${archived}.moved`, { force: true });
      writeFileSync(archived, saved);
    }
    const folder = copy('no-manifest');
    rmSync(join(dir, folder, 'manifest.json'));
    const missing = await boardpack('2026-02-01T10:00:00Z', 'verify', folder);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('boardpack: no-manifest has no manifest.json, so its figures cannot be verified; restore the manifest from backup or rebuild the pack.\n');
  });

  it('fails naming the file when an export beside the pack was altered', async () => {
    const folder = copy('altered-export');
    appendFileSync(join(dir, folder, 'metrics.csv'), 'INC-01,999\r\n');
    const result = await boardpack('2026-02-01T10:00:00Z', 'verify', folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ALTERED {2}pack file metrics\.csv \(SHA-256 [0-9a-f]{64}, manifest [0-9a-f]{64}\)/);
    // The figures themselves still recompute.
    expect(result.stdout).toContain('match    WM-2025-26-Q2-INC-01\n');
  });
});
