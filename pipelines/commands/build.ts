import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { londonDate } from '../lib/clock.ts';
import { UsageError, WorkError } from '../lib/errors.ts';
import { chromiumMissing } from '../lib/chromium.ts';
import { isCalendarDate, parsePeriod, type Period } from '../lib/periods.ts';
import type { Db } from '../lib/db.ts';
import { hasLedger } from '../ingest/status.ts';
import { datasetKeys, loadContracts } from '../ingest/contracts.ts';
import { archiveQuerySet, collectQuerySet, queryDirsOf, restoreQuerySet } from '../model/querySet.ts';
import { configForSnapshot, findSnapshot, pinSnapshot, settingsOf, takeSnapshot, type Snapshot } from '../model/snapshot.ts';
import { compileCharts } from '../charts/compileCharts.ts';
import { composePack } from '../packs/composePack.ts';
import { writeExports } from '../packs/exportTables.ts';
import { printPdf } from '../packs/printPdf.ts';
import { renderPack } from '../packs/renderPack.ts';
import { findRestatements, recordFigures } from '../packs/restatements.ts';
import { readIssuedPublicPacks } from '../packs/issuedPacks.ts';
import { packVersion, writePack, type Manifest } from '../packs/writePack.ts';
import { packageRoot, type Config } from '../lib/config.ts';
import { openExistingDb, type CommandContext } from './context.ts';

export interface BuildOptions {
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
    const built = await buildPack(db, { period, asOf, edition, out: options.out ? resolve(ctx.cwd, options.out) : ctx.config.out, snapshot: options.snapshot }, ctx);
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

export interface PackOptions {
  period: Period;
  asOf: string;
  edition: 'board' | 'public';
  out: string;
  /** Rebuild from this earlier snapshot instead of everything loaded now. */
  snapshot?: string;
  /** Notices for the cover on top of the pack's own (the nightly job's stale-data and failed-run banners). */
  banners?: string[];
}

export interface BuiltPack {
  path: string;
  snapshot: string;
  warnings: string[];
}

/** Computes, renders and writes one pack (atomically), and records its figures for later restatements. */
export async function buildPack(db: Db, options: PackOptions, ctx: Pick<CommandContext, 'config' | 'clock' | 'logger'>): Promise<BuiltPack> {
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
    const request = { period: options.period, asOf: options.asOf, edition: options.edition, generatedAt: ctx.clock.now().toISOString(), issued };
    const { manifest, sql, previousLabel } = await composePack(db, request, config, snapshot);
    stage('metrics');
    ctx.logger.log('debug', 'pack_computed', { period: options.period.id, edition: options.edition });
    const keys = datasetKeys(loadContracts(config));
    // The full snapshot (a public manifest carries only hashes): late files are found by load.
    manifest.metrics = await findRestatements(db, { ...manifest, snapshot }, sql, keys);
    stage('restatements');
    const restated = manifest.metrics.filter((m) => m.restatements?.length).length;
    if (restated > 0) manifest.warnings.push(`${restated} ${restated === 1 ? 'figure differs' : 'figures differ'} from what an earlier pack reported for the same period; see Restatements.`);
    manifest.warnings.unshift(...(options.banners ?? []));
    const reportsDir = join(packageRoot, 'reports');
    const charts = await compileCharts(manifest.metrics, reportsDir, { current: options.period.label, previous: previousLabel });
    stage('charts');
    const html = renderPack({ manifest, charts, sql, reportsDir });
    stage('render');
    const path = await writePack(options.out, manifest, html, (dir) => writeExports(db, dir, manifest.metrics, options.edition, keys));
    stage('write');
    // A rebuild reproduces a pack already recorded; only new packs count as reported.
    if (!rebuild) await recordFigures(db, manifest);
    stage('record');
    return { path, snapshot: snapshot.id, warnings: manifest.warnings };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Whether the pack on disk already shows what a build now would: same snapshot (files,
 * settings, queries), as-of date and cover notices. The nightly job keeps such packs.
 */
export async function packIsCurrent(db: Db, options: PackOptions, ctx: Pick<CommandContext, 'config' | 'clock'>): Promise<boolean> {
  const path = join(options.out, `${options.period.id}-${options.edition}`, 'manifest.json');
  if (!existsSync(path)) return false;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    const { snapshot } = await snapshotNow(db, ctx);
    const banners = options.banners ?? [];
    return manifest.snapshot?.id === snapshot.id && manifest.pack.as_of === options.asOf && banners.every((b, i) => manifest.warnings[i] === b);
  } catch {
    return false;
  }
}

/** Everything loaded now, with the configuration and query set in force; the query set is archived. */
async function snapshotNow(db: Db, ctx: Pick<CommandContext, 'config' | 'clock'>): Promise<{ config: Config; snapshot: Snapshot }> {
  const querySet = collectQuerySet(queryDirsOf(ctx.config));
  archiveQuerySet(ctx.config.archive, querySet);
  const snapshot = await takeSnapshot(db, { settings: settingsOf(ctx.config), queriesSha256: querySet.sha256, version: packVersion(), createdAt: ctx.clock.now() });
  return { config: ctx.config, snapshot };
}

/** An earlier snapshot: its data (pinned), its settings and its archived query set. */
async function pinEarlierSnapshot(db: Db, id: string, config: Config, scratch: string): Promise<{ config: Config; snapshot: Snapshot }> {
  const snapshot = await findSnapshot(db, id);
  const dirs = restoreQuerySet(config.archive, snapshot.queries_sha256, scratch);
  await pinSnapshot(db, snapshot);
  return { config: configForSnapshot(config, snapshot.settings, dirs), snapshot };
}
