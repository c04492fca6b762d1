/**
 * The measured steps, as in-process functions: the bare DuckDB floor, boardpack's
 * validated ingest, the metrics for a quarter and the chart renders. `npm run bench`
 * runs each in its own process (worker.ts); bench:ingest, bench:metrics and
 * bench:charts call them directly.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadChartSpec } from '../../pipelines/charts/chartSpecs.ts';
import { forgetDrawings } from '../../pipelines/charts/compileChart.ts';
import { compileOne } from '../../pipelines/charts/compileCharts.ts';
import { loadPackDefinition } from '../../pipelines/packs/packDefinition.ts';
import { loadContracts } from '../../pipelines/ingest/contracts.ts';
import { ingestPaths, type FileReport } from '../../pipelines/ingest/ingestFiles.ts';
import { archiveSettingsOf } from '../../pipelines/archive/prepareArchive.ts';
import { systemClock } from '../../pipelines/lib/clock.ts';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { createDb, ident, literal } from '../../pipelines/lib/db.ts';
import { parsePeriod, previousPeriod } from '../../pipelines/lib/periods.ts';
import { loadCatalog } from '../../pipelines/metrics/catalog.ts';
import { runDataQuality } from '../../pipelines/metrics/dataQuality.ts';
import { runMetrics, type MetricResult } from '../../pipelines/metrics/runMetrics.ts';
import { buildModels } from '../../pipelines/model/buildModels.ts';
import { median } from './measure.ts';

export interface FloorResult {
  ms: number;
  files: { file: string; ms: number; rows: number }[];
}

/** The floor: DuckDB's own `read_csv` of each file into a table of a fresh database, then a checkpoint. */
export async function floorLoad(files: string[], dbPath: string): Promise<FloorResult> {
  const db = await createDb(dbPath);
  try {
    const result: FloorResult = { ms: 0, files: [] };
    for (const [i, file] of files.entries()) {
      const start = performance.now();
      await db.run(`create table ${ident(`t${i}`)} as select * from read_csv(${literal(file)})`);
      await db.run('checkpoint');
      const ms = performance.now() - start;
      const [{ n }] = (await db.all<{ n: number }>(`select count(*)::integer as n from ${ident(`t${i}`)}`)) as [{ n: number }];
      result.files.push({ file: basename(file), ms, rows: n });
      result.ms += ms;
    }
    return result;
  } finally {
    db.close();
  }
}

export interface IngestResult {
  ms: number;
  /** Stage timings per file, in milliseconds. */
  stages: Record<string, Record<string, number>>;
  files: Pick<FileReport, 'file' | 'status' | 'rows_read' | 'rows_loaded' | 'rows_quarantined' | 'rows_excluded' | 'rows_duplicate'>[];
}

/** boardpack's validated ingest of `paths` into a fresh database in `work`, checkpointed, as the CLI runs it. */
export async function validatedIngest(paths: string[], work: string): Promise<IngestResult> {
  mkdirSync(work, { recursive: true });
  const config = loadConfig({ cwd: work, db: join(work, 'boardpack.duckdb') });
  const contracts = loadContracts(config);
  const db = await createDb(config.db, config.duckdb);
  const stages: IngestResult['stages'] = {};
  const logger = {
    log: (_level: string, event: string, f: Record<string, unknown> = {}) => {
      if (event === 'stage') (stages[f.file as string] ??= {})[f.stage as string] = f.ms as number;
    },
  };
  try {
    const start = performance.now();
    // With the archive as a real ingest keeps it: canonical copy and encrypted original.
    const report = await ingestPaths(paths, { db, contracts, force: config.force, archiveDir: config.archive, archive: archiveSettingsOf(config, {}), maxQuarantineShare: config.ingest.maxQuarantineShare, clock: systemClock, logger });
    await db.run('checkpoint');
    const ms = performance.now() - start;
    const files = report.files.map(({ file, status, rows_read, rows_loaded, rows_quarantined, rows_excluded, rows_duplicate }) => ({ file, status, rows_read, rows_loaded, rows_quarantined, rows_excluded, rows_duplicate }));
    for (const f of files) {
      if (f.status !== 'loaded') throw new Error(`${f.file} was not loaded (${f.status}).`);
      // Every row accounted for, at every size.
      if (f.rows_read !== f.rows_loaded + f.rows_quarantined + f.rows_excluded + f.rows_duplicate) throw new Error(`${f.file} does not reconcile: ${JSON.stringify(f)}`);
    }
    return { ms, stages, files };
  } finally {
    db.close();
  }
}

