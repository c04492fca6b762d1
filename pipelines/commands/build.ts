import { join, resolve } from 'node:path';
import { londonDate } from '../lib/clock.ts';
import { UsageError, WorkError } from '../lib/errors.ts';
import { chromiumMissing } from '../lib/chromium.ts';
import { isCalendarDate, parsePeriod } from '../lib/periods.ts';
import { hasLedger } from '../ingest/status.ts';
import { buildPack } from '../packs/buildPack.ts';
import { printPdf } from '../packs/printPdf.ts';
import { openExistingDb, type CommandContext } from './context.ts';

/** `boardpack build`: checks the options, then hands the work to the pack orchestrator (packs/buildPack.ts). */

export interface BuildOptions {
  /** The pack definition, reports/packs/<pack>.json (default board). */
  pack?: string;
  period?: string;
  asOf?: string;
  edition?: string;
  out?: string;
  /** Rebuild the pack from an earlier snapshot (its ID is in a pack's manifest). */
  snapshot?: string;
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
  // Checked before any work, so a missing browser costs nothing and leaves nothing half done.
  const noBrowser = options.pdf ? chromiumMissing() : null;
  if (noBrowser) throw new WorkError(noBrowser);
  const db = await openExistingDb(ctx.config);
  try {
    if (!(await hasLedger(db))) throw new UsageError(`The database ${ctx.config.db} has nothing loaded yet; run boardpack ingest first.`);
    const out = options.out ? resolve(ctx.cwd, options.out) : ctx.config.out;
    const built = await buildPack(db, { pack: options.pack, period, asOf, edition, out, snapshot: options.snapshot }, ctx);
    for (const w of built.warnings) ctx.err(w);
    const pdf = options.pdf ? join(built.path, 'pack.pdf') : undefined;
    // The pack is written whatever happens to the PDF: say so first.
    if (!ctx.json) ctx.out(`Pack written: ${built.path}/index.html (manifest: ${built.path}/manifest.json; snapshot ${built.snapshot})`);
    if (pdf) await printPdf(join(built.path, 'index.html'), pdf);
    if (ctx.json) ctx.out(JSON.stringify({ pack: built.path, manifest: `${built.path}/manifest.json`, ...(pdf ? { pdf } : {}), snapshot: built.snapshot, warnings: built.warnings }, null, 2));
    else if (pdf) ctx.out(`PDF written: ${pdf}`);
    return 0;
  } finally {
    db.close();
  }
}
