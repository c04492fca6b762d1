/**
 * `npm run bench`: boardpack against the floor at three sizes, in one run, on seeded
 * synthetic exports (generated once and cached in the temp folder):
 *
 *   npm run bench                              # force, 1m, 10m and region
 *   npm run bench -- --sizes force,1m --runs 5
 *   npm run bench -- --sizes region --region-incidents 40000   # the regional size, smaller
 *   npm run bench -- --update-docs             # also replace the table in docs/performance.md
 *   npm run bench -- --sizes force --suite     # also time `npm test` (on a quiet machine)
 *
 * Per size and run, each step in its own process: the floor (DuckDB's bare read_csv of
 * each file into a table), boardpack's validated ingest, a full refresh through the CLI
 * (ingest into a fresh database, then build the pack), a refresh with nothing new (the
 * same again: every file already loaded, then the build), the metrics for a quarter and
 * the pack's chart renders. The regional size (scripts/bench/regional.ts) instead times four
 * forces' refreshes and Parquet exports into one folder, and the hub's build from it. Before the sizes: the CLI's start-up (`--help`, `status`, a refresh
 * with nothing new, on the sample exports) and, with --suite, the test suite's time. Prints
 * Markdown tables, each target marked met or missed, and writes them, with the machine, to
 * docs/bench-latest.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureExports, parseSizes, PERIOD, repoRoot, SIZES, workDir, type BenchSize } from './bench/data.ts';
import { describeMachine, loadLine, machineLine } from './bench/machine.ts';
import { median, peak, rssMethod } from './bench/measure.ts';
import { cliRefresh, REFRESH, type RefreshRun } from './bench/refresh.ts';
import { fullReport, summaryTable, verdicts, type SizeResult } from './bench/report.ts';
import { benchRegion, regionTable, type RegionResult } from './bench/regional.ts';
import { measureStartup, measureSuite, startupTable, startupVerdicts, type StartupResults } from './bench/startup.ts';
import { runStep } from './bench/worker.ts';

/** The document whose table --update-docs replaces (declared before the top-level code that uses it). */
const PERFORMANCE_DOC = 'docs/performance.md';
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: SIZES.map((s) => s.id).join(',') },
    runs: { type: 'string' },
    'chart-renders': { type: 'string', default: '20' },
    out: { type: 'string', default: 'docs/bench-latest.md' },
    'update-docs': { type: 'boolean', default: false },
    // The table lived in the README before docs/performance.md; the old name still works.
    'update-readme': { type: 'boolean', default: false },
    suite: { type: 'boolean', default: false },
    'startup-runs': { type: 'string', default: '5' },
    // The regional size's incidents over its four forces (default 2,000,000), to try it smaller.
    'region-incidents': { type: 'string' },
  },
});
const sizes = parseSizes(values.sizes!).map((s) => (s.forces && values['region-incidents'] ? regionOf(s, Number(values['region-incidents'])) : s));
const chartRenders = Number(values['chart-renders']);
/** Ten million rows take minutes per run: one run there unless asked. */
const runsFor = (s: BenchSize) => (values.runs !== undefined ? Number(values.runs) : s.id === '10m' || s.forces ? 1 : 3);
const log = (line: string) => process.stderr.write(`${line}\n`);

const machine = describeMachine();
const loadBefore = loadLine();
log(`Machine: ${machineLine(machine)}; load average ${loadBefore}; peak RSS by ${rssMethod() === 'time' ? '/usr/bin/time -v' : rssMethod() === 'proc' ? 'polling /proc/<pid>/status VmHWM' : 'nothing (not measured)'}`);
// Start-up as a nightly job sees it: tsx's transform cache warm.
spawnSync(process.execPath, [join(repoRoot, 'bin/boardpack.js'), '--help'], { stdio: 'ignore' });

const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, '');
const startupRuns = Number(values['startup-runs']);
const startup: StartupResults = { commands: await measureStartup(startupRuns, log), suite: values.suite ? await measureSuite(log) : null };
const results: SizeResult[] = [];
const regions: RegionResult[] = [];
const failures: string[] = [];
for (const size of sizes) {
  try {
    if (size.forces) regions.push(await benchRegion(size, runsFor(size), log));
    else results.push(await benchSize(size));
  } catch (error) {
    // One size failing (say, out of disk at ten million rows) keeps the others' figures.
    failures.push(`${size.label}: ${(error as Error).message}`);
    log(`FAILED ${failures.at(-1)}`);
  }
  // Written after every size, so a long run that is stopped keeps what it measured.
  if (results.length || regions.length) writeReport(false);
}
if (results.length || regions.length) writeReport(true);
for (const f of failures) console.log(`FAILED: ${f}`);
if (failures.length) process.exitCode = 1;

