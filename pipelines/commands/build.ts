import { join, resolve } from 'node:path';
import { londonDate } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { UsageError, WorkError } from '../lib/errors.ts';
import { chromiumMissing } from '../lib/chromium.ts';
import { isCalendarDate, parsePeriod } from '../lib/periods.ts';
import { hasLedger } from '../ingest/status.ts';
import { buildModels } from '../model/buildModels.ts';
import { openParquetSource } from '../model/parquetSource.ts';
import { buildPack } from '../packs/buildPack.ts';
import { extractAsOf } from '../packs/dataDates.ts';
import { DRAFT_BANNER, DRAFTS, issuedPack, notIssuedNotice } from '../packs/issued.ts';
import { packFolderName } from '../packs/manifest.ts';
import { hasPdf, PDF_FILE, pdfConfigured, pdfRemovedNotice, printPackPdf } from '../packs/packPdf.ts';
import { openExistingDb, type CommandContext } from './context.ts';

/** `boardpack build`: checks the options, then hands the work to the pack orchestrator (packs/buildPack.ts). */

export interface BuildOptions {
  /** The pack definition, reports/packs/<pack>.json (default board). */
  pack?: string;
  period?: string;
  /** yyyy-mm-dd, or `extract` for the date the loaded data runs to. */
  asOf?: string;
  edition?: string;
  out?: string;
  /** Rebuild the pack from an earlier snapshot (its ID is in a pack's manifest). */
  snapshot?: string;
  /** Also print the pack to pack.pdf beside index.html. */
  pdf?: boolean;
  /** A draft: written to <out>/drafts/ unless --out says otherwise, marked on its cover, never an issued pack. */
  draft?: boolean;
  /** An area pack: this local policing area of the force (the area pack definition unless --pack says otherwise). */
  area?: string;
  /** Read the tables from the Parquet `export --parquet` wrote (a folder or object-store prefix), not the database. */
  fromParquet?: string;
}

export async function runBuild(options: BuildOptions, ctx: CommandContext): Promise<number> {
  // `--as-of extract`: the date the loaded data runs to, read once the database is open.
  const fromData = options.asOf === 'extract';
  const givenAsOf = fromData ? '2000-01-01' : (options.asOf ?? londonDate(ctx.clock.now()));
  if (!isCalendarDate(givenAsOf)) throw new UsageError(`--as-of "${options.asOf}" is not a date; give it as yyyy-mm-dd, e.g. 2025-10-14, or as extract for the date the loaded data runs to.`);
  if (options.period === undefined) throw new UsageError('Say which period to build with --period, e.g. --period 2025-26-Q2 or --period last-complete-quarter.');
  // Checks the period's form now; a relative period is resolved again once as-of is known.
  parsePeriod(options.period, givenAsOf);
  const edition = options.edition ?? 'board';
  if (edition !== 'board' && edition !== 'public') throw new UsageError(`Unknown edition "${edition}"; use board or public.`);
  const out = options.out ? resolve(ctx.cwd, options.out) : options.draft ? join(ctx.config.out, DRAFTS) : ctx.config.out;
  // Only a pack in the configured out folder is issued: later packs report restatements against its figures.
  const fromParquet = options.fromParquet !== undefined;
  if (fromParquet && options.snapshot !== undefined) throw new UsageError("--snapshot rebuilds from a database's own history and --from-parquet reads exported tables as they are now; give one or the other.");
  // A pack from Parquet is computed in a throwaway database: nothing records its figures for later restatements.
  const issued = !fromParquet && issuedPack(ctx.config, out, options);
  const opening = performance.now();
  const db = fromParquet ? await openParquetSource(options.fromParquet!, ctx.config, ctx.cwd) : await openExistingDb(ctx.config);
  if (fromParquet) ctx.logger.log('debug', 'stage', { command: 'build', stage: 'read parquet', ms: Math.round(performance.now() - opening) });
  try {
    if (!fromParquet && !(await hasLedger(db))) throw new UsageError(`The database ${ctx.config.db} has nothing loaded yet; run boardpack ingest first.`);
    const asOf = fromData ? await asOfFromData(db, ctx.config.queriesDir) : givenAsOf;
    const period = parsePeriod(options.period, asOf);
    // Printed when asked for or configured; checked before the build, so a missing browser leaves nothing half done.
    const wantPdf = options.pdf === true || pdfConfigured(ctx.config, period.id, edition, asOf, { pack: options.pack, area: options.area });
    const noBrowser = wantPdf ? chromiumMissing() : null;
    if (noBrowser) throw new WorkError(noBrowser);
    const pack = options.pack ?? (options.area !== undefined ? 'area' : undefined);
    const folder = packFolderName({ period: period.id, edition, name: pack, area: options.area });
    const hadPdf = hasPdf(join(out, folder));
    const built = await buildPack(db, { pack, ...(options.area !== undefined ? { area: options.area } : {}), period, asOf, edition, out, snapshot: options.snapshot, record: issued, banners: options.draft ? [DRAFT_BANNER] : [] }, ctx);
    for (const w of built.warnings) ctx.err(w);
    if (fromParquet) ctx.err(FROM_PARQUET_NOTICE);
    else if (!issued && !options.draft && options.snapshot === undefined) ctx.err(notIssuedNotice(ctx.config.out));
    const pdf = wantPdf ? join(built.path, PDF_FILE) : undefined;
    // The pack is written whatever happens to the PDF: say so first.
    if (!ctx.json) ctx.out(`Pack written: ${built.path}/index.html (manifest: ${built.path}/manifest.json; snapshot ${built.snapshot})`);
    if (pdf) await printPackPdf(built.path);
    else if (hadPdf) ctx.err(pdfRemovedNotice(folder));
    if (ctx.json) ctx.out(JSON.stringify({ pack: built.path, manifest: `${built.path}/manifest.json`, ...(pdf ? { pdf } : {}), snapshot: built.snapshot, warnings: built.warnings }, null, 2));
    else if (pdf) ctx.out(`PDF written: ${pdf}`);
    return 0;
  } finally {
    db.close();
  }
}

const FROM_PARQUET_NOTICE = "This pack was built from Parquet, so it is not recorded as an issued pack: later packs will not report restatements against its figures (each force's own packs do).";

/** The date the loaded data runs to, for `--as-of extract` (the models give each dataset's extract date). */
async function asOfFromData(db: Db, queriesDir: string): Promise<string> {
  await buildModels(db, queriesDir);
  return extractAsOf(db);
}
