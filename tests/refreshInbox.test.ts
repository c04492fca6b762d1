import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../pipelines/cli.ts';
import { fixedClock } from '../pipelines/lib/clock.ts';
import { listInbox } from '../pipelines/schedule/inbox.ts';
import { waitForSettled } from '../pipelines/schedule/settle.ts';

// What the inbox does with what people put in it: files that are not CSV exports are set aside
// with a sentence, and a manual refresh waits for a file still being copied in. The clock is
// fixed at NOW and file times are set relative to it, so nothing here depends on real time.

const NOW = new Date('2025-10-14T12:00:00Z');
const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date';
let dir: string;
let sleeps: number[];
let onSleep: () => void;

async function refresh(): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['refresh'], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    clock: fixedClock(NOW.toISOString()),
    cwd: dir,
    sleep: async (ms) => {
      sleeps.push(ms);
      onSleep();
    },
  });
  return { code, stdout, stderr };
}

/** Puts a file in the inbox, last changed `secondsAgo` before NOW. */
function put(name: string, content: string, secondsAgo: number): string {
  const path = join(dir, 'inbox', name);
  writeFileSync(path, content);
  age(path, secondsAgo);
  return path;
}
const age = (path: string, secondsAgo: number) => utimesSync(path, new Date(NOW.getTime() - secondsAgo * 1000), new Date(NOW.getTime() - secondsAgo * 1000));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-inbox-'));
  mkdirSync(join(dir, 'inbox'));
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 5, packs: [{ period: 'last-complete-quarter', edition: 'board' }] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the inbox', () => {
  it('sets a workbook and a text file aside in rejected/ with a sentence each; the CSV beside them loads', async () => {
    sleeps = [];
    onSleep = () => {};
    put('a.csv', [HEADER, 'C1,02/07/2025,NFIB52A,Individual,03/07/2025'].join('\r\n'), 60);
    put('Crimes Q2.xlsx', 'PK\u0003\u0004 not really a workbook', 60);
    put('notes.txt', 'hello', 60);
    const result = await refresh();
    expect(result.code).toBe(1);
    expect(sleeps).toEqual([]);
    expect(result.stdout).toContain('✓ a.csv (incidents): 1 rows loaded; moved to processed/.');
    expect(result.stderr).toContain(
      "boardpack: Crimes Q2.xlsx is a spreadsheet workbook, not a CSV export; open it, save the sheet as CSV (UTF-8) and put the .csv file in the inbox. The file was set aside in the inbox's rejected/ folder.\n",
    );
    expect(result.stderr).toContain("boardpack: notes.txt is not a CSV export (only .csv files are read); export the data as CSV and put the .csv file in the inbox. The file was set aside in the inbox's rejected/ folder.\n");
    expect(readdirSync(join(dir, 'inbox', 'rejected')).sort()).toEqual(['Crimes Q2.xlsx', 'Crimes Q2.xlsx.error.txt', 'notes.txt', 'notes.txt.error.txt']);
    expect(readFileSync(join(dir, 'inbox', 'rejected', 'notes.txt.error.txt'), 'utf8')).toBe('notes.txt is not a CSV export (only .csv files are read); export the data as CSV and put the .csv file in the inbox.\n');
    expect(result.stdout).toMatch(/Refresh \d+ succeeded with rejections/);
  });

  it('a manual refresh waits for a file still being copied in, then loads it', async () => {
    sleeps = [];
    // Changed a second ago: not settled for 5 s yet. While the run waits, the copy finishes and time passes.
    const b = put('b.csv', [HEADER, 'C2,15/08/2025,NFIB53A,Business,'].join('\r\n'), 1);
    onSleep = () => age(b, 10);
    const result = await refresh();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sleeps).toEqual([1000]);
    expect(result.stdout).toContain('Waiting for b.csv to finish copying in (up to 30 s).\n');
    expect(result.stdout).toContain('✓ b.csv (incidents): 1 rows loaded; moved to processed/.');
    expect(existsSync(join(dir, 'inbox', 'b.csv'))).toBe(false);
  });

  it('a file still changing after the wait is left for the next run, and the run says so', async () => {
    sleeps = [];
    const c = put('c.csv', [HEADER, 'C3,16/08/2025,NFIB53A,Business,'].join('\r\n'), 0);
    onSleep = () => age(c, 0);
    const result = await refresh();
    // Thirty looks, a second apart: the 30 s the run waits at most.
    expect(sleeps).toEqual(Array.from({ length: 30 }, () => 1000));
    expect(result.stderr).toBe('boardpack: c.csv was still changing after waiting; it was not loaded and is left in the inbox for the next run.\n');
    expect(existsSync(join(dir, 'inbox', 'c.csv'))).toBe(true);
  });
});

describe('waitForSettled', () => {
  it('does not wait when nothing is settling or the settle time is 0', async () => {
    let looks = 0;
    const listing = { ready: ['a.csv'], settling: [], refused: [], unsupported: [] };
    const result = await waitForSettled({
      list: () => {
        looks++;
        return listing;
      },
      settleSeconds: 5,
      maxWaitMs: 30_000,
      sleep: async () => expect.fail('no wait'),
    });
    expect(result).toBe(listing);
    expect(looks).toBe(1);
  });

  it('waits in steps no longer than the settle time', async () => {
    const waits: number[] = [];
    let looks = 0;
    await waitForSettled({
      list: () => (looks++ < 3 ? { ready: [], settling: ['x.csv'], refused: [], unsupported: [] } : { ready: ['x.csv'], settling: [], refused: [], unsupported: [] }),
      settleSeconds: 0.25,
      maxWaitMs: 10_000,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([250, 250, 250]);
  });

  it('lists a settled file of another type as unsupported, and a settling one as settling', () => {
    const inbox = join(dir, 'listing');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'old.xlsx'), 'x');
    utimesSync(join(inbox, 'old.xlsx'), new Date(NOW.getTime() - 60_000), new Date(NOW.getTime() - 60_000));
    writeFileSync(join(inbox, 'new.xlsx'), 'x');
    utimesSync(join(inbox, 'new.xlsx'), NOW, NOW);
    const listing = listInbox(inbox, NOW, 5);
    expect(listing.unsupported.map((u) => u.path)).toEqual([join(inbox, 'old.xlsx')]);
    expect(listing.settling).toEqual([join(inbox, 'new.xlsx')]);
  });
});
