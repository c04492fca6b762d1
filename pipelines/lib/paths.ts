import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the package lives: shipped contracts, reference data, schemas and pack definitions are
 * found from here, not from the cwd. Found by walking up to boardpack's package.json, so it holds
 * for the sources and for the bundle bin/boardpack.js runs (node_modules/.cache/boardpack/).
 */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = resolve(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'boardpack') return dir;
    if (dirname(dir) === dir) return resolve(from, '../..');
  }
}
