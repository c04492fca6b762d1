import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from './paths.ts';

/**
 * Generated code kept between processes, in the cache folder beside the CLI's bundle: the schema
 * validators (schemas.ts), the pack's compiled templates (packs/templates.ts) and the charts'
 * compiled specs, kept as JSON (charts/keptSpecs.ts). Each file is
 * named by a hash of what it was generated from, so a change generates it again and nothing kept
 * is ever stale; where nothing can be written (a read-only install), every process generates.
 */

/** The cache folder, one sub-folder for each kind of code kept. */
export const KEPT_ROOT = join(packageRoot, 'node_modules', '.cache', 'boardpack');

const require = createRequire(import.meta.url);

/** The kept module's exports; null when it is absent or does not load. */
export function loadKept<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return require(path) as T;
  } catch {
    return null;
  }
}

/**
 * Writes a kept file's text (a CommonJS module's source, or JSON) to `path`: aside and renamed, so
 * a process starting meanwhile never reads half a file. False where it cannot be written.
 */
export function keepCode(path: string, source: string): boolean {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, source);
    renameSync(temp, path);
    return true;
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The folder itself could not be made: nothing was written.
    }
    return false;
  }
}
