import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../pipelines/cli.ts';
import { fixedClock } from '../pipelines/lib/clock.ts';
import type { Manifest } from '../pipelines/packs/manifest.ts';

// Only packs written to the configured out folder are issued: a later pack reports restatements
// against them, never against a draft (build --draft) or a scratch build (any other --out).
// a.csv has C1 and C2 in Q2 2025-26 (INC-01 = 2); b.csv adds C4 (3), c.csv C5 (4).

let dir: string;
const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date';

async function boardpack(at: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--db', join(dir, 'db.duckdb'), ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: fixedClock(at), cwd: dir });
  return { code, stdout, stderr };
}
const read = (folder: string): Manifest => JSON.parse(readFileSync(join(dir, folder, 'manifest.json'), 'utf8')) as Manifest;
const inc01 = (m: Manifest) => m.metrics.find((x) => x.id === 'INC-01')!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-issued-'));
  // C0 and C3 fall in the year-ago and previous quarters, so both comparisons are covered; C9 (Q3) dates
  // the export to October, so the pack as of 14 October is not built on old data.
  writeFileSync(
    join(dir, 'a.csv'),
    [
      HEADER,
      'C0,01/07/2024,NFIB52A,Individual,02/07/2024',
      'C3,03/04/2025,NFIB52B,Individual,10/04/2025',
      'C1,02/07/2025,NFIB52A,Individual,03/07/2025',
      'C2,15/08/2025,NFIB53A,Business,',
      'C9,10/10/2025,NFIB52A,Individual,11/10/2025',
    ].join('\r\n'),
  );
  writeFileSync(join(dir, 'b.csv'), [HEADER, 'C4,20/09/2025,NFIB52A,Individual,'].join('\r\n'));
  writeFileSync(join(dir, 'c.csv'), [HEADER, 'C5,21/09/2025,NFIB52A,Individual,'].join('\r\n'));
  expect((await boardpack('2025-10-14T12:00:00Z', 'ingest', 'a.csv')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('issued packs', () => {
  it('a draft goes to out/drafts/, says so on its cover, and is not issued; nor is a build to another --out', async () => {
    const draft = await boardpack('2025-10-14T12:10:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--draft');
    expect(draft.code).toBe(0);
    expect(draft.stdout).toMatch(new RegExp(`^Pack written: ${join(dir, 'out', 'drafts', '2025-26-Q2-board')}/index.html`));
    expect(draft.stderr).toBe('boardpack: Draft: not an issued pack. Its figures may change before the pack is issued.\n');
    expect(read('out/drafts/2025-26-Q2-board').warnings[0]).toBe('Draft: not an issued pack. Its figures may change before the pack is issued.');
    expect(readFileSync(join(dir, 'out', 'drafts', '2025-26-Q2-board', 'index.html'), 'utf8')).toContain('Draft: not an issued pack.');
    expect(existsSync(join(dir, 'out', '2025-26-Q2-board'))).toBe(false);

    const scratch = await boardpack('2025-10-14T12:20:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'scratch');
    expect(scratch.code).toBe(0);
    expect(scratch.stderr).toBe(`boardpack: This pack is not in the configured out folder (${join(dir, 'out')}), so it is not an issued pack: later packs will not report restatements against its figures.\n`);
    expect(inc01(read('scratch/2025-26-Q2-board')).value).toBe(2);

    // New data, then the issued pack: nothing was issued for Q2 before, so nothing is restated.
    expect((await boardpack('2025-10-20T09:00:00Z', 'ingest', 'b.csv')).code).toBe(0);
    const first = await boardpack('2025-10-20T09:10:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14');
    expect(first.stderr).toBe('');
    expect(inc01(read('out/2025-26-Q2-board'))).toMatchObject({ value: 3 });
    expect(inc01(read('out/2025-26-Q2-board')).restatements).toBeUndefined();
  });

  it('an issued pack is what later packs compare with: restated, was 3 (issued), never 2 (the draft)', async () => {
    expect((await boardpack('2025-10-21T09:00:00Z', 'ingest', 'c.csv')).code).toBe(0);
    expect((await boardpack('2025-10-21T09:10:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14')).code).toBe(0);
    const restated = inc01(read('out/2025-26-Q2-board')).restatements!;
    expect(restated.map((r) => [r.figure, r.reported, r.now, r.reported_in.generated_at])).toEqual([['value', 3, 4, '2025-10-20T09:10:00.000Z']]);
  });
});
