/**
 * One measured step in its own process, so its time and peak memory are its own:
 *
 *   node --import tsx scripts/bench/worker.ts <step> '<json arguments>'
 *
 * Prints the step's result as one JSON line starting with RESULT_PREFIX.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './data.ts';
import { runChild, type ChildRun } from './measure.ts';
import { chartTimes, floorLoad, metricResults, metricsFor, validatedIngest } from './steps.ts';

export const RESULT_PREFIX = 'BENCH_RESULT ';

const STEPS = {
  floor: (a: { files: string[]; db: string }) => floorLoad(a.files, a.db),
  ingest: (a: { paths: string[]; work: string }) => validatedIngest(a.paths, a.work),
  metrics: (a: { db: string; period: string; asOf: string }) => metricsFor(a.db, a.period, a.asOf),
  charts: async (a: { db: string; period: string; asOf: string; runs: number; warmup: number }) =>
    chartTimes(await metricResults(a.db, a.period, a.asOf), a.period, a.asOf, { runs: a.runs, warmup: a.warmup, reportsDir: resolve(repoRoot, 'reports') }),
};

export type StepName = keyof typeof STEPS;
export type StepResult<S extends StepName> = Awaited<ReturnType<(typeof STEPS)[S]>>;

/** Runs a step in a child process; throws with the child's stderr if it fails. */
export async function runStep<S extends StepName>(step: S, args: Parameters<(typeof STEPS)[S]>[0], cwd: string): Promise<ChildRun & { result: StepResult<S> }> {
  // tsx by its resolved URL: the child runs in a scratch folder with no node_modules.
  const run = await runChild(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), step, JSON.stringify(args)], { cwd });
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (run.code !== 0 || !line) throw new Error(`bench step ${step} failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return { ...run, result: JSON.parse(line.slice(RESULT_PREFIX.length)) as StepResult<S> };
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const [step, json] = process.argv.slice(2);
  if (!step || !(step in STEPS)) {
    console.error(`usage: worker.ts <${Object.keys(STEPS).join('|')}> '<json>'`);
    process.exit(2);
  }
  const result = await STEPS[step as StepName](JSON.parse(json ?? '{}'));
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
}
