/**
 * Benchmark: the median time to compile and render each of the pack's charts (spec,
 * data binding, description, Vega-Lite compile, Vega render to SVG, accessible markup)
 * from the metric results of fixtures/sample for 2025-26-Q2. Not a test: the target is
 * at most 30 ms median per chart on a developer machine. (`npm run bench` measures the
 * same on its synthetic data at three sizes.)
 *
 *   npm run bench:charts                        # 20 renders per chart
 *   npm run bench:charts -- --runs 50
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, workDir } from './bench/data.ts';
import { chartTimes, metricResults, validatedIngest } from './bench/steps.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, warmup: { type: 'string', default: '2' } } });
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const [period, asOf] = ['2025-26-Q2', '2025-10-14'];

const dir = workDir('charts');
let times: Awaited<ReturnType<typeof chartTimes>>;
try {
  await validatedIngest([join(repoRoot, 'fixtures/sample')], dir);
  const metrics = await metricResults(join(dir, 'boardpack.duckdb'), period, asOf);
  times = await chartTimes(metrics, period, asOf, { runs, warmup, reportsDir: join(repoRoot, 'reports') });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`Median of ${runs} renders per chart (after ${warmup} warm-up), fixtures/sample, ${period}:`);
for (const [id, m] of Object.entries(times.medians)) {
  console.log(`  ${id.padEnd(20)} ${m.toFixed(1).padStart(6)} ms   (min ${times.min[id]!.toFixed(1)}, max ${times.max[id]!.toFixed(1)})`);
}
for (const [id, warnings] of Object.entries(times.warnings)) console.log(`  ${id}: ${warnings.join('; ')}`);
const worst = Math.max(...Object.values(times.medians));
console.log(`Slowest median ${worst.toFixed(1)} ms per chart; target 30 ms: ${worst <= 30 ? 'met' : 'NOT met'}.`);
