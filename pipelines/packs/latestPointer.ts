import { existsSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `latest.json` is written first and the `latest` link second (updateLatest), so a process
 * killed between the two leaves the link one run behind. At the next start the link is made
 * to agree with `latest.json`, by the same rename, so readers never see them disagree for long
 * and never see no link at all. Returns whether the link was moved.
 */
export function reconcileLatest(outDir: string): boolean {
  const json = join(outDir, 'latest.json');
  if (!existsSync(json)) return false;
  let first: string | undefined;
  try {
    first = (JSON.parse(readFileSync(json, 'utf8')) as { packs?: string[] }).packs?.[0];
  } catch {
    return false; // written by rename: a half-written latest.json cannot be; an edited one is left alone
  }
  if (!first || !existsSync(join(outDir, first))) return false;
  const link = join(outDir, 'latest');
  let current: string | null = null;
  try {
    current = readlinkSync(link);
  } catch {
    // No link yet.
  }
  if (current === first) return false;
  const temp = join(outDir, `.latest.tmp-${process.pid}`);
  rmSync(temp, { force: true });
  symlinkSync(first, temp);
  renameSync(temp, link);
  return true;
}
