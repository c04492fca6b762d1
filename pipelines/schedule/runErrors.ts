import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Db } from '../lib/db.ts';

/**
 * A run that fails because the disk is full often cannot record its own failure either: the
 * database cannot grow. Its error is then written to a small file beside the database, and
 * the next run records it as that run's error (instead of "interrupted", which would lose the
 * real cause). The file goes once recorded.
 */

const PATTERN = /^(.+)\.run-(\d+)\.error\.txt$/;

function errorFile(dbPath: string, runId: number): string {
  return `${dbPath}.run-${runId}.error.txt`;
}

export function keepRunError(dbPath: string, runId: number, error: string): void {
  try {
    writeFileSync(errorFile(dbPath, runId), `${error}\n`, { mode: 0o600 });
  } catch {
    // Not even a few bytes could be written: the run will read as interrupted.
  }
}

/** Records kept errors on their runs (still "running"); returns how many. */
export async function recordKeptRunErrors(db: Db, dbPath: string, now: Date): Promise<number> {
  const folder = dirname(dbPath);
  if (!existsSync(folder)) return 0;
  let recorded = 0;
  for (const name of readdirSync(folder)) {
    const match = PATTERN.exec(name);
    if (!match || match[1] !== basename(dbPath)) continue;
    const path = join(folder, name);
    const error = readFileSync(path, 'utf8').trim();
    await db.run(`update runs set status = 'failed', finished_at = $1, error = $2 where run_id = $3 and status = 'running'`, [now.toISOString().replace('T', ' ').replace('Z', ''), error, Number(match[2])]);
    rmSync(path, { force: true });
    recorded++;
  }
  return recorded;
}
