import { londonDate } from '../lib/clock.ts';
import { join, resolve } from 'node:path';
import { UsageError, WorkError } from '../lib/errors.ts';
import { chromiumMissing } from '../lib/chromium.ts';
import { isCalendarDate, parsePeriod, type Period } from '../lib/periods.ts';
import type { Db } from '../lib/db.ts';
import { hasLedger } from '../ingest/status.ts';
import { buildModels } from '../model/buildModels.ts';
import { loadCatalog } from '../metrics/catalog.ts';
import { runDataQuality } from '../metrics/dataQuality.ts';
import { runMetrics } from '../metrics/runMetrics.ts';
import { composeManifest, writePack, type PackInput } from '../packs/writePack.ts';
import { renderPack } from '../packs/renderPack.ts';
import { compileCharts } from '../charts/compileCharts.ts';
import { writeExports } from '../packs/exportTables.ts';
import { citeMetrics } from '../packs/cite.ts';
import { controlForPublic } from '../packs/publicEdition.ts';
import { printPdf } from '../packs/printPdf.ts';
import { packageRoot } from '../lib/config.ts';
import { openExistingDb, type CommandContext } from './context.ts';

export interface BuildOptions {
  period?: string;
  asOf?: string;
  edition?: string;
  out?: string;
  /** Also print the pack to pack.pdf beside index.html. */
  pdf?: boolean;
}

export async function runBuild(options: BuildOptions, ctx: CommandContext): Promise<number> {
  const asOf = options.asOf ?? londonDate(ctx.clock.now());
  if (!isCalendarDate(asOf)) throw new UsageError(`--as-of "${options.asOf}" is not a date; give it as yyyy-mm-dd, e.g. 2025-10-14.`);
  if (options.period === undefined) throw new UsageError('Say which period to build with --period, e.g. --period 2025-26-Q2 or --period last-complete-quarter.');
  const period = parsePeriod(options.period, asOf);
  const edition = options.edition ?? 'board';
  if (edition !== 'board' && edition !== 'public') throw new UsageError(`Unknown edition "${edition}"; use board or public.`);
  // Known before any work is done: a pack asked for as PDF is not half delivered.
  const noBrowser = options.pdf ? chromiumMissing() : null;
  if (noBrowser) throw new WorkError(noBrowser);
  const db = await openExistingDb(ctx.config);
  try {
    if (!(await hasLedger(db))) throw new UsageError(`The database ${ctx.config.db} has nothing loaded yet; run boardpack ingest first.`);
    const path = await buildPack(db, { period, asOf, edition, out: options.out ? resolve(ctx.cwd, options.out) : ctx.config.out, pdf: options.pdf === true }, ctx);
    return path ? 0 : 1;
  } finally {
    db.close();
  }
}

async function buildPack(db: Db, options: { period: Period; asOf: string; edition: 'board' | 'public'; out: string; pdf: boolean }, ctx: CommandContext): Promise<string> {
  const { config } = ctx;
  await buildModels(db, config.queriesDir);
  const catalog = loadCatalog(config.queriesDir);
  const run = await runMetrics(db, catalog, { period: options.period, asOf: options.asOf, targets: config.targets });
  const dataQuality = await runDataQuality(db, config.queriesDir, { as_of: options.asOf, max_age_days: config.dataQuality.maxAgeDays, start: options.period.start, end: options.period.end });
  const inputs = await db.all<PackInput>(
    `select dataset, file_name as file, sha256, strftime(loaded_at, '%Y-%m-%dT%H:%M:%SZ') as loaded_at, rows_read, rows_loaded,
       rows_quarantined, rows_excluded, rows_duplicate
     from ingested_files order by load_id`,
  );
  const warnings: string[] = [];
  if (run.partial) warnings.push(`${options.period.label} ends on ${options.period.end}, after the as-of date ${options.asOf}: this is a partial period and its figures will change.`);
  const [{ records }] = (await db.all<{ records: number }>(
    `select ((select count(*) from stg_incidents where reported_on between $1 and $2)
      + (select count(*) from stg_volunteer_hours where deployed_on between $1 and $2)
      + (select count(*) from stg_training where event_on between $1 and $2))::integer as records`,
    [options.period.start, options.period.end],
  )) as [{ records: number }];
  if (records === 0) warnings.push(`No incidents, volunteer hours or training events loaded fall in ${options.period.label}: check the period and the exports loaded.`);
  // A comparison period before the first incident loaded shows zeros that mean "no data", not "no crime".
  const [{ first }] = (await db.all<{ first: string | null }>(`select strftime(min(reported_on), '%Y-%m-%d') as first from stg_incidents`)) as [{ first: string | null }];
  for (const [name, p] of [['previous period', run.previous], ['same period a year earlier', run.yearAgo]] as const) {
    if (first !== null && p.start < first) warnings.push(`The ${name} (${p.label}) starts before the first incident loaded (${first}): its figures cover only part of it, or none.`);
  }
  // The public edition publishes only controlled figures: nothing in it can give back a small number.
  const published = options.edition === 'public' ? controlForPublic(run, dataQuality, inputs, config.disclosure) : { run, dataQuality, inputs };
  const sql = Object.fromEntries(catalog.map((m) => [m.meta.id, m.sql]));
  const manifest = composeManifest({ run: published.run, edition: options.edition, generatedAt: ctx.clock.now().toISOString(), force: config.force, inputs: published.inputs, dataQuality: published.dataQuality, warnings, firstRecord: first, disclosure: options.edition === 'public' ? config.disclosure : undefined });
  manifest.metrics = citeMetrics(manifest, config.forceCode, sql, manifest.inputs);
  const reportsDir = join(packageRoot, 'reports');
  const charts = await compileCharts(manifest.metrics, reportsDir, { current: options.period.label, previous: run.previous.label });
  const html = renderPack({ manifest, charts, sql, reportsDir });
  const path = await writePack(options.out, manifest, html, (dir) => writeExports(db, dir, manifest.metrics, options.edition));
  for (const w of warnings) ctx.err(w);
  if (!ctx.json) ctx.out(`Pack written: ${path}/index.html (manifest: ${path}/manifest.json)`);
  // Printed from the pack as written; the PDF is a rendering of index.html, so it is not
  // in the manifest, whose hashes are the evidence of what was built.
  const pdf = options.pdf ? join(path, 'pack.pdf') : undefined;
  if (pdf) await printPdf(join(path, 'index.html'), pdf);
  if (ctx.json) ctx.out(JSON.stringify({ pack: path, manifest: `${path}/manifest.json`, ...(pdf ? { pdf } : {}), warnings }, null, 2));
  else if (pdf) ctx.out(`PDF written: ${pdf}`);
  return path;
}
