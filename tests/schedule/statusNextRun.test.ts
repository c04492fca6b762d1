import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliRun, runCli } from '../support/cli.ts';

// `boardpack status` names the next run of a schedule that restricts both day fields: cron runs
// it on either, so "0 0 13 * 5" is every 13th and every Friday, not only Friday the 13th.

let dir: string;

function boardpack(at: string, ...args: string[]): Promise<CliRun> {
  return runCli(dir, at, args);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-status-cron-'));
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ schedule: { cron: '0 0 13 * 5', timezone: 'Europe/London' } }));
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'a.csv'), ['Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date,Summary', 'C1,02/07/2027,NFIB52A,Individual,03/07/2027,'].join('\r\n'));
  const ingest = await boardpack('2027-07-20T12:00:00Z', 'ingest', 'in');
  expect(ingest.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('boardpack status with "0 0 13 * 5"', () => {
  it('names Friday 6 August 2027 after Sunday 1 August, not Friday 13 August', async () => {
    const result = await boardpack('2027-08-01T12:00:00Z', '--json', 'status');
    expect(result.code).toBe(0);
    // Midnight BST is 23:00 UTC the day before.
    expect(JSON.parse(result.stdout).next_run).toBe('2027-08-05T23:00:00.000Z');
  });

  it('names Monday 13 September 2027 after Friday 10 September, before Friday 17th', async () => {
    const result = await boardpack('2027-09-10T12:00:00Z', 'status');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Next scheduled run: 2027-09-12T23:00:00.000Z ("0 0 13 * 5", Europe/London).');
  });

  it('refuses an expression that never runs with the true reason, exit 2', async () => {
    writeFileSync(join(dir, 'never.json'), JSON.stringify({ schedule: { cron: '0 0 30 2 *', timezone: 'Europe/London' } }));
    const result = await boardpack('2027-09-10T12:00:00Z', '--config', join(dir, 'never.json'), 'status');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('boardpack: Configuration "schedule.cron" "0 0 30 2 *" never runs: none of the months it names has the day of the month it names; fix the day or the month.\n');
  });
});
