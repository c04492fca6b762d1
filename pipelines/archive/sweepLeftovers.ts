import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processIsRunning } from '../schedule/lock.ts';

/**
 * What a killed ingest leaves (staged copies of originals, half-written archive files, its temp
 * folder of normalised copies) is swept at the next start. Every such name carries the pid of
 * the process that made it; a process still running keeps its own.
 */
export function sweepLeftovers(archiveDir: string, tempRoot: string, isRunning: (pid: number) => boolean = processIsRunning): string[] {
  const removed: string[] = [];
  const dead = (pid: number) => pid !== process.pid && !isRunning(pid);
  const sweep = (folder: string, pattern: RegExp, depth: number) => {
    if (!existsSync(folder)) return;
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const pid = Number(pattern.exec(name)?.[1]);
      if (pid && dead(pid)) {
        rmSync(path, { recursive: true, force: true });
        removed.push(path);
      } else if (depth > 0 && statSync(path, { throwIfNoEntry: false })?.isDirectory()) sweep(path, pattern, depth - 1);
    }
  };
  sweep(join(archiveDir, 'staging'), /^(\d+)-\d+\.csv$/, 0);
  for (const part of ['canonical', 'originals']) sweep(join(archiveDir, part), /\.(?:tmp|rows)-(\d+)$/, 1);
  sweep(tempRoot, /^boardpack-(\d+)-/, 0);
  return removed;
}
