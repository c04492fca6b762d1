import { makeAsUmaskWould, makeOwnerOnly } from '../lib/ownerOnly.ts';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sha256Text } from '../lib/hashing.ts';
import type { ExportedFile } from './exportTables.ts';
import { packFolderName, type Manifest } from './manifest.ts';

/**
 * The packs stage: one folder per pack, `<out>/<period>-<edition>/`, holding
 * `manifest.json` (docs/interface.md) and `index.html`. Written to a temp folder and
 * renamed into place, so a reader never sees half a pack.
 */

/** What goes into a pack's temp folder: the rendered HTML and the exports written beside it. */
export interface PackContent {
  html: string;
  exports?: ExportedFile[];
}

/**
 * Writes the pack folder atomically and returns its path. `fill` writes the exports into the
 * temp folder and returns them with the HTML (a build draws the charts while DuckDB writes the
 * exports); the manifest lists the exports and the HTML's SHA-256.
 */
export async function writePack(outDir: string, manifest: Manifest, fill: (dir: string) => Promise<PackContent>): Promise<string> {
  const name = packFolderName(manifest.pack);
  const final = join(outDir, name);
  const temp = join(outDir, `.${name}.tmp-${process.pid}`);
  restoreInterruptedSwap(outDir, name);
  rmSync(temp, { recursive: true, force: true });
  try {
    mkdirSync(temp, { recursive: true });
    const { html, exports } = await fill(temp);
    if (exports) manifest.exports = exports;
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
