import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MARKINGS } from '../lib/config.ts';
import { packageRoot } from '../lib/paths.ts';
import type { Period } from '../lib/periods.ts';
import type { RowCounts } from '../ingest/status.ts';
import type { CheckResult } from '../metrics/dataQuality.ts';
import type { MetricRun } from '../metrics/runMetrics.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { ActionRow } from './actionLog.ts';
import type { CommentaryRecord } from './commentary.ts';
import type { DataDate } from './dataDates.ts';
import type { ExportedFile } from './exportTables.ts';
import { describePolicy, type Policy } from '../lib/publicationPolicy.ts';
import type { PackAudit } from './protectPublic.ts';
import type { Comparison } from './comparisonShape.ts';
import type { FigureRate } from './comparisonShape.ts';
import { areaSlug } from './packScope.ts';

/**
 * The manifest: what a pack holds and where every figure came from. Its types live here, apart
 * from the writer, so the modules that read manifests (cite, restatements, verify) depend on
 * this file alone.
 */

/** A figure of a pack that an earlier pack reported otherwise (packs/restatements.ts). */
export type FigureRole = 'value' | 'previous' | 'year_ago';

export interface Restatement {
  figure: FigureRole;
  period: string;
  label: string;
  /** Null in the public edition: it says that a figure changed and why, not by how much. */
  reported: number | null;
  now: number | null;
  reported_display: string;
  now_display: string;
  reported_in: { pack: string; citation_id: string | null; generated_at: string; snapshot: string };
  reasons: string[];
}

export interface PackInput extends RowCounts {
  dataset: string;
  file: string;
  sha256: string;
  loaded_at: string;
  /** Public edition: each row count as printed ("<5", "[c]"). */
  display?: Record<string, string>;
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
export type PackMetric = MetricRun['results'][number] & Partial<Citation> & { restatements?: Restatement[]; rate?: FigureRate };

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
    /** Whose figures, in words: the force, "<area>, <force>", or the region. */
    force: string;
    /** The rows the figures come from: forces, and an area pack's local policing area. */
    scope?: { kind: 'force' | 'area' | 'region'; forces: string[]; area?: string; code: string };
    /** An area pack's local policing area. */
    area?: string;
    partial: boolean;
    marking: string;
    /** The pack definition built (reports/packs/<name>.json), its title and SHA-256. */
    name: string;
    title: string;
    definition_sha256: string;
    /** Public edition: the publication policy applied (lib/publicationPolicy.ts). */
    disclosure?: ReturnType<typeof describePolicy>;
  };
  /** `covered`: the loaded incidents reach back to the comparison period's start. */
  comparisons: { previous: ComparisonPeriod; year_ago: ComparisonPeriod };
  inputs: PackInput[];
  /** What the build saw: the files loaded up to one load, the settings and the query set; `build --snapshot ID` rebuilds it. */
  snapshot: Snapshot;
  metrics: PackMetric[];
  data_quality: CheckResult[];
  warnings: string[];
  /** The date each dataset's data runs to, against the as-of date. */
  data_dates?: DataDate[];
  /** The period's commentary file, its SHA-256 and the blocks this edition shows. */
  commentary?: CommentaryRecord;
  /** The action log at the as-of date; the public edition's holds only public sources, without owners. */
  action_log?: ActionRow[];
  /** Public edition: the intruder audit this pack passed (packs/protectPublic.ts). */
  disclosure_audit?: PackAudit;
  /** A regional pack's figures for each force beside the region's (packs/comparison.ts). */
  comparison?: Comparison;
  /** Files beside the pack for analysts, with their SHA-256. */
  exports?: ExportedFile[];
  /** SHA-256 of the pack's index.html, so `verify` can tell it is the page this manifest describes. */
  html_sha256?: string;
}

export function packVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `<period>-<edition>` for the board pack (as before definitions), `<period>-<name>-<edition>` for any other,
 * and `<period>-<name>-<area>-<edition>` for an area pack (`2026-27-Q2-area-shropshire-public`).
 */
export function packFolderName(pack: Pick<Manifest['pack'], 'period' | 'edition'> & { name?: string; area?: string }): string {
  const name = pack.name === undefined || pack.name === 'board' ? [] : [pack.name];
  const area = pack.area === undefined ? [] : [areaSlug(pack.area)];
  return [pack.period, ...name, ...area, pack.edition].join('-');
}

export function composeManifest(input: {
  definition: { name: string; title: string; sha256: string };
  run: MetricRun;
  edition: 'board' | 'public';
  generatedAt: string;
  force: string;
  scope?: Manifest['pack']['scope'];
  inputs: PackInput[];
  dataQuality: CheckResult[];
  warnings: string[];
  /** The first date loaded incidents cover, or null when none are loaded. */
  firstRecord: string | null;
  disclosure?: Policy;
  snapshot: Snapshot;
  /** The edition's security marking (configuration "markings"; default OFFICIAL-SENSITIVE or OFFICIAL). */
  marking?: string;
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
      name: input.definition.name,
      title: input.definition.title,
      definition_sha256: input.definition.sha256,
      as_of: run.asOf,
      generated_at: input.generatedAt,
      version: packVersion(),
      force: input.force,
      ...(input.scope ? { scope: input.scope } : {}),
      ...(input.scope?.area ? { area: input.scope.area } : {}),
      partial: run.partial,
      marking: input.marking ?? DEFAULT_MARKINGS[input.edition],
      ...(input.disclosure ? { disclosure: describePolicy(input.disclosure) } : {}),
    },
    comparisons: { previous: span(run.previous), year_ago: span(run.yearAgo) },
    inputs: input.inputs,
    snapshot: input.snapshot,
    metrics: run.results,
    data_quality: input.dataQuality,
    warnings: input.warnings,
  };
}

/** One file `verify` checks: a pack file (HTML, exports, PDF) or an archived export. */
export interface FileCheck {
  file: string;
  /** archive: the copy figures recompute from; original: an encrypted original (verify --originals); commentary: the analysts' file as it stands. */
  role: 'pack' | 'archive' | 'original' | 'commentary';
  /** deleted: an original deleted at the end of its retention period, as the ledger records. */
  status: 'match' | 'missing' | 'altered' | 'deleted';
  detail?: string;
  /** For an archived export: the file to load, and the SHA-256 to load it under. */
  source?: { path: string; sha256: string };
}
