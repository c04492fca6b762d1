import type { MetricRun } from '../metrics/runMetrics.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../lib/clock.ts';
import type { Config } from '../lib/config.ts';
import { checkpoint, type Db } from '../lib/db.ts';
import { alongside } from '../lib/alongside.ts';
import { UsageError } from '../lib/errors.ts';
import type { Logger } from '../lib/logging.ts';
import type { Period } from '../lib/periods.ts';
import { datasetKeys, loadContracts } from '../ingest/contracts.ts';
import { archiveQuerySet, collectQuerySet, queryDirsOf, restoreQuerySet } from '../model/querySet.ts';
import { configForSnapshot, describeSnapshot, findSnapshot, pinSnapshot, settingsOf, takeSnapshot, type Snapshot } from '../model/snapshot.ts';
import { loadChartSpec, type ChartSpec } from '../charts/chartSpecs.ts';
import { compileCharts } from '../charts/compileCharts.ts';
import { blocksFor, readCommentary, recordOf } from './commentary.ts';
import { commentaryForBuild, commentaryForRebuild } from './commentarySnapshot.ts';
import { composePack, type ComposedPack } from './composePack.ts';
import { writeExports } from './exportTables.ts';
import { packFolderName, packVersion, type Manifest } from './manifest.ts';
import { loadPackDefinition, type PackDefinition } from './packDefinition.ts';
import { renderPack } from './renderPack.ts';
import type { PublicPack } from './auditModel.ts';
import { readIssuedPublicPacks } from './issuedPacks.ts';
import type { PackAudit } from './protectPublic.ts';
import { findRestatements, recordFigures } from './restatements.ts';
import { writePack } from './writePack.ts';

/**
 * The one orchestrator of a pack, in the order the pipeline runs:
 *
 *  1. snapshot   what is loaded now (or an earlier snapshot, pinned), settings and query set
 *  2. definition the pack definition (reports/packs/<name>.json) and its charts' specs
 *  3. figures    models, metrics, data-quality checks, disclosure control, citations
 *  4. history    restatements against packs already issued
 *     commentary the period's commentary file, archived and hashed
 *  5. charts     each chart bound to its metric and drawn as SVG (while DuckDB writes the exports and checkpoints)
 *  6. render     the HTML pack from the templates
 *  7. write      pack folder, manifest and exports, atomically
 *  8. record     the figures, for later restatements
 *
 * `build`, `refresh` and `verify` all come here: verify stops after step 3 (computePack).
 */

export interface PackOptions {
  /** The pack definition's name (reports/packs/<pack>.json); default board. */
  pack?: string;
  /** An area pack's local policing area. */
  area?: string;
  period: Period;
  asOf: string;
  edition: 'board' | 'public';
  out: string;
  /** Rebuild from this earlier snapshot instead of everything loaded now. */
  snapshot?: string;
  /** Notices for the cover on top of the pack's own (the nightly job's stale-data and failed-run banners). */
  banners?: string[];
  /** Record its figures as an issued pack's (default true; a draft or a pack outside the configured out folder is not). */
  record?: boolean;
  /** Figures measured for another edition of the same pack in this run (composePack.ts, `measured`). */
  measured?: Map<string, MetricRun>;
}

export interface BuildContext {
  config: Config;
  clock: Clock;
  logger: Logger;
}

export interface BuiltPack {
  path: string;
  snapshot: string;
  warnings: string[];
}

export interface ComputedPack extends ComposedPack {
  definition: PackDefinition;
  charts: ChartSpec[];
}

