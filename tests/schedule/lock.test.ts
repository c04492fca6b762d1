import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../../pipelines/schedule/lock.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const now = new Date('2027-06-10T08:00:00Z');

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('acquireLock', () => {
  it('refuses a second holder while the first runs, naming it, and frees on release', () => {
    const path = join(dir, 'db.refresh.lock');
    const first = acquireLock(path, { command: 'schedule', now });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ pid: process.pid, host: hostname(), command: 'schedule', since: '2027-06-10T08:00:00.000Z' });
    expect(() => acquireLock(path, { command: 'refresh', now })).toThrow(`Another boardpack schedule is running (process ${process.pid} on ${hostname()}, since 2027-06-10T08:00:00.000Z); wait for it to finish or stop it, then try again.`);
    first.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, { command: 'refresh', now }).release();
  });

  it('takes over a lock left by a process that no longer exists, and says whose it was', () => {
    const path = join(dir, 'db.refresh.lock');
    const pid = deadPid();
    writeFileSync(path, JSON.stringify({ pid, host: hostname(), command: 'refresh', since: '2027-06-09T01:30:00.000Z' }));
    const lock = acquireLock(path, { command: 'refresh', now });
    expect(lock.recovered).toEqual({ pid, host: hostname(), command: 'refresh', since: '2027-06-09T01:30:00.000Z' });
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a half-written lock, but not one held on another machine', () => {
    const path = join(dir, 'db.refresh.lock');
    writeFileSync(path, '{"pid": 12');
    acquireLock(path, { command: 'refresh', now }).release();
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: 'other-host', command: 'schedule', since: '2027-06-09T01:30:00.000Z' }));
    expect(() => acquireLock(path, { command: 'refresh', now })).toThrow(/^Another boardpack schedule is running \(process \d+ on other-host/);
  });

  it('release leaves alone a lock that is no longer its own', () => {
    const path = join(dir, 'db.refresh.lock');
    const lock = acquireLock(path, { command: 'refresh', now });
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), command: 'refresh', since: '2027-06-10T09:00:00.000Z' }));
    lock.release();
    expect(existsSync(path)).toBe(true);
  });
});
