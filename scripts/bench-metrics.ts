/**
 * Benchmark: the metrics for one quarter over a million incidents (with a full, realistic
 * set of volunteer, hours, training and action exports): models, every catalogue metric
 * with previous period, year ago and 13-month series, and the data-quality checks.
 * (`npm run bench` measures the same, and more, at three sizes.)
 *
 *   npm run bench:metrics                # 1,000,000 incidents, quarter 2025-26-Q2, 3 runs
 *   npm run bench:metrics -- --rows 200000
 *
 * The exports and the loaded database are cached in the system temp folder.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureExports, PERIOD } from './bench/data.ts';
import { describeMachine, machineLine } from './bench/machine.ts';
import { median } from './bench/measure.ts';
import { metricsFor, validatedIngest, type MetricsResult } from './bench/steps.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, period: { type: 'string', default: PERIOD.period } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const exports = ensureExports({ incidents: rows });
const loaded = `${exports.dir}-loaded`;
const dbPath = join(loaded, 'boardpack.duckdb');
if (!existsSync(dbPath)) {
  console.log(`Ingesting ${exports.dir} into ${loaded} ...`);
  const partial = `${loaded}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  await validatedIngest([exports.dir], partial);
  renameSync(partial, loaded);
}

const timings: MetricsResult[] = [];
for (let i = 0; i < runs; i++) timings.push(await metricsFor(dbPath, values.period!, PERIOD.asOf));
const med = (pick: (t: MetricsResult) => number) => median(timings.map(pick)).toFixed(0);
console.log(`\nMachine: ${machineLine(describeMachine())}`);
console.log(`Data: ${rows.toLocaleString('en-GB')} incidents; period ${values.period}; ${timings[0]!.metricCount} metrics; median of ${runs} runs\n`);
console.log('| step | ms |');
console.log('|---|---:|');
console.log(`| models (views) | ${med((t) => t.models)} |`);
console.log(`| metrics: period, previous, year ago, 13-month series | ${med((t) => t.metrics)} |`);
console.log(`| data-quality checks | ${med((t) => t.checks)} |`);
console.log(`| **total** | **${med((t) => t.ms)}** |`);
