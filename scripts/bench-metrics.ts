/**
 * Benchmark: the metrics for one quarter over a million incidents (with a full, realistic
 * set of volunteer, hours, training and action exports): models, every catalogue metric
 * with previous period, year ago and 13-month series, and the data-quality checks.
 *
 *   npm run bench:metrics                # 1,000,000 incidents, quarter 2025-26-Q2, 3 runs
 *   npm run bench:metrics -- --rows 200000
 *
 * The exports and the loaded database are cached in the system temp folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContracts } from '../pipelines/ingest/contracts.ts';
import { ingestPaths } from '../pipelines/ingest/ingestFiles.ts';
import { systemClock } from '../pipelines/lib/clock.ts';
import { loadConfig } from '../pipelines/lib/config.ts';
import { createDb } from '../pipelines/lib/db.ts';
import { parsePeriod } from '../pipelines/lib/periods.ts';
import { buildModels } from '../pipelines/model/buildModels.ts';
import { loadCatalog } from '../pipelines/metrics/catalog.ts';
import { runDataQuality } from '../pipelines/metrics/dataQuality.ts';
import { runMetrics } from '../pipelines/metrics/runMetrics.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, period: { type: 'string', default: '2025-26-Q2' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const cache = join(tmpdir(), `boardpack-bench-metrics-${rows}`);
const dbPath = join(cache, 'boardpack.duckdb');
const config = loadConfig({ cwd: cache, db: dbPath });

if (!existsSync(dbPath)) {
  console.log(`Generating and ingesting ${rows.toLocaleString('en-GB')} incidents plus volunteers, hours, training and actions into ${cache} ...`);
  execFileSync(process.execPath, ['--import', 'tsx', resolve('scripts/generate-exports.ts'), '--out', join(cache, 'exports'), '--incidents', String(rows), '--no-personal', '--seed', '42'], { stdio: 'inherit' });
  const db = await createDb(dbPath);
  try {
    const report = await ingestPaths([join(cache, 'exports')], { db, contracts: loadContracts(config), force: config.force, archiveDir: config.archive, maxQuarantineShare: 0.1, clock: systemClock, logger: { log: () => {} } });
    for (const f of report.files) if (f.status !== 'loaded') throw new Error(`${f.file}: ${f.error}`);
  } catch (error) {
    db.close();
    rmSync(dbPath, { force: true });
    throw error;
  }
  db.close();
}

const asOf = '2026-10-14';
const period = parsePeriod(values.period!, asOf);
const timings: { models: number; metrics: number; checks: number; total: number }[] = [];
let metricCount = 0;
for (let i = 0; i < runs; i++) {
  const db = await createDb(dbPath);
  const start = performance.now();
  await buildModels(db, config.queriesDir);
  const afterModels = performance.now();
  const catalog = loadCatalog(config.queriesDir);
  const run = await runMetrics(db, catalog, { period, asOf, targets: config.targets });
  const afterMetrics = performance.now();
  await runDataQuality(db, config.queriesDir, { as_of: asOf, max_age_days: 45, start: period.start, end: period.end });
  const end = performance.now();
  metricCount = run.results.length;
  timings.push({ models: afterModels - start, metrics: afterMetrics - afterModels, checks: end - afterMetrics, total: end - start });
  db.close();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`Data: ${rows.toLocaleString('en-GB')} incidents; period ${period.id}; ${metricCount} metrics; median of ${runs} runs\n`);
console.log('| step | ms |');
console.log('|---|---:|');
console.log(`| models (views) | ${median(timings.map((t) => t.models)).toFixed(0)} |`);
console.log(`| metrics: period, previous, year ago, 13-month series | ${median(timings.map((t) => t.metrics)).toFixed(0)} |`);
console.log(`| data-quality checks | ${median(timings.map((t) => t.checks)).toFixed(0)} |`);
console.log(`| **total** | **${median(timings.map((t) => t.total)).toFixed(0)}** |`);
