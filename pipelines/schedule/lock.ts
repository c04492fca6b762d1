import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { WorkError } from '../lib/errors.ts';

/**
 * A single-instance lock: a file created with O_EXCL holding who took it. A second scheduler,
 * or a manual refresh while a run is going, is refused with who holds it. A lock left by a
 * process that no longer exists on this machine (killed, crashed, power cut) is stale: it is
 * taken over, and the caller is told so it can record what was interrupted.
 */

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface Lock {
  path: string;
  /** The owner of a stale lock this one replaced, if any. */
  recovered: LockOwner | null;
  release(): void;
}

export interface LockOptions {
  command: string;
  now: Date;
  pid?: number;
  /** Whether a process of this machine is still running (replaceable in tests). */
  isRunning?: (pid: number) => boolean;
}

export function acquireLock(path: string, options: LockOptions): Lock {
  const owner: LockOwner = { pid: options.pid ?? process.pid, host: hostname(), command: options.command, since: options.now.toISOString() };
  const isRunning = options.isRunning ?? processIsRunning;
  let recovered: LockOwner | null = null;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${JSON.stringify(owner)}\n`);
      closeSync(fd);
      return { path, recovered, release: () => releaseLock(path, owner) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readOwner(path);
    const stale = holder === null || (holder.host === owner.host && !isRunning(holder.pid));
    if (!stale) {
      throw new WorkError(`Another boardpack ${holder.command} is running (process ${holder.pid} on ${holder.host}, since ${holder.since}); wait for it to finish or stop it, then try again.`);
    }
    recovered = holder ?? { pid: 0, host: owner.host, command: 'unknown', since: 'unknown' };
    unlinkSync(path);
  }
  throw new WorkError(`Could not take the lock ${path}: another process keeps taking it; try again.`);
}

function releaseLock(path: string, owner: LockOwner): void {
  // Only our own lock: a stale-lock recovery by another process may have replaced it.
  const holder = readOwner(path);
  if (holder && holder.pid === owner.pid && holder.since === owner.since) unlinkSync(path);
}

export function readOwner(path: string): LockOwner | null {
  if (!existsSync(path)) return null;
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : null;
  } catch {
    // Half-written by a process killed while taking it.
    return null;
  }
}

export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
