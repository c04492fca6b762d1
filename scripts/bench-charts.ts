/**
 * Benchmark: the median time to compile and render each of the pack's eight charts
 * (spec, data binding, description, Vega-Lite compile, Vega render to SVG, accessible
 * markup) from the metric results of fixtures/sample for 2025-26-Q2. Not a test: the
 * target is at most 30 ms median per chart on a developer machine.
 *
 *   npx tsx scripts/bench-charts.ts              # 20 renders per chart
 *   npx tsx scripts/bench-charts.ts --runs 50
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHART_PLANS, compileChartById } from '../pipelines/charts/compileCharts.ts';
import { loadContracts } from '../pipelines/ingest/contracts.ts';
import { ingestPaths } from '../pipelines/ingest/ingestFiles.ts';
import { systemClock } from '../pipelines/lib/clock.ts';
import { loadConfig } from '../pipelines/lib/config.ts';
import { createDb } from '../pipelines/lib/db.ts';
import { parsePeriod, previousPeriod } from '../pipelines/lib/periods.ts';
import { loadCatalog } from '../pipelines/metrics/catalog.ts';
import { runMetrics } from '../pipelines/metrics/runMetrics.ts';
import { buildModels } from '../pipelines/model/buildModels.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, warmup: { type: 'string', default: '2' } } });
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const asOf = '2025-10-14';
const period = parsePeriod('2025-26-Q2', asOf);

const dir = mkdtempSync(join(tmpdir(), 'boardpack-bench-charts-'));
const config = loadConfig({ cwd: dir, db: join(dir, 'boardpack.duckdb') });
const db = await createDb(config.db);
let metrics;
try {
  const report = await ingestPaths([resolve('fixtures/sample')], {
    db,
    contracts: loadContracts(config),
    force: config.force,
    archiveDir: config.archive,
    maxQuarantineShare: 0.1,
    clock: systemClock,
    logger: { log: () => {} },
  });
  for (const f of report.files) if (f.status === 'rejected') throw new Error(`${f.file}: ${f.error}`);
  await buildModels(db, config.queriesDir);
  metrics = (await runMetrics(db, loadCatalog(config.queriesDir), { period, asOf, targets: config.targets })).results;
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

const periods = { current: period.label, previous: previousPeriod(period).label };
const reportsDir = resolve('reports');
console.log(`Median of ${runs} renders per chart (after ${warmup} warm-up), fixtures/sample, ${period.id}:`);
const medians: number[] = [];
for (const plan of CHART_PLANS) {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = performance.now();
    const chart = await compileChartById(plan.id, metrics, reportsDir, periods);
    const ms = performance.now() - start;
    if (i >= warmup) times.push(ms);
    if (chart.warnings.length) throw new Error(`${plan.id}: ${chart.warnings.join('; ')}`);
  }
  const m = median(times);
  medians.push(m);
  console.log(`  ${plan.id.padEnd(20)} ${m.toFixed(1).padStart(6)} ms   (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`);
}
const worst = Math.max(...medians);
console.log(`Slowest median ${worst.toFixed(1)} ms per chart; target 30 ms: ${worst <= 30 ? 'met' : 'NOT met'}.`);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
