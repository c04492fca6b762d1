import type { Config } from '../lib/config.ts';
import type { Db, Reader } from '../lib/db.ts';
import type { Period } from '../lib/periods.ts';
import { buildModels } from '../model/buildModels.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { ChartSpec } from '../charts/chartSpecs.ts';
import { loadCatalog } from '../metrics/catalog.ts';
import { runChartQueries, type ChartRows } from '../metrics/chartQueries.ts';
import { runDataQuality, type CheckResult } from '../metrics/dataQuality.ts';
import { inTwoLanes } from '../metrics/lanes.ts';
import { type MetricRun, runMetricsWithMonths } from '../metrics/runMetrics.ts';
import { addSignals, signalMonths } from '../metrics/signals.ts';
import { addActionHistory, publicActionLog, readActionLog, type ActionRow } from './actionLog.ts';
import { citeMetrics } from './cite.ts';
import { readDataDates, refuseEmptyPeriod, staleDataBanner, type DataDate } from './dataDates.ts';
import { checkPartsAddUp, checkRatioLinks, loadRelations } from '../metrics/relations.ts';
import type { PublicPack } from './auditModel.ts';
import { leanPublicManifest } from './leanManifest.ts';
import { checkPublishedPeriod } from '../lib/publicationPolicy.ts';
import { protectPublic, type PackAudit } from './protectPublic.ts';
import { controlForPublic } from './publicEdition.ts';
import { compareForces, citeComparison, settleComparison } from './comparison.ts';
import { checkArea, scopeOfPack } from './packScope.ts';
import { addRates } from './rates.ts';
import { viewScope } from '../model/scope.ts';
import { composeManifest, packFolderName, type Manifest, type PackInput } from './manifest.ts';
import { checkPackDefinition, metricsOfPack, sectionOfMetrics, type PackDefinition } from './packDefinition.ts';

/**
 * Every figure of a pack, from what the connection sees: models, metrics, data-quality
 * checks, warnings, disclosure control for the public edition and citations. Nothing is
 * written, so `build` and `verify` compute a pack the same way.
 */

export interface PackRequest {
  period: Period;
  asOf: string;
  edition: 'board' | 'public';
  generatedAt: string;
  definition: PackDefinition;
  /** The charts its sections name, loaded (charts/chartSpecs.ts). */
  charts: ChartSpec[];
  /** Public edition: the public packs already issued, audited together with this one. */
  issued?: PublicPack[];
  /** Public edition, for verify: the figures the audit hid when the pack was built, hidden again instead of auditing. */
  hide?: PackAudit['added'];
  /** An area pack's local policing area (`build --area`). */
  area?: string;
  /**
   * Figures already measured in this process, for a caller building several editions of one pack
   * (the nightly refresh). Never given by `verify`, which must measure for itself.
   */
  measured?: Map<string, MetricRun>;
}

export interface ComposedPack {
  manifest: Manifest;
  /** Metric SQL by id, for the methodology appendix. */
  sql: Record<string, string>;
  previousLabel: string;
  /** Rows of the charts fed by query files (board edition only). */
  chartRows: ChartRows;
}

