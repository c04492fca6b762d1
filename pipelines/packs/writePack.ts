import { makeAsUmaskWould, makeOwnerOnly } from '../lib/ownerOnly.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { packageRoot } from '../lib/config.ts';
import { sha256Text } from '../lib/hashing.ts';
import type { Period } from '../lib/periods.ts';
import type { RowCounts } from '../ingest/status.ts';
import type { ExportedFile } from './exportTables.ts';
import type { CheckResult } from '../metrics/dataQuality.ts';
import type { MetricRun } from '../metrics/runMetrics.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { Restatement } from './restatements.ts';

/**
 * The packs stage: one folder per pack, `<out>/<period>-<edition>/`, holding
 * `manifest.json` (interface.md) and `index.html`. Written to a temp folder and
 * renamed into place, so a reader never sees half a pack.
 */

export interface PackInput extends RowCounts {
  dataset: string;
  file: string;
  sha256: string;
  loaded_at: string;
}

export interface ComparisonPeriod {
  id: string;
  start: string;
  end: string;
  covered: boolean;
}

/** Where a figure can be cited from: its ID, the parameters it was computed with, the exports behind it. */
export interface Citation {
  citation_id: string;
  parameters: { start: string; end: string; as_of: string };
  sources: { dataset: string; file: string; sha256: string }[];
  /** The snapshot (loaded files, settings, query set) the figure was computed from. */
  snapshot: string;
}

/** A figure of the pack as the pack publishes it. */
export type PackMetric = MetricRun['results'][number] & Partial<Citation> & { restatements?: Restatement[] };

export interface Manifest {
  pack: {
    period: string;
    label: string;
    start: string;
    end: string;
    edition: 'board' | 'public';
    as_of: string;
    generated_at: string;
    version: string;
    force: string;
    partial: boolean;
    marking: string;
    /** Public edition: the disclosure-control thresholds applied. */
    disclosure?: { min_count: number; min_denominator: number; min_crimes_for_money: number };
  };
  /** `covered`: the loaded incidents reach back to the comparison period's start. */
  comparisons: { previous: ComparisonPeriod; year_ago: ComparisonPeriod };
  inputs: PackInput[];
  /** What the build saw: the files loaded up to one load, the settings and the query set; `build --snapshot ID` rebuilds it. */
  snapshot: Snapshot;
  metrics: PackMetric[];
  data_quality: CheckResult[];
  warnings: string[];
  /** Files beside the pack for analysts, with their SHA-256. */
  exports?: ExportedFile[];
  /** SHA-256 of the pack's index.html, so `verify` can tell it is the page this manifest describes. */
  html_sha256?: string;
}

export function packVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export function composeManifest(input: {
  run: MetricRun;
  edition: 'board' | 'public';
  generatedAt: string;
  force: string;
  inputs: PackInput[];
  dataQuality: CheckResult[];
  warnings: string[];
  /** The first date loaded incidents cover, or null when none are loaded. */
  firstRecord: string | null;
  disclosure?: { minCount: number; minDenominator: number; minCrimesForMoney: number };
  snapshot: Snapshot;
}): Manifest {
  const { run } = input;
  const span = (p: Period) => ({ id: p.id, start: p.start, end: p.end, covered: input.firstRecord !== null && p.start >= input.firstRecord });
  return {
    pack: {
      period: run.period.id,
      label: run.period.label,
      start: run.period.start,
      end: run.period.end,
      edition: input.edition,
      as_of: run.asOf,
      generated_at: input.generatedAt,
      version: packVersion(),
      force: input.force,
      partial: run.partial,
      marking: input.edition === 'board' ? 'OFFICIAL-SENSITIVE' : 'OFFICIAL',
      ...(input.disclosure
        ? { disclosure: { min_count: input.disclosure.minCount, min_denominator: input.disclosure.minDenominator, min_crimes_for_money: input.disclosure.minCrimesForMoney } }
        : {}),
    },
    comparisons: { previous: span(run.previous), year_ago: span(run.yearAgo) },
    inputs: input.inputs,
    snapshot: input.snapshot,
    metrics: run.results,
    data_quality: input.dataQuality,
    warnings: input.warnings,
  };
}

/**
 * Writes the pack folder (exports, manifest and rendered HTML) atomically and returns its
 * path. `addExports` writes files into the temp folder; they are listed in the manifest.
 */
export async function writePack(outDir: string, manifest: Manifest, html: string, addExports?: (dir: string) => Promise<ExportedFile[]>): Promise<string> {
  const name = `${manifest.pack.period}-${manifest.pack.edition}`;
  const final = join(outDir, name);
  const temp = join(outDir, `.${name}.tmp-${process.pid}`);
  restoreInterruptedSwap(outDir, name);
  rmSync(temp, { recursive: true, force: true });
  try {
    mkdirSync(temp, { recursive: true });
    if (addExports) manifest.exports = await addExports(temp);
    manifest.html_sha256 = sha256Text(html);
    writeFileSync(join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(temp, 'index.html'), html);
    // A board pack holds figures not for publication: its owner's only, whatever the umask.
    if (manifest.pack.edition === 'board') makeOwnerOnly(temp);
    else makeAsUmaskWould(temp);
  } catch (error) {
    // A full disk or a refused write leaves no half-written folder behind.
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  const old = join(outDir, `.${name}.old-${process.pid}`);
  try {
    renameSync(final, old);
  } catch {
    // No earlier pack of this name.
  }
  renameSync(temp, final);
  rmSync(old, { recursive: true, force: true });
  return final;
}

/**
 * A process killed between the two renames above leaves the earlier pack as `.name.old-PID`
 * and no pack of that name: put it back. A leftover beside a new pack is only removed.
 */
function restoreInterruptedSwap(outDir: string, name: string): void {
  if (!existsSync(outDir)) return;
  const olds = readdirSync(outDir).filter((f) => f.startsWith(`.${name}.old-`));
  for (const [i, old] of olds.entries()) {
    if (i === 0 && !existsSync(join(outDir, name))) renameSync(join(outDir, old), join(outDir, name));
    else rmSync(join(outDir, old), { recursive: true, force: true });
  }
}

/**
 * The `latest` pointer, updated last by the nightly job: `latest.json` lists the packs of
 * the last successful run and the symlink `latest` points at the first; both are replaced
 * by a rename, so a reader sees the old pointer or the new one, never neither.
 */
export function updateLatest(outDir: string, packs: string[], run: { run_id: number; finished_at: string }): void {
  mkdirSync(outDir, { recursive: true });
  const names = packs.map((p) => basename(p));
  const json = join(outDir, `.latest.json.tmp-${process.pid}`);
  writeFileSync(json, `${JSON.stringify({ run_id: run.run_id, finished_at: run.finished_at, packs: names }, null, 2)}\n`);
  renameSync(json, join(outDir, 'latest.json'));
  if (names.length === 0) return;
  const link = join(outDir, `.latest.tmp-${process.pid}`);
  rmSync(link, { force: true });
  symlinkSync(names[0]!, link);
  renameSync(link, join(outDir, 'latest'));
}
