import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../pipelines/cli.ts';
import { fixedClock } from '../pipelines/lib/clock.ts';
import type { Manifest } from '../pipelines/packs/manifest.ts';

// The public edition as issued (issue 18): a lean manifest that still verifies, restatements
// in words without amounts, and the policy's periods. a.csv is loaded and the Q2 public pack
// issued; b.csv brings late Q2 crimes; Q2 is built again.

let dir: string;

async function boardpack(at: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--db', join(dir, 'db.duckdb'), ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: fixedClock(at), cwd: dir });
  return { code, stdout, stderr };
}

const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date,Summary';
const crimes = (from: number, n: number, month: string) => Array.from({ length: n }, (_, i) => `C${from + i},${String(1 + (i % 27)).padStart(2, '0')}/${month}/2025,NFIB52A,Individual,,`);
let first: Manifest;
let again: Manifest;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-public-'));
  writeFileSync(join(dir, 'a.csv'), [HEADER, ...crimes(1, 12, '07'), ...crimes(20, 11, '08'), ...crimes(40, 10, '09')].join('\r\n'));
  writeFileSync(join(dir, 'b.csv'), [HEADER, ...crimes(1, 12, '07'), ...crimes(20, 11, '08'), ...crimes(40, 12, '09')].join('\r\n'));
  expect((await boardpack('2025-10-14T12:00:00Z', 'ingest', 'a.csv')).code).toBe(0);
  expect((await boardpack('2025-10-14T12:30:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--edition', 'public')).code).toBe(0);
  first = JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-public', 'manifest.json'), 'utf8')) as Manifest;
  expect((await boardpack('2025-10-20T09:00:00Z', 'ingest', 'b.csv')).code).toBe(0);
  expect((await boardpack('2025-10-20T10:00:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--edition', 'public')).code).toBe(0);
  again = JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-public', 'manifest.json'), 'utf8')) as Manifest;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the public manifest', () => {
  it('names no export file, archive path, load time or query path, and records the policy and the audit', () => {
    const text = JSON.stringify(first);
    for (const leak of ['a.csv', 'archive_path', 'loaded_at', 'sql_path', 'queries/metrics/']) expect(text).not.toContain(leak);
    // Each file's force is kept: a regional pack's files come from several forces.
    expect(first.snapshot.files).toEqual([{ load_id: 1, dataset: 'incidents', force: 'West Mercia', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(first.pack.disclosure).toEqual({ method: 'suppression', min_count: 5, min_denominator: 10, min_crimes_for_money: 5, periods: ['month', 'quarter', 'year'], metrics: 'all', min_range: 4 });
    expect(first.disclosure_audit).toMatchObject({ result: 'passed', method: 'suppression', packs: [] });
    expect(first.disclosure_audit!.routes).toContain('percentage x denominator');
    // Every protected figure with the range an intruder can derive: a "<5" stays 1 to 4.
    for (const c of first.disclosure_audit!.cells.filter((x) => x.shown === '<5')) expect(c.range).toEqual([1, 4]);
  });

  it('still verifies: the figures recompute from the archived exports the database knows by hash', async () => {
    const result = await boardpack('2025-11-01T10:00:00Z', 'verify', 'out/2025-26-Q2-public');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Verified: all 27 figures recompute/);
  });

  it('says in words that a figure was restated and why, without amounts', () => {
    // 33 crimes reported, now 35: the public pack does not give the 2 late ones.
    expect(first.disclosure_audit!.packs).toEqual([]);
    const restated = again.metrics.find((m) => m.id === 'INC-01')!.restatements!;
    expect(restated).toHaveLength(1);
    expect(restated[0]).toMatchObject({ figure: 'value', reported: null, now: null, reported_display: 'a different figure', now_display: 'revised, now withheld' });
    expect(restated[0]!.reasons).toEqual(['Records from the incidents export were added or corrected after that pack.']);
    // The audit, with the first pack as issued, hid the new total: 35 - 33 = 2 would be a small count.
    expect((again.metrics.find((m) => m.id === 'INC-01') as unknown as { display: object }).display).toMatchObject({ value: '[c]' });
    expect(again.disclosure_audit!.packs).toEqual(['2025-26-Q2-public (as issued before)']);
  });
});

describe('the publication policy', () => {
  it('refuses a public pack for a kind of period it does not publish (exit 2), and builds the board edition', async () => {
    writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ disclosure: { periods: ['quarter', 'year'] } }));
    try {
      const refused = await boardpack('2025-11-01T10:00:00Z', 'build', '--period', '2025-09', '--as-of', '2025-10-14', '--edition', 'public');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe('boardpack: The public edition is not published for 2025-09: the publication policy publishes quarters and financial years only; build the board edition, or another period.\n');
      expect((await boardpack('2025-11-01T10:00:00Z', 'build', '--period', '2025-09', '--as-of', '2025-10-14')).code).toBe(0);
    } finally {
      rmSync(join(dir, 'boardpack.config.json'), { force: true });
    }
  });
});