export async function composePack(db: Db, request: PackRequest, config: Config, snapshot: Snapshot): Promise<ComposedPack> {
  const { period, asOf, edition, definition, charts } = request;
  if (edition === 'public') checkPublishedPeriod(config.disclosure, period.kind, period.id);
  // Whose rows: one force, one area of it, or a region; the tables are narrowed beneath every query.
  const area = request.area === undefined ? undefined : checkArea(config.referenceDir, config.force, request.area);
  const scope = scopeOfPack(definition, area, config);
  await viewScope(db, snapshot.through_load_id, scope);
  await buildModels(db, config.queriesDir);
  // A period with no data at all is refused, not built as zeros.
  await refuseEmptyPeriod(db, period);
  const all = loadCatalog(config.queriesDir);
  checkPackDefinition(definition, all, charts);
  // Relations between figures (a breakdown and its total, a ratio's parts) are declared in the metric metadata.
  const relations = loadRelations(all);
  // Only what the pack shows is computed, in the pack's order.
  const catalog = metricsOfPack(definition, charts).map((id) => all.find((m) => m.meta.id === id)!);
  // The same pack of the same snapshot, period and date measures the same in either edition: a
  // refresh building both measures once (request.measured), each edition working on its own copy.
  const measuredKey = JSON.stringify([snapshot.id, definition.name, area ?? null, period.id, asOf, catalog.map((m) => m.sqlSha256)]);
  const kept = request.measured?.get(measuredKey);
  // Measured with the months the signals read (signals.ts), in the same statement as each metric's own periods.
  const measured = kept
    ? { run: structuredClone(kept), monthly: new Map() }
    : await runMetricsWithMonths(db, catalog, { period, asOf, targets: config.targets, sections: sectionOfMetrics(definition, charts), alsoMonths: signalMonths(period, asOf, config.spc) });
  const run = measured.run;
  // The declared sums must hold in the board's own figures, or disclosure control rests on a false lattice.
  checkPartsAddUp(run.results, relations);
  checkRatioLinks(run.results, relations);
  const queried = charts.filter((c) => c.query !== null).map((c) => ({ chart: c.id, query: c.query! }));
  // The rest of what the pack reads, a query or a few each, on the two connections at once (some
  // 60 ms on one); errors come in this order, as they did one after another.
  let chartRows: ChartRows = {};
  let actionLog: ActionRow[] = [];
  let dataQuality: CheckResult[] = [];
  let inputs: PackInput[] = [];
  let first: string | null = null;
  let dataDates: DataDate[] = [];
  const reads: ((lane: Reader) => Promise<void>)[] = [
    async (lane) => {
      if (edition === 'board') chartRows = await runChartQueries(lane, config.queriesDir, queried, period, asOf);
    },
    async (lane) => {
      if (kept) return;
      // ACT-01/02 earlier values from the tracker's history, and the action log.
      await addActionHistory(lane, run, config.queriesDir);
      // Statistical process control, so the summary reports signals, not noise.
      await addSignals(lane, catalog, run, config.spc, measured.monthly);
    },
    async (lane) => {
      actionLog = await readActionLog(lane, config.queriesDir, { asOf, since: period.start });
    },
    async (lane) => {
      dataQuality = await runDataQuality(lane, config.queriesDir, { as_of: asOf, max_age_days: config.dataQuality.maxAgeDays, start: period.start, end: period.end });
    },
    async (lane) => {
      inputs = await lane.all<PackInput>(
        `select dataset, file_name as file, sha256, strftime(loaded_at, '%Y-%m-%dT%H:%M:%SZ') as loaded_at, rows_read, rows_loaded,
           rows_quarantined, rows_excluded, rows_duplicate
         from ingested_files order by load_id`,
      );
    },
    async (lane) => {
      // A comparison period before the first incident loaded shows zeros that mean "no data", not "no crime".
      [{ first }] = (await lane.all<{ first: string | null }>(`select strftime(min(reported_on), '%Y-%m-%d') as first from stg_incidents`)) as [{ first: string | null }];
    },
    async (lane) => {
      // Board content hook (issue 13): data older than allowed is named on the first page.
      dataDates = await readDataDates(lane, asOf, config.dataQuality.maxAgeDays);
    },
  ];
  await inTwoLanes(db, reads, (lane, read) => read(lane));
  if (!kept) request.measured?.set(measuredKey, structuredClone(run));
  const warnings = await warningsFor(run, period, asOf, first);
  const banner = staleDataBanner(dataDates, asOf, config.dataQuality.maxAgeDays);
  if (banner) warnings.unshift(banner);
  // The public edition publishes only controlled figures: nothing in it can give back a small number.
  const published = edition === 'public' ? controlForPublic(run, dataQuality, inputs, config.disclosure, relations) : { run, dataQuality, inputs };
  // A regional pack: the chosen figures for each force beside the region's.
  const compared = definition.sections.flatMap((s) => s.comparison ?? []);
  const comparison =
    scope.kind === 'region' && compared.length > 0
      ? await compareForces(
          db,
          {
            catalog: all.filter((m) => compared.includes(m.meta.id)),
            forces: config.region!.forces,
            region: { name: scope.name, code: scope.code },
            regionResults: published.run.results,
            period,
            asOf,
            throughLoadId: snapshot.through_load_id,
            edition,
          },
          config,
          relations,
        )
      : undefined;
  const sql = Object.fromEntries(catalog.map((m) => [m.meta.id, m.sql]));
  const manifest = composeManifest({
    definition: { name: definition.name, title: definition.title, sha256: definition.sha256 },
    run: published.run,
    edition,
    generatedAt: request.generatedAt,
    force: scope.name,
    scope: { kind: scope.kind, forces: scope.forces, ...(scope.area ? { area: scope.area } : {}), code: scope.code },
    inputs: published.inputs,
    dataQuality: published.dataQuality,
    warnings,
    firstRecord: first,
    disclosure: edition === 'public' ? config.disclosure : undefined,
    snapshot,
  });
  manifest.data_dates = dataDates;
  manifest.action_log = edition === 'public' ? publicActionLog(actionLog, config.actions.publicSources) : actionLog;
  manifest.metrics = citeMetrics(manifest, scope.code, manifest.inputs, snapshot.id);
  // Rates per 100,000 residents of the pack's place (an area, the force, the region).
  // A force's own pack gives rates once its population is in the reference data.
  manifest.metrics = addRates(manifest.metrics, all, config.referenceDir, scope.area ? [scope.area] : scope.forces, scope.kind === 'force');
  if (comparison) manifest.comparison = citeComparison(comparison, scope.code, period.id);
  if (edition !== 'public') return { manifest, sql, previousLabel: run.previous.label, chartRows };
  // The intruder audit: this pack with every public pack already issued, hiding more until no small count narrows.
  const current = { name: packFolderName({ period: period.id, edition, name: definition.name, area }), manifest: manifest as unknown as PublicPack['manifest'] };
  manifest.disclosure_audit = await protectPublic({ current, issued: request.issued ?? [], relations, policy: config.disclosure, hide: request.hide, home: config.force });
  // Rates and group averages follow what the audit hid.
  if (manifest.comparison) settleComparison(manifest.comparison, all);
  return { manifest: leanPublicManifest(manifest), sql, previousLabel: run.previous.label, chartRows };
}

async function warningsFor(run: MetricRun, period: Period, asOf: string, first: string | null): Promise<string[]> {
  const warnings: string[] = [];
  if (run.partial) warnings.push(`${period.label} ends on ${period.end}, after the as-of date ${asOf}: this is a partial period and its figures will change.`);
  for (const [name, p] of [
    ['previous period', run.previous],
    ['same period a year earlier', run.yearAgo],
  ] as const) {
    if (first !== null && p.start < first) warnings.push(`The ${name} (${p.label}) starts before the first incident loaded (${first}): its figures cover only part of it, or none.`);
  }
  return warnings;
}
