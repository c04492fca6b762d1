import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../pipelines/cli.ts';
import { fixedClock } from '../pipelines/lib/clock.ts';
import { createDb } from '../pipelines/lib/db.ts';
import type { Manifest } from '../pipelines/packs/manifest.ts';

// `boardpack refresh` as the nightly job runs it, in-process, one story in order: exports
// arrive in the inbox on 14 October 2025 (so the last complete quarter is 2025-26 Q2).

let dir: string;
const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date,Summary';

async function boardpack(at: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--db', join(dir, 'data', 'db.duckdb'), ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    clock: fixedClock(at),
    cwd: dir,
  });
  return { code, stdout, stderr };
}

const inbox = (name: string, lines: string[]) => writeFileSync(join(dir, 'inbox', name), lines.join('\r\n'));
const manifest = (): Manifest => JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8')) as Manifest;
const status = async (at: string) => JSON.parse((await boardpack(at, '--json', 'status')).stdout);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-refresh-'));
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 0, notify: { command: 'cat >> notified.jsonl', on: 'always' }, data_quality: { max_age_days: 45 } }));
  rmSync(join(dir, 'inbox'), { recursive: true, force: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('boardpack refresh', () => {
  it('says what to do when nothing is loaded and the inbox is empty, and records the failed run', async () => {
    const result = await boardpack('2025-10-14T01:30:00Z', 'refresh');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`boardpack: Nothing is loaded yet and the inbox ${join(dir, 'inbox')} holds no exports ready to load; put the exports there and run again.\n`);
    expect(existsSync(join(dir, 'out', 'latest'))).toBe(false);
  });

  it('ingests what is new, sets each file aside, builds the configured pack, moves latest and records the run', async () => {
    inbox('a.csv', [HEADER, 'C1,02/07/2025,NFIB52A,Individual,03/07/2025,', 'C2,15/08/2025,NFIB53A,Business,,', 'C3,03/04/2025,NFIB52B,Individual,10/04/2025,']);
    inbox('bad.csv', ['Name,Colour', 'x,y']);
    const result = await boardpack('2025-10-14T01:31:00Z', 'refresh');
    // A rejected file makes exit 1 (docs/interface.md), but the run built its pack.
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✓ a.csv (incidents): 3 rows loaded; moved to processed/.');
    expect(result.stdout).toContain(`Pack written: ${join(dir, 'out', '2025-26-Q2-board')}/index.html`);
    expect(result.stdout).toMatch(/\nRefresh 2 succeeded with rejections in \d+\.\d s\.\nRun record sent to: cat >> notified\.jsonl\n$/);
    expect(result.stderr).toMatch(/^boardpack: .*bad\.csv.* The file was set aside in the inbox's rejected\/ folder\.\n$/);
    expect(readdirSync(join(dir, 'inbox')).sort()).toEqual(['processed', 'rejected']);
    expect(readdirSync(join(dir, 'inbox', 'processed'))).toEqual(['a.csv']);
    expect(readdirSync(join(dir, 'inbox', 'rejected')).sort()).toEqual(['bad.csv', 'bad.csv.error.txt']);
    expect(readlinkSync(join(dir, 'out', 'latest'))).toBe('2025-26-Q2-board');
    // Both editions by default, so the public pack never goes stale behind the board one.
    expect(JSON.parse(readFileSync(join(dir, 'out', 'latest.json'), 'utf8'))).toEqual({ run_id: 2, finished_at: '2025-10-14T01:31:00.000Z', packs: ['2025-26-Q2-board', '2025-26-Q2-public'] });
    expect(result.stdout).toContain(`Pack written: ${join(dir, 'out', '2025-26-Q2-public')}/index.html`);
    // The last run failed: the pack says so on its cover.
    expect(manifest().warnings[0]).toBe(`The last refresh, started 2025-10-14 01:30 UTC, failed: Nothing is loaded yet and the inbox ${join(dir, 'inbox')} holds no exports ready to load; put the exports there and run again.`);
    expect(manifest().metrics.find((m) => m.id === 'INC-01')?.value).toBe(2);
    // The public edition was built from the figures measured for the board edition; verify measures
    // both again from the archived exports, on its own, and finds the same.
    for (const edition of ['board', 'public']) {
      const verified = await boardpack('2025-10-14T01:32:00Z', 'verify', join(dir, 'out', `2025-26-Q2-${edition}`));
      expect(verified.stdout, verified.stderr).toMatch(/^Verified: all \d+ figures recompute/m);
      expect(verified.code).toBe(0);
    }
  });

  it('keeps the pack when nothing is new, and rebuilds it when an export arrives', async () => {
    await boardpack('2025-10-14T01:32:00Z', 'refresh');
    const before = readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8');
    const quiet = await boardpack('2025-10-14T01:33:00Z', 'refresh');
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain('Pack 2025-26-Q2-board already shows the loaded data; kept.');
    expect(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8')).toBe(before);
    // The same bytes again under another name: already loaded, never twice.
    inbox('a-again.csv', [HEADER, 'C1,02/07/2025,NFIB52A,Individual,03/07/2025,', 'C2,15/08/2025,NFIB53A,Business,,', 'C3,03/04/2025,NFIB52B,Individual,10/04/2025,']);
    inbox('b.csv', [HEADER, 'C4,20/09/2025,NFIB52A,Individual,,']);
    const json = await boardpack('2025-10-14T01:34:00Z', '--json', 'refresh');
    expect(json.code).toBe(0);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['run_started', 'file_already_loaded', 'file_loaded', 'pack_written', 'pack_written', 'run_finished', 'notified']);
    expect(events.find((e) => e.event === 'file_loaded')).toMatchObject({ file: 'b.csv', dataset: 'incidents', rows_loaded: 1 });
    expect(manifest().metrics.find((m) => m.id === 'INC-01')?.value).toBe(3);
  });

  it('records every run with its stages; status shows the runs, the next run and freshness', async () => {
    const s = await status('2025-10-14T09:00:00Z');
    expect(s.runs.map((r: { run_id: number; status: string; trigger: string }) => [r.run_id, r.status, r.trigger])).toEqual([
      [5, 'succeeded', 'manual'],
      [4, 'succeeded', 'manual'],
      [3, 'succeeded', 'manual'],
      [2, 'succeeded_with_rejections', 'manual'],
      [1, 'failed', 'manual'],
    ]);
    expect(s.runs[0].files.map((f: { file: string; status: string }) => [f.file, f.status])).toEqual([
      ['a-again.csv', 'already_loaded'],
      ['b.csv', 'loaded'],
    ]);
    expect(Object.keys(s.runs[0].stages)).toEqual(['ingest', 'build 2025-26-Q2-board', 'build 2025-26-Q2-public', 'total']);
    // The default schedule, 02:30 in London: 01:30 UTC in summer time.
    expect(s.next_run).toBe('2025-10-15T01:30:00.000Z');
    // Newest incident 20 September: 24 days before 14 October, within 45; nothing else is loaded.
    expect(s.freshness.find((f: { dataset: string }) => f.dataset === 'incidents')).toEqual({
      dataset: 'incidents',
      newest_record: '2025-09-20',
      latest_file: 'b.csv',
      latest_loaded_on: '2025-10-14',
      record_age_days: 24,
      file_age_days: 0,
      stale: false,
    });
    expect(s.freshness.find((f: { dataset: string }) => f.dataset === 'training')).toMatchObject({ latest_file: null, stale: true });
  });

  it('sends the run record to the notify command as JSON on stdin', () => {
    const records = readFileSync(join(dir, 'notified.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.run_id, r.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded_with_rejections'],
      [3, 'succeeded'],
      [4, 'succeeded'],
      [5, 'succeeded'],
    ]);
  });

  it('leaves the previous pack and latest untouched when a run fails', async () => {
    const before = readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8');
    const latest = readFileSync(join(dir, 'out', 'latest.json'), 'utf8');
    writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 0, packs: [{ period: 'last-complete-quarter' }, { period: '2025-26-Q9' }] }));
    const failed = await boardpack('2025-10-14T01:35:00Z', 'refresh');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^boardpack: .*2025-26-Q9.*\n$/);
    expect(readFileSync(join(dir, 'out', 'latest.json'), 'utf8')).toBe(latest);
    expect(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8')).toBe(before);
    expect((await status('2025-10-14T09:00:00Z')).runs[0]).toMatchObject({ run_id: 6, status: 'failed' });
  });

  it('refuses a manual refresh while another holds the run lock, and recovers a stale one', async () => {
    writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 0 }));
    const lock = join(dir, 'data', 'db.duckdb.refresh.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), command: 'schedule', since: '2025-10-14T01:30:00.000Z' }));
    const refused = await boardpack('2025-10-14T01:36:00Z', 'refresh');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`boardpack: Another boardpack schedule is running (process ${process.pid} on ${hostname()}, since 2025-10-14T01:30:00.000Z); wait for it to finish or stop it, then try again.\n`);
    // A process killed mid-run leaves its lock, and its run "running".
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), command: 'refresh', since: '2025-10-14T01:36:30.000Z' }));
    const db = await createDb(join(dir, 'data', 'db.duckdb'));
    await db.run(`insert into runs values (nextval('run_id_seq'), 'schedule', '2025-10-14 01:36:30', null, 'running', '[]', '[]', null, '{}')`);
    db.close();
    const recovered = await boardpack('2025-10-14T01:37:00Z', 'refresh');
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain(`Took over a stale lock left by process ${dead} (since 2025-10-14T01:36:30.000Z), which is no longer running.`);
    expect(recovered.stdout).toContain('1 earlier run was cut off before finishing; marked interrupted.');
    expect(existsSync(lock)).toBe(false);
    const runs = (await status('2025-10-14T09:00:00Z')).runs;
    expect(runs[1]).toMatchObject({ run_id: 7, trigger: 'schedule', status: 'interrupted', finished_at: '2025-10-14T01:37:00.000Z' });
    expect(runs[0]).toMatchObject({ run_id: 8, status: 'succeeded' });
  });
});
