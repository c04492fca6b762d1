/**
 * A refresh as an operator runs it: the boardpack CLI in child processes against a
 * database in `work`, timed from spawn to exit (Node start-up included), with each
 * process's peak memory and, from --verbose, its per-stage timings.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './data.ts';
import { runChild } from './measure.ts';

/**
 * The commands of one refresh. When `boardpack refresh` (issue 6) lands, this becomes
 * the one line `return [['refresh', exportsDir, '--period', period, '--as-of', asOf]];`
 * (with whatever arguments refresh takes).
 */
export function refreshCommands(exportsDir: string, period: string, asOf: string): string[][] {
  return [['ingest', exportsDir], ['build', '--period', period, '--as-of', asOf]];
}

export interface RefreshRun {
  ms: number;
  processes: { command: string; ms: number; peakMb: number | null; stages: Record<string, number> }[];
}

export async function cliRefresh(exportsDir: string, period: string, asOf: string, work: string): Promise<RefreshRun> {
  const run: RefreshRun = { ms: 0, processes: [] };
  mkdirSync(work, { recursive: true });
  for (const command of refreshCommands(exportsDir, period, asOf)) {
    const args = [join(repoRoot, 'bin/boardpack.js'), '--db', join(work, 'boardpack.duckdb'), '--verbose', ...command];
    const child = await runChild(process.execPath, args, { cwd: work });
    if (child.code !== 0) {
      const said = child.stderr.split('\n').filter((l) => l.startsWith('boardpack:')).join(' ');
      throw new Error(`boardpack ${command.join(' ')} exited ${child.code}: ${said || child.stderr.slice(-500)}`);
    }
    run.ms += child.ms;
    run.processes.push({ command: command[0]!, ms: child.ms, peakMb: child.peakMb, stages: stageTimings(child.stderr) });
  }
  return run;
}

/** Sums the `stage` log lines of --verbose by stage name (ingest logs them per file). */
function stageTimings(stderr: string): Record<string, number> {
  const stages: Record<string, number> = {};
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { event?: string; stage?: string; ms?: number };
      if (entry.event === 'stage' && entry.stage && typeof entry.ms === 'number') stages[entry.stage] = (stages[entry.stage] ?? 0) + entry.ms;
    } catch {
      // Not a log line.
    }
  }
  return stages;
}
