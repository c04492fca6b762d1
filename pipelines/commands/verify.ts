import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError, WorkError } from '../lib/errors.ts';
import { archiveSettingsOf } from '../archive/prepareArchive.ts';
import { KEY_ENV, readKey } from '../archive/originalsKey.ts';
import { findSnapshot, type Snapshot } from '../model/snapshot.ts';
import { isLean } from '../packs/leanManifest.ts';
import { packVersion } from '../packs/manifest.ts';
import { checkFiles, checkOriginals, compareFigures, readManifest, recomputePack, same, SECTION_NAMES, type FigureCheck, type FileCheck } from '../packs/verifyPack.ts';
import { openExistingDb, type CommandContext } from './context.ts';

/**
 * `boardpack verify PACKDIR`: one line per file and per figure, match or not. Exit 1 when a
 * figure does not recompute, or a file the manifest names is missing or altered.
 */
export async function runVerify(packDir: string, ctx: CommandContext, options: { originals?: boolean } = {}): Promise<number> {
  const dir = resolve(ctx.cwd, packDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`There is no pack folder at ${packDir}; pass the folder that holds the pack's manifest.json, e.g. out/2025-26-Q2-board.`);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new WorkError(`${packDir} has no manifest.json, so its figures cannot be verified; restore the manifest from backup or rebuild the pack.`);
  const manifest = readManifest(manifestPath);
  if (!manifest) throw new WorkError(`${join(packDir, 'manifest.json')} is not a readable boardpack manifest with a snapshot: it has been altered or comes from an older version; restore it from backup or rebuild the pack.`);

  // A public manifest names its exports by hash only: the database that built it knows the rest.
  const full = isLean(manifest) ? { ...manifest, snapshot: await fullSnapshot(manifest.snapshot.id, ctx) } : manifest;
  const files = checkFiles(dir, full, ctx.config.archive, ctx.config.commentaryDir);
  // The commentary decides no figure: an archived copy missing or altered fails verify, but the figures are still recomputed.
  const archiveIntact = files.every((f) => f.role !== 'archive' || f.status === 'match' || f.file === manifest.commentary?.file);
  if (options.originals) {
    const key = readKey(archiveSettingsOf(ctx.config));
    if (!key) throw new UsageError(`There is no archive key (no ${KEY_ENV} and no key file at ${ctx.config.archiveKeyFile}), so the originals cannot be checked; restore the key file or set ${KEY_ENV}, or verify without --originals.`);
    files.push(...checkOriginals(ctx.config.archive, full, key));
  }
  let figures: FigureCheck[] = [];
  let problem: string | null = null;
  if (archiveIntact) {
    const scratch = mkdtempSync(join(tmpdir(), 'boardpack-verify-'));
    try {
      figures = compareFigures(manifest, await recomputePack(full, ctx.config, scratch, ctx.logger, files));
    } catch (error) {
      if (error instanceof UsageError || error instanceof WorkError) problem = error.message;
      else problem = `The figures could not be recomputed from the archived exports (${(error as Error).message.split('\n')[0]}).`;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const failures = [
    ...files.filter((f) => f.status !== 'match' && f.status !== 'deleted').map(describeFile),
    ...figures.filter((f) => f.status === 'mismatch').map(describeFigure),
    ...(problem ? [problem] : []),
    ...(archiveIntact ? [] : ['The figures were not recomputed: the archived exports they come from are missing or altered.']),
  ];
  if (ctx.json) ctx.out(JSON.stringify({ pack: dir, snapshot: manifest.snapshot.id, ok: failures.length === 0, files, figures, problems: failures }, null, 2));
  else {
    ctx.out(`Verifying ${dir}: snapshot ${manifest.snapshot.id}, ${manifest.snapshot.files.length} archived exports, ${manifest.metrics.length} figures.`);
    if (manifest.pack.version !== packVersion()) ctx.out(`Note: the pack was made by boardpack ${manifest.pack.version}; recomputed with ${packVersion()}.`);
    for (const f of files) ctx.out(`${f.status === 'match' ? 'match   ' : f.status.toUpperCase().padEnd(8)} ${ROLE[f.role]} ${f.file}${f.detail ? ` (${f.detail})` : ''}`);
    for (const f of figures) ctx.out(f.status === 'match' ? `match    ${f.citation_id ?? f.id}` : `MISMATCH ${describeFigure(f)}`);
    if (failures.length === 0) ctx.out(`Verified: all ${figures.length} figures recompute from the archived exports and all ${files.length} files match the manifest.`);
  }
  if (failures.length === 0) return 0;
  ctx.err(`Verification failed: ${failures[0]}${failures.length > 1 ? ` (and ${failures.length - 1} more problem${failures.length > 2 ? 's' : ''}, listed above)` : ''}`);
  return 1;
}

const ROLE: Record<FileCheck['role'], string> = { pack: 'pack file', archive: 'archived export', original: 'encrypted original', commentary: 'commentary' };

async function fullSnapshot(id: string, ctx: CommandContext): Promise<Snapshot> {
  const db = await openExistingDb(ctx.config);
  try {
    return await findSnapshot(db, id);
  } finally {
    db.close();
  }
}

function describeFile(f: FileCheck): string {
  if (f.role === 'commentary') return `The commentary ${f.file} has been edited since the pack was built (${f.detail}); rebuild the pack to publish the new commentary, or restore the file as it was.`;
  const what = f.role === 'archive' ? `The archived export ${f.file}` : f.role === 'original' ? `The encrypted original of ${f.file}` : `The pack file ${f.file}`;
  return f.status === 'missing' ? `${what} is missing (${f.detail}); restore it from backup.` : `${what} has been altered (${f.detail}); restore it from backup.`;
}

function describeFigure(f: FigureCheck): string {
  const section = SECTION_NAMES[f.id];
  if (section && f.citation_id === null)
    return `${section.name} in the manifest ${section.plural ? 'do' : 'does'} not recompute from the archived exports (${describeListDifference(f.differences[0]?.manifest, f.differences[0]?.recomputed)}); rebuild the pack, or restore its manifest.json from backup.`;
  const shown = (v: unknown) => (typeof v === 'object' && v !== null ? 'a different value' : JSON.stringify(v));
  const fields = f.differences.map((d) => `${d.field}: manifest ${shown(d.manifest)}, recomputed ${shown(d.recomputed)}`).join('; ');
  return `${f.id}${f.citation_id ? ` (${f.citation_id})` : ''} does not recompute: ${fields}.`;
}

/** Where two lists (or records) first differ, in words: their lengths, or the first entry that is not the same. */
function describeListDifference(recorded: unknown, recomputed: unknown): string {
  if (!Array.isArray(recorded) || !Array.isArray(recomputed)) return 'its contents differ';
  const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;
  if (recorded.length !== recomputed.length) return `the manifest has ${entries(recorded.length)}, recomputed ${recomputed.length}`;
  const at = recorded.findIndex((entry, i) => !same(entry, recomputed[i]));
  return `entry ${at + 1} of ${recorded.length} differs`;
}
