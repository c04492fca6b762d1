/**
 * A refresh as an operator runs it: the boardpack CLI in child processes against a
 * database in `work`, timed from spawn to exit (Node start-up included), with each
 * process's peak memory and, from --verbose, its per-stage timings.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './data.ts';
import { runBoardpack } from './measure.ts';

/** How a refresh is run: what to set up in the work folder, then the CLI commands. */
export interface RefreshMethod {
  name: string;
  commands(work: string, exportsDir: string, period: string, asOf: string): string[][];
}

/** Today's stand-in: `boardpack ingest DIR`, then `boardpack build --period P --as-of D`. */
export const ingestThenBuild: RefreshMethod = {
  name: 'boardpack ingest, then boardpack build',
  commands: (_work, exportsDir, period, asOf) => [
    ['ingest', exportsDir],
    ['build', '--period', period, '--as-of', asOf],
  ],
};

/**
 * `boardpack refresh` (issue 6): the exports are linked into an inbox (refresh moves what it
 * takes to inbox/processed), and a configuration names the inbox and the pack to build.
 */
export const nightlyRefresh: RefreshMethod = nightlyRefreshWith({});

/** The nightly refresh with more settings in its configuration (a region's force: its name and code). */
export function nightlyRefreshWith(settings: Record<string, unknown>): RefreshMethod {
  return {
    name: 'boardpack refresh',
    commands: (work, exportsDir, period) => {
      // The first night the exports arrive; on the next, the inbox is empty (refresh moved them to processed/).
      if (!existsSync(join(work, 'boardpack.config.json'))) {
        const inbox = join(work, 'inbox');
        mkdirSync(inbox, { recursive: true });
        for (const name of readdirSync(exportsDir).filter((f) => f.endsWith('.csv'))) linkSync(join(exportsDir, name), join(inbox, name));
        writeFileSync(join(work, 'boardpack.config.json'), JSON.stringify({ ...settings, inbox: 'inbox', inbox_settle_seconds: 0, packs: [{ period, edition: 'board' }] }));
      }
      return [['refresh']];
    },
  };
}

/** How the benchmark refreshes: the nightly job itself (`ingestThenBuild` is the two-command stand-in used before it). */
export const REFRESH: RefreshMethod = nightlyRefresh;

export interface RefreshRun {
  ms: number;
  /** CPU time of all the processes; null where not measured. */
  cpuMs: number | null;
  processes: { command: string; ms: number; cpuMs: number | null; peakMb: number | null; stages: Record<string, number> }[];
}

/** The refresh in `work`; `bin` is the CLI of another checkout where two versions are compared (bench-compare.ts). */
export async function cliRefresh(exportsDir: string, period: string, asOf: string, work: string, method: RefreshMethod = REFRESH, bin = join(repoRoot, 'bin/boardpack.js')): Promise<RefreshRun> {
  const run: RefreshRun = { ms: 0, cpuMs: 0, processes: [] };
  mkdirSync(work, { recursive: true });
  for (const command of method.commands(work, exportsDir, period, asOf)) {
    const child = await runBoardpack(bin, ['--db', join(work, 'boardpack.duckdb'), '--verbose', ...command], { cwd: work, shown: command });
    run.ms += child.ms;
    run.cpuMs = run.cpuMs === null || child.cpuMs === null ? null : run.cpuMs + child.cpuMs;
    run.processes.push({ command: command[0]!, ms: child.ms, cpuMs: child.cpuMs, peakMb: child.peakMb, stages: stageTimings(child.stderr) });
  }
  return run;
}

/**
 * Sums the `stage` log lines of --verbose by stage name (ingest logs them per file). Ingest and
 * build both have a `write` stage: they are kept apart (`ingest write`, `pack write`), as summed
 * together they once made the refresh's ingest look twice as slow to write as a bare ingest.
 */
export function stageTimings(stderr: string): Record<string, number> {
  const stages: Record<string, number> = {};
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { event?: string; stage?: string; ms?: number; file?: string; command?: string };
      if (entry.event !== 'stage' || !entry.stage || typeof entry.ms !== 'number') continue;
      const name = entry.stage === 'write' ? (entry.file ? 'ingest write' : 'pack write') : entry.stage;
      stages[name] = (stages[name] ?? 0) + entry.ms;
    } catch {
      // Not a log line.
    }
  }
  return stages;
}