function writeReport(final: boolean): void {
  const header = [
    `Machine: ${machineLine(machine)}. Load average (1 min) ${loadBefore} at the start, ${loadLine()} at the end; the benchmark itself adds up to ${machine.cores}, so more means other work shared the cores.`,
    `Run: \`${command}\` on ${new Date().toISOString().slice(0, 10)}; quarter ${PERIOD.period} as of ${PERIOD.asOf}; seeded exports (scripts/bench/data.ts); refresh = ${REFRESH.name}.`,
  ];
  const startupSection = `Start-up (medians of ${startupRuns} runs, wall time from spawn to exit, ms) and the test suite:\n\n${startupTable(startup)}`;
  const regionSection = regions.map((r) => `The regional size: each force its own database, refreshed, then exported to one Parquet folder; the hub's pack built from it:\n\n${regionTable(r)}\n`).join('\n');
  const sizesReport = results.length ? fullReport(results, header) : header.join('\n');
  const report = `${sizesReport}\n${regionSection ? `${regionSection}\n` : ''}${startupSection}\n`;
  writeFileSync(join(repoRoot, values.out!), `# Latest benchmark\n\n\`npm run bench\` writes this file; see docs/performance.md.\n\n${report}`);
  if (!final) return;
  console.log(`\n${report}`);
  for (const v of [...verdicts(results), ...startupVerdicts(startup)]) console.log(v);
  const updateDocs = values['update-docs'] || values['update-readme'];
  const tables = [results.length ? summaryTable(results) : '', regions.map((r) => regionTable(r)).join('\n\n'), startupSection].filter(Boolean);
  if (updateDocs) updatePerformanceDoc(tables.join('\n\n'), header);
  log(`\nWritten: ${values.out}${updateDocs ? ` and ${PERFORMANCE_DOC}` : ''}`);
}