export interface MetricsResult {
  ms: number;
  models: number;
  metrics: number;
  checks: number;
  metricCount: number;
  /** Files in the ledger: a refresh with nothing new must not add one. */
  ledgerFiles: number;
}

/** Models, every catalogue metric for the period (with previous, year ago and series) and the data-quality checks. */
export async function metricsFor(dbPath: string, periodId: string, asOf: string): Promise<MetricsResult> {
  const config = loadConfig({ cwd: join(dbPath, '..'), db: dbPath });
  const period = parsePeriod(periodId, asOf);
  const db = await createDb(dbPath, config.duckdb);
  try {
    const start = performance.now();
    await buildModels(db, config.queriesDir);
    const afterModels = performance.now();
    const run = await runMetrics(db, loadCatalog(config.queriesDir), { period, asOf, targets: config.targets });
    const afterMetrics = performance.now();
    await runDataQuality(db, config.queriesDir, { as_of: asOf, max_age_days: config.dataQuality.maxAgeDays, start: period.start, end: period.end });
    const end = performance.now();
    const [{ n }] = (await db.all<{ n: number }>('select count(*)::integer as n from ingested_files')) as [{ n: number }];
    return { ms: end - start, models: afterModels - start, metrics: afterMetrics - afterModels, checks: end - afterMetrics, metricCount: run.results.length, ledgerFiles: n };
  } finally {
    db.close();
  }
}

/** The metric results a pack's charts are drawn from. */
export async function metricResults(dbPath: string, periodId: string, asOf: string): Promise<MetricResult[]> {
  const config = loadConfig({ cwd: join(dbPath, '..'), db: dbPath });
  const db = await createDb(dbPath, config.duckdb);
  try {
    await buildModels(db, config.queriesDir);
    return (await runMetrics(db, loadCatalog(config.queriesDir), { period: parsePeriod(periodId, asOf), asOf, targets: config.targets })).results;
  } finally {
    db.close();
  }
}

export interface ChartTimes {
  /** Median milliseconds per chart id. */
  medians: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  /** What Vega-Lite, Vega or the fit check said per chart id (a clean chart says nothing). */
  warnings: Record<string, string[]>;
}

/** Renders each pack chart `warmup + runs` times (Vega-Lite compile, Vega view, SVG, accessible markup). */
export async function chartTimes(metrics: MetricResult[], periodId: string, asOf: string, options: { runs: number; warmup: number; reportsDir: string }): Promise<ChartTimes> {
  const period = parsePeriod(periodId, asOf);
  const periods = { current: period.label, previous: previousPeriod(period).label };
  const times: ChartTimes = { medians: {}, min: {}, max: {}, warnings: {} };
  // The board pack's charts, as its definition lists them.
  const definition = loadPackDefinition(join(options.reportsDir, 'packs'), 'board');
  const plans = definition.sections.flatMap((s) => s.charts ?? []).map((id) => loadChartSpec(options.reportsDir, id));
  for (const plan of plans) {
    const ms: number[] = [];
    for (let i = 0; i < options.warmup + options.runs; i++) {
      // Each run draws the chart afresh (a build keeps drawings it has made: compileChart.ts).
      forgetDrawings();
      const start = performance.now();
      const chart = await compileOne(plan, metrics, periods);
      if (i >= options.warmup) ms.push(performance.now() - start);
      if (chart.warnings.length) times.warnings[plan.id] = chart.warnings;
    }
    times.medians[plan.id] = median(ms);
    times.min[plan.id] = Math.min(...ms);
    times.max[plan.id] = Math.max(...ms);
  }
  return times;
}
