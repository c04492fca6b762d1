/**
 * The regional size (issue 15): four forces, each with ten years of its own seeded exports,
 * its own database and nightly refresh, each exporting its tables into ONE Parquet folder
 * (`export --parquet`), then the regional hub's pack built from that folder
 * (`build --from-parquet`). Every step is the CLI in its own process, timed from spawn to exit
 * with its peak memory, as the other sizes' refreshes are.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureExports, PERIOD, REGION_WINDOW, repoRoot, WINDOW, workDir, type BenchSize, type Exports } from './data.ts';
import { median, peak, runBoardpack, type ChildRun } from './measure.ts';
import { cliRefresh, nightlyRefreshWith, stageTimings, type RefreshRun } from './refresh.ts';

/** The forces the West Midlands regional unit serves. */
export const REGION_FORCES = [
  { force: 'West Mercia', code: 'WM' },
  { force: 'West Midlands', code: 'WMP' },
  { force: 'Staffordshire', code: 'STAFF' },
  { force: 'Warwickshire', code: 'WARKS' },
];

export interface RegionResult {
  size: BenchSize;
  runs: number;
  files: number;
  bytes: number;
  /** The forces' full refreshes (ingest and build, each its own database), summed; and per force. */
  refreshMs: number;
  refreshCpuMs: number | null;
  perForceMs: Record<string, number>;
  /** The forces' `export --parquet` into the one folder, summed, and the folder's size. */
  exportMs: number;
  lakeBytes: number;
  /** The hub's `build --from-parquet` over every force's files. */
  hubBuildMs: number;
  hubBuildCpuMs: number | null;
  hubStages: Record<string, number>;
  rss: Record<string, number | null>;
}

interface Sample {
  refresh: RefreshRun[];
  exports: ChildRun[];
  hub: ChildRun;
  lakeBytes: number;
}

const bin = join(repoRoot, 'bin/boardpack.js');