async function benchSize(size: BenchSize): Promise<SizeResult> {
  const exports = ensureExports({ incidents: size.incidents, log });
  const files = exports.files.map((f) => f.path);
  const largest = exports.files
    .reduce((a, b) => (b.bytes > a.bytes ? b : a))
    .path.split('/')
    .pop()!;
  const runs = runsFor(size);
  const samples: {
    floor: number;
    ingest: number;
    metrics: number;
    metricCount: number;
    charts: Record<string, number>;
    chartWarnings: Record<string, string[]>;
    refresh: RefreshRun;
    nothingNew: RefreshRun;
    rss: Record<string, number | null>;
    stages: Record<string, number>;
  }[] = [];
  for (let i = 1; i <= runs; i++) {
    const work = workDir(`${size.id}-${i}`);
    try {
      log(`${size.label}, run ${i}/${runs}: floor`);
      const floor = await runStep('floor', { files, db: join(work, 'floor.duckdb') }, work);
      rmSync(join(work, 'floor.duckdb'), { force: true });
      log(`${size.label}, run ${i}/${runs}: validated ingest`);
      const ingest = await runStep('ingest', { paths: [exports.dir], work: join(work, 'ingest') }, work);
      rmSync(join(work, 'ingest'), { recursive: true, force: true });
      log(`${size.label}, run ${i}/${runs}: full refresh, then a refresh with nothing new`);
      const refreshDir = join(work, 'refresh');
      rmSync(refreshDir, { recursive: true, force: true });
      const refresh = await cliRefresh(exports.dir, PERIOD.period, PERIOD.asOf, refreshDir);
      const nothingNew = await cliRefresh(exports.dir, PERIOD.period, PERIOD.asOf, refreshDir);
      log(`${size.label}, run ${i}/${runs}: metrics and charts`);
      const db = join(refreshDir, 'boardpack.duckdb');
      const metrics = await runStep('metrics', { db, period: PERIOD.period, asOf: PERIOD.asOf }, work);
      if (metrics.result.ledgerFiles !== files.length) throw new Error(`The refresh with nothing new loaded something: ${metrics.result.ledgerFiles} files in the ledger, ${files.length} exports.`);
      const charts = await runStep('charts', { db, period: PERIOD.period, asOf: PERIOD.asOf, runs: chartRenders, warmup: 2 }, work);
      samples.push({
        floor: floor.result.ms,
        ingest: ingest.result.ms,
        metrics: metrics.result.ms,
        metricCount: metrics.result.metricCount,
        charts: charts.result.medians,
        chartWarnings: charts.result.warnings,
        refresh,
        nothingNew,
        stages: ingest.result.stages[largest] ?? {},
        rss: {
          floor: floor.peakMb,
          'validated ingest': ingest.peakMb,
          ...Object.fromEntries(refresh.processes.map((p) => [`full refresh: ${p.command}`, p.peakMb])),
          ...Object.fromEntries(nothingNew.processes.map((p) => [`nothing new: ${p.command}`, p.peakMb])),
          metrics: metrics.peakMb,
          charts: charts.peakMb,
        },
      });
      log(`  floor ${Math.round(floor.result.ms)} ms, ingest ${Math.round(ingest.result.ms)} ms, refresh ${Math.round(refresh.ms)} ms, nothing new ${Math.round(nothingNew.ms)} ms, metrics ${Math.round(metrics.result.ms)} ms`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const med = (pick: (s: (typeof samples)[number]) => number) => median(samples.map(pick));
  const chartIds = Object.keys(samples[0]!.charts);
  const chartMedians = Object.fromEntries(chartIds.map((id) => [id, med((s) => s.charts[id]!)]));
  const slowest = chartIds.reduce((a, b) => (chartMedians[b]! > chartMedians[a]! ? b : a));
  const keysOf = (pick: (s: (typeof samples)[number]) => Record<string, unknown>) => [...new Set(samples.flatMap((s) => Object.keys(pick(s))))];
  const medianOf = (pick: (s: (typeof samples)[number]) => Record<string, number>) => Object.fromEntries(keysOf(pick).map((k) => [k, med((s) => pick(s)[k] ?? 0)]));
  const processes = (which: 'refresh' | 'nothingNew', label: string) => (s: (typeof samples)[number]) => Object.fromEntries(s[which].processes.map((p) => [`${label}: ${p.command} process`, p.ms]));
  return {
    size,
    runs,
    files: files.length,
    bytes: exports.bytes,
    floorMs: med((s) => s.floor),
    ingestMs: med((s) => s.ingest),
    metricsMs: med((s) => s.metrics),
    metricCount: samples[0]!.metricCount,
    chartMedianMs: median(Object.values(chartMedians)),
    chartSlowestMs: chartMedians[slowest]!,
    slowestChart: slowest,
    refreshMs: med((s) => s.refresh.ms),
    nothingNewMs: med((s) => s.nothingNew.ms),
    refreshCpuMs: samples.every((s) => s.refresh.cpuMs !== null) ? med((s) => s.refresh.cpuMs!) : null,
    nothingNewCpuMs: samples.every((s) => s.nothingNew.cpuMs !== null) ? med((s) => s.nothingNew.cpuMs!) : null,
    rss: Object.fromEntries(keysOf((s) => s.rss).map((k) => [k, peak(samples.map((s) => s.rss[k] ?? null))])),
    ingestStages: medianOf((s) => s.stages),
    refreshProcesses: { ...medianOf(processes('refresh', 'full refresh')), ...medianOf(processes('nothingNew', 'nothing new')) },
    chartWarnings: Object.assign({}, ...samples.map((s) => s.chartWarnings)) as Record<string, string[]>,
    refreshStages: medianOf((s) => Object.fromEntries(s.refresh.processes.flatMap((p) => Object.entries(p.stages).map(([k, v]) => [`${p.command}: ${k}`, v])))),
  };
}

/** The regional size with another number of incidents (to try it smaller than two million). */
function regionOf(size: BenchSize, incidents: number): BenchSize {
  if (!Number.isSafeInteger(incidents) || incidents < (size.forces ?? 1)) throw new Error(`--region-incidents takes a whole number of incidents, at least one per force; got "${values['region-incidents']}".`);
  return { ...size, incidents, label: `region: ${size.forces} forces, 10 years, ${incidents.toLocaleString('en-GB')} incidents` };
}

/** Replaces the table between the bench markers in docs/performance.md, so it shows the latest run. */
function updatePerformanceDoc(table: string, header: string[]): void {
  const path = join(repoRoot, PERFORMANCE_DOC);
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${PERFORMANCE_DOC} has no ${start} ... ${end} markers to put the table between.`);
  writeFileSync(path, `${text.slice(0, from + start.length)}\n${header.join('\n')}\n\n${table}\n${text.slice(to)}`);
}
