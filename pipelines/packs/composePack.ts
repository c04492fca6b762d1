import type { Config } from '../lib/config.ts';
import type { Db } from '../lib/db.ts';
import type { Period } from '../lib/periods.ts';
import { buildModels } from '../model/buildModels.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { loadCatalog } from '../metrics/catalog.ts';
import { runDataQuality } from '../metrics/dataQuality.ts';
import { runMetrics } from '../metrics/runMetrics.ts';
import { citeMetrics } from './cite.ts';
import { checkPartsAddUp, checkRatioLinks, loadRelations } from '../metrics/relations.ts';
import type { PublicPack } from './auditModel.ts';
import { leanPublicManifest } from './leanManifest.ts';
import { checkPublishedPeriod } from './policy.ts';
import { protectPublic, type PackAudit } from './protectPublic.ts';
import { controlForPublic } from './publicEdition.ts';
import { composeManifest, type Manifest, type PackInput } from './writePack.ts';

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
  /** Public edition: the public packs already issued, audited together with this one. */
  issued?: PublicPack[];
  /** Public edition, for verify: the figures the audit hid when the pack was built, hidden again instead of auditing. */
  hide?: PackAudit['added'];
}

export interface ComposedPack {
  manifest: Manifest;
  /** Metric SQL by id, for the methodology appendix. */
  sql: Record<string, string>;
  previousLabel: string;
}

export async function composePack(db: Db, request: PackRequest, config: Config, snapshot: Snapshot): Promise<ComposedPack> {
  const { period, asOf, edition } = request;
  if (edition === 'public') checkPublishedPeriod(config.disclosure, period.kind, period.id);
  await buildModels(db, config.queriesDir);
  const catalog = loadCatalog(config.queriesDir);
  const relations = loadRelations(catalog);
  const run = await runMetrics(db, catalog, { period, asOf, targets: config.targets });
  // The declared sums must hold in the board's own figures, or disclosure control rests on a false lattice.
  checkPartsAddUp(run.results, relations);
  checkRatioLinks(run.results, relations);
  const dataQuality = await runDataQuality(db, config.queriesDir, { as_of: asOf, max_age_days: config.dataQuality.maxAgeDays, start: period.start, end: period.end });
  const inputs = await db.all<PackInput>(
    `select dataset, file_name as file, sha256, strftime(loaded_at, '%Y-%m-%dT%H:%M:%SZ') as loaded_at, rows_read, rows_loaded,
       rows_quarantined, rows_excluded, rows_duplicate
     from ingested_files order by load_id`,
  );
  // A comparison period before the first incident loaded shows zeros that mean "no data", not "no crime".
  const [{ first }] = (await db.all<{ first: string | null }>(`select strftime(min(reported_on), '%Y-%m-%d') as first from stg_incidents`)) as [{ first: string | null }];
  const warnings = await warningsFor(db, run, period, asOf, first);
  // The public edition publishes only controlled figures: nothing in it can give back a small number.
  const published = edition === 'public' ? controlForPublic(run, dataQuality, inputs, config.disclosure, relations) : { run, dataQuality, inputs };
  const sql = Object.fromEntries(catalog.map((m) => [m.meta.id, m.sql]));
  const manifest = composeManifest({
    run: published.run, edition, generatedAt: request.generatedAt, force: config.force, inputs: published.inputs, dataQuality: published.dataQuality, warnings,
    firstRecord: first, disclosure: edition === 'public' ? config.disclosure : undefined, snapshot,
  });
  manifest.metrics = citeMetrics(manifest, config.forceCode, sql, manifest.inputs, snapshot.id);
  if (edition !== 'public') return { manifest, sql, previousLabel: run.previous.label };
  const current = { name: `${period.id}-public`, manifest: manifest as unknown as PublicPack['manifest'] };
  manifest.disclosure_audit = await protectPublic({ current, issued: request.issued ?? [], relations, policy: config.disclosure, hide: request.hide });
  return { manifest: leanPublicManifest(manifest), sql, previousLabel: run.previous.label };
}

async function warningsFor(db: Db, run: Awaited<ReturnType<typeof runMetrics>>, period: Period, asOf: string, first: string | null): Promise<string[]> {
  const warnings: string[] = [];
  if (run.partial) warnings.push(`${period.label} ends on ${period.end}, after the as-of date ${asOf}: this is a partial period and its figures will change.`);
  const [{ records }] = (await db.all<{ records: number }>(
    `select ((select count(*) from stg_incidents where reported_on between $1 and $2)
      + (select count(*) from stg_volunteer_hours where deployed_on between $1 and $2)
      + (select count(*) from stg_training where event_on between $1 and $2))::integer as records`,
    [period.start, period.end],
  )) as [{ records: number }];
  if (records === 0) warnings.push(`No incidents, volunteer hours or training events loaded fall in ${period.label}: check the period and the exports loaded.`);
  for (const [name, p] of [['previous period', run.previous], ['same period a year earlier', run.yearAgo]] as const) {
    if (first !== null && p.start < first) warnings.push(`The ${name} (${p.label}) starts before the first incident loaded (${first}): its figures cover only part of it, or none.`);
  }
  return warnings;
}