export async function benchRegion(size: BenchSize, runs: number, log: (line: string) => void): Promise<RegionResult> {
  const forces = REGION_FORCES.slice(0, size.forces ?? REGION_FORCES.length);
  // Each force its own seeded exports over ten years, the incidents shared equally.
  const exports: Exports[] = forces.map((_, i) => ensureExports({ incidents: Math.round(size.incidents / forces.length), seed: WINDOW.seed + i, start: REGION_WINDOW.start, log }));
  const samples: Sample[] = [];
  for (let run = 1; run <= runs; run++) {
    const work = workDir(`${size.id}-${run}`);
    try {
      samples.push(await regionRun(work, forces, exports, `${size.label}, run ${run}/${runs}`, log));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const med = (pick: (s: Sample) => number) => median(samples.map(pick));
  const total = (xs: { ms: number }[]) => xs.reduce((t, x) => t + x.ms, 0);
  const cpuTotal = (xs: { cpuMs: number | null }[]) => (xs.every((x) => x.cpuMs !== null) ? xs.reduce((t, x) => t + x.cpuMs!, 0) : null);
  const refreshCpu = samples.map((s) => cpuTotal(s.refresh));
  const hubCpu = samples.map((s) => s.hub.cpuMs);
  const peaks = (pick: (s: Sample) => (number | null)[]) => peak(samples.flatMap(pick));
  return {
    size,
    runs,
    files: exports.reduce((n, e) => n + e.files.length, 0),
    bytes: exports.reduce((n, e) => n + e.bytes, 0),
    refreshMs: med((s) => total(s.refresh)),
    refreshCpuMs: refreshCpu.every((c) => c !== null) ? median(refreshCpu as number[]) : null,
    perForceMs: Object.fromEntries(forces.map((f, i) => [f.force, med((s) => s.refresh[i]!.ms)])),
    exportMs: med((s) => total(s.exports)),
    lakeBytes: med((s) => s.lakeBytes),
    hubBuildMs: med((s) => s.hub.ms),
    hubBuildCpuMs: hubCpu.every((c) => c !== null) ? median(hubCpu as number[]) : null,
    hubStages: Object.fromEntries(Object.keys(stageTimings(samples[0]!.hub.stderr)).map((k) => [k, med((s) => stageTimings(s.hub.stderr)[k] ?? 0)])),
    rss: {
      'a force: refresh': peaks((s) => s.refresh.flatMap((r) => r.processes.map((p) => p.peakMb))),
      'a force: export --parquet': peaks((s) => s.exports.map((e) => e.peakMb)),
      'hub: build --from-parquet': peaks((s) => [s.hub.peakMb]),
    },
  };
}

/** One run: each force refreshes its own database and exports into the one folder, then the hub builds from it. */
async function regionRun(work: string, forces: typeof REGION_FORCES, exports: Exports[], label: string, log: (line: string) => void): Promise<Sample> {
  const hub = join(work, 'hub');
  const lake = join(hub, 'lake');
  mkdirSync(hub, { recursive: true });
  const sample: Sample = { refresh: [], exports: [], hub: null as unknown as ChildRun, lakeBytes: 0 };
  for (const [i, { force, code }] of forces.entries()) {
    log(`${label}: ${force}: full refresh, then export --parquet`);
    const dir = join(work, code);
    sample.refresh.push(await cliRefresh(exports[i]!.dir, PERIOD.period, PERIOD.asOf, dir, nightlyRefreshWith({ force, force_code: code })));
    sample.exports.push(await cli(dir, ['--db', join(dir, 'boardpack.duckdb'), 'export', '--parquet', lake]));
  }
  log(`${label}: the hub's build --from-parquet`);
  writeFileSync(join(hub, 'boardpack.config.json'), JSON.stringify({ force: forces[0]!.force, force_code: forces[0]!.code }));
  sample.hub = await cli(hub, ['--verbose', 'build', '--from-parquet', 'lake', '--period', PERIOD.period, '--as-of', PERIOD.asOf, '--out', 'packs']);
  checkHubPack(join(hub, 'packs'), forces.length * 5);
  sample.lakeBytes = folderBytes(lake);
  const sum = (xs: { ms: number }[]) => Math.round(xs.reduce((t, x) => t + x.ms, 0));
  log(`  refreshes ${sum(sample.refresh)} ms, exports ${sum(sample.exports)} ms, hub build ${Math.round(sample.hub.ms)} ms`);
  return sample;
}

function cli(cwd: string, args: string[]): Promise<ChildRun> {
  return runBoardpack(bin, args, { cwd, shown: args });
}

/** The hub's pack must have read every force's files, or its time says nothing. */
function checkHubPack(out: string, files: number): void {
  const folder = readdirSync(out).find((f) => f.endsWith('-board'));
  const manifest = JSON.parse(readFileSync(join(out, folder!, 'manifest.json'), 'utf8')) as { snapshot: { files: unknown[] } };
  if (manifest.snapshot.files.length !== files) throw new Error(`The hub's pack read ${manifest.snapshot.files.length} files, not the ${files} the forces loaded.`);
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true })
    .map((f) => statSync(join(dir, String(f))))
    .filter((s) => s.isFile())
    .reduce((n, s) => n + s.size, 0);
}

const ms = (x: number) => Math.round(x).toLocaleString('en-GB');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const cpu = (x: number | null) => (x === null ? '' : ` (${ms(x)})`);

/** The regional size as a Markdown table (figures are medians of the runs, memory the peak). */
export function regionTable(r: RegionResult): string {
  const rows: [string, string][] = [
    ['exports (files, size)', `${r.files} files, ${mb(r.bytes)} (${r.size.forces} forces, ${REGION_WINDOW.start} to ${WINDOW.end})`],
    ['runs (figures are medians)', String(r.runs)],
    ["every force's full refresh, each its own database, ms summed (CPU time)", `${ms(r.refreshMs)}${cpu(r.refreshCpuMs)}`],
    ...Object.entries(r.perForceMs).map(([force, x]): [string, string] => [`  ${force}`, ms(x)]),
    ["every force's `export --parquet` into one folder, ms summed (the folder's size)", `${ms(r.exportMs)} (${mb(r.lakeBytes)})`],
    ["the hub's `build --from-parquet` over every force's files, ms (CPU time)", `${ms(r.hubBuildMs)}${cpu(r.hubBuildCpuMs)}`],
    ...Object.entries(r.hubStages).map(([stage, x]): [string, string] => [`  build stage: ${stage}`, ms(x)]),
    ...Object.entries(r.rss).map(([p, x]): [string, string] => [`peak RSS, ${p}, MB`, x === null ? 'n/a' : ms(x)]),
  ];
  return [`| ${r.size.label} | |`, '|---|---:|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}