export async function buildPack(db: Db, options: PackOptions, ctx: BuildContext): Promise<BuiltPack> {
  const rebuild = options.snapshot !== undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'boardpack-build-'));
  // Per-stage timings for --verbose, as ingest logs them, so a slow build can be profiled.
  let mark = performance.now();
  const stage = (name: string) => {
    ctx.logger.log('debug', 'stage', { command: 'build', stage: name, ms: Math.round(performance.now() - mark) });
    mark = performance.now();
  };
  try {
    const { config, snapshot } = rebuild ? await pinEarlierSnapshot(db, options.snapshot!, ctx.config, scratch) : await snapshotNow(db, ctx);
    stage('snapshot');
    // A public pack is audited against every public pack already issued in the out folder.
    const issued = options.edition === 'public' ? readIssuedPublicPacks(options.out) : undefined;
    const request = {
      pack: options.pack ?? 'board',
      period: options.period,
      asOf: options.asOf,
      edition: options.edition,
      generatedAt: ctx.clock.now().toISOString(),
      issued,
      ...(options.area !== undefined ? { area: options.area } : {}),
      ...(options.measured ? { measured: options.measured } : {}),
    };
    const computed = await computePack(db, request, config, snapshot);
    const { manifest, sql, previousLabel, chartRows } = computed;
    stage('metrics');
    ctx.logger.log('debug', 'pack_computed', { pack: request.pack, period: options.period.id, edition: options.edition });
    const keys = datasetKeys(loadContracts(config));
    // The full snapshot (a public manifest carries only hashes): late files are found by load.
    manifest.metrics = await findRestatements(db, { ...manifest, snapshot }, keys);
    stage('restatements');
    const restated = manifest.metrics.filter((m) => m.restatements?.length).length;
    if (restated > 0) manifest.warnings.push(`${restated} ${restated === 1 ? 'figure differs' : 'figures differ'} from what an earlier pack reported for the same period; see Restatements.`);
    manifest.warnings.unshift(...(options.banners ?? []));
    // The period's commentary (analysts' words, the Commissioner's statement), recorded with its SHA-256 and archived.
    // A rebuild of an earlier snapshot shows the commentary that snapshot's pack showed.
    const at = { snapshotId: snapshot.id, periodId: options.period.id, commentaryDir: config.commentaryDir, archiveDir: config.archive };
    // The analysts write the period's commentary about the force's pack: an area or regional pack has none.
    const local = (computed.definition.scope ?? 'force') === 'force';
    const commentary = !local ? null : rebuild ? await commentaryForRebuild(db, at) : await commentaryForBuild(db, at);
    if (commentary) manifest.commentary = recordOf(commentary, options.edition);
    stage('commentary');
    const path = await writePack(options.out, manifest, async (dir) => {
      // On DuckDB's threads while this one draws the charts and renders the HTML: the exports, then a
      // checkpoint (a refresh's close had the whole ingest to write into the database file, 0.15-0.2 s at the end).
      const exporting = writeExports(db, dir, manifest.metrics, options.edition, keys).then(async (files) => {
        await checkpoint(db);
        return files;
      });
      const [html, exports] = await alongside(exporting, async () => {
        const charts = await compileCharts(computed.charts, manifest.metrics, { current: options.period.label, previous: previousLabel }, chartRows);
        stage('charts');
        const rendered = renderPack({ manifest, charts, sql, reportsDir: config.reportsDir, definition: computed.definition, commentary: blocksFor(commentary, options.edition) });
        stage('render');
        return rendered;
      });
      return { html, exports };
    });
    stage('write');
    // A rebuild reproduces a pack already recorded; only new packs count as reported.
    if (!rebuild && options.record !== false) await recordFigures(db, manifest);
    stage('record');
    return { path, snapshot: snapshot.id, warnings: manifest.warnings };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface ComputeRequest {
  pack: string;
  period: Period;
  asOf: string;
  edition: 'board' | 'public';
  generatedAt: string;
  /** Public packs already issued, which the intruder audit reads with this one. */
  issued?: PublicPack[];
  /** For verify: the figures the audit hid when the pack was built, hidden again instead of auditing. */
  hide?: PackAudit['added'];
  /** An area pack's local policing area. */
  area?: string;
  /** Figures measured for another edition of the same pack in this run (never given by verify). */
  measured?: Map<string, MetricRun>;
}

/** Steps 2 and 3: the definition and every figure, nothing written; `verify` recomputes a pack with this. */
export async function computePack(db: Db, request: ComputeRequest, config: Config, snapshot: Snapshot): Promise<ComputedPack> {
  const definition = loadPackDefinition(config.packsDir, request.pack);
  if (!definition.editions.includes(request.edition)) {
    throw new UsageError(`The ${definition.title} pack is not published in the ${request.edition} edition; build it with --edition ${definition.editions[0]}, or add "${request.edition}" to "editions" in ${definition.name}.json.`);
  }
  const charts = definition.sections.flatMap((s) => (s.charts ?? []).map((id) => loadChartSpec(config.reportsDir, id, `${definition.name}.json ("${s.id}" section)`)));
  const composed = await composePack(db, { ...request, definition, charts }, config, snapshot);
  // The force's own words for the edition's marking (configuration "markings"), on the cover and every page.
  composed.manifest.pack.marking = config.markings[request.edition];
  return { ...composed, definition, charts };
}

/**
 * Whether the pack on disk already shows what a build now would: same snapshot (files,
 * settings, queries, pack definition), as-of date and cover notices. The nightly job keeps such packs.
 * `now` is the snapshot of what is loaded now, when the caller has it (a refresh checks every
 * configured pack against the same one); otherwise it is taken here.
 */
export async function packIsCurrent(db: Db, options: PackOptions, ctx: Pick<BuildContext, 'config' | 'clock'>, now?: () => Promise<Snapshot>): Promise<boolean> {
  const path = join(options.out, packFolderName({ period: options.period.id, edition: options.edition, name: options.pack, area: options.area }), 'manifest.json');
  if (!existsSync(path)) return false;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    const snapshot = now ? await now() : (await snapshotNow(db, ctx, false)).snapshot;
    const banners = options.banners ?? [];
    // An edited commentary file makes the pack out of date too.
    const commentary = readCommentary(ctx.config.commentaryDir, options.period.id)?.sha256 ?? null;
    return manifest.snapshot?.id === snapshot.id && manifest.pack.as_of === options.asOf && banners.every((b, i) => manifest.warnings[i] === b) && commentary === (manifest.commentary?.sha256 ?? null);
  } catch {
    return false;
  }
}

/**
 * Everything loaded now, with the configuration and query set in force; the query set is archived.
 * Recorded in the snapshots table for a build; `record` false only describes it (a check whether a
 * pack is current writes nothing, so a refresh with nothing new has one write less to commit).
 */
export async function snapshotNow(db: Db, ctx: Pick<BuildContext, 'config' | 'clock'>, record = true): Promise<{ config: Config; snapshot: Snapshot }> {
  const querySet = collectQuerySet(queryDirsOf(ctx.config));
  archiveQuerySet(ctx.config.archive, querySet);
  const input = { settings: settingsOf(ctx.config), queriesSha256: querySet.sha256, version: packVersion() };
  const snapshot = record ? await takeSnapshot(db, { ...input, createdAt: ctx.clock.now() }) : await describeSnapshot(db, input);
  return { config: ctx.config, snapshot };
}

/** An earlier snapshot: its data (pinned), its settings and its archived query set. */
async function pinEarlierSnapshot(db: Db, id: string, config: Config, scratch: string): Promise<{ config: Config; snapshot: Snapshot }> {
  const snapshot = await findSnapshot(db, id);
  const dirs = restoreQuerySet(config.archive, snapshot.queries_sha256, scratch, config.packsDir);
  await pinSnapshot(db, snapshot);
  return { config: configForSnapshot(config, snapshot.settings, dirs), snapshot };
}
