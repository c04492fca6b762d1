import { join } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The command line in-process, as bin/boardpack.js runs it, in `dir` with its database
 * `dir/db.duckdb` and the clock pinned at `at`: what a test reads back is the exit code and
 * the two streams.
 */
export async function runCli(dir: string, at: string, args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--db', join(dir, 'db.duckdb'), ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    clock: fixedClock(at),
    cwd: dir,
  });
  return { code, stdout, stderr };
}
