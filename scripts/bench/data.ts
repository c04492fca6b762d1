/**
 * Benchmark inputs: seeded synthetic exports (scripts/generate-exports.ts) at named
 * sizes, generated once and cached in the system temp folder. The cache folder's name
 * carries a hash of the generator's source and options, so a changed generator never
 * reuses stale files, and generation writes to a side folder renamed into place, so an
 * interrupted run never leaves half a cache.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface BenchSize {
  id: string;
  label: string;
  incidents: number;
  /** A region (issue 15): this many forces, each its own exports, database and Parquet, the incidents shared out. */
  forces?: number;
}

/**
 * The three sizes of issue 8, each a full set (incidents, roster, hours, training, actions), and
 * the regional size of issue 15: four forces' full sets over ten years (scripts/bench/regional.ts).
 */
export const SIZES: BenchSize[] = [
  { id: 'force', label: 'realistic force', incidents: 50_000 },
  { id: '1m', label: '1,000,000 incidents', incidents: 1_000_000 },
  { id: '10m', label: '10,000,000 incidents', incidents: 10_000_000 },
  { id: 'region', label: 'region: 4 forces, 10 years, 2,000,000 incidents', incidents: 2_000_000, forces: 4 },
];

/**
 * A fixed two-year window that ends in the past, so every row is dated before any load
 * date on any machine, and the quarter measured (Jul-Sep 2025) has its previous quarter
 * and the same quarter a year earlier inside the data.
 */
export const WINDOW = { start: '2023-10-01', end: '2025-09-30', seed: 42 } as const;
export const PERIOD = { period: '2025-26-Q2', asOf: '2025-10-14' } as const;

export const repoRoot = resolve(import.meta.dirname, '../..');

export function benchRoot(): string {
  return join(tmpdir(), 'boardpack-bench');
}

export function parseSizes(text: string): BenchSize[] {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !SIZES.some((s) => s.id === id));
  if (ids.length === 0 || unknown.length > 0) throw new Error(`--sizes takes a comma-separated list of ${SIZES.map((s) => s.id).join(', ')}; got "${text}".`);
  return SIZES.filter((s) => ids.includes(s.id));
}

export interface Exports {
  dir: string;
  files: { path: string; bytes: number }[];
  bytes: number;
}

/** Ten years to the same end, for the regional size (the calendar model starts in April 2015). */
export const REGION_WINDOW = { start: '2015-10-01', end: WINDOW.end } as const;

/**
 * The generated exports for `incidents` rows (all datasets unless `only`), generating them if not cached;
 * another seed or window (a region's forces, ten years) where given.
 */
export function ensureExports(options: { incidents: number; only?: string[]; seed?: number; start?: string; log?: (line: string) => void }): Exports {
  const seed = options.seed ?? WINDOW.seed;
  const start = options.start ?? WINDOW.start;
  const args = ['--seed', String(seed), '--start', start, '--end', WINDOW.end, '--incidents', String(options.incidents), '--no-personal'];
  if (options.only) args.push('--only', options.only.join(','));
  const dir = join(benchRoot(), `exports-${options.incidents}-${cacheKey(args)}`);
  if (!existsSync(dir)) {
    (options.log ?? console.log)(`Generating ${options.incidents.toLocaleString('en-GB')} incidents${options.only ? ` (${options.only.join(', ')})` : ' and the full set'} from ${start} (seed ${seed}) into ${dir} ...`);
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/generate-exports.ts'), '--out', partial, ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: repoRoot });
    renameSync(partial, dir);
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => ({ path: join(dir, f), bytes: statSync(join(dir, f)).size }));
  return { dir, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

function cacheKey(args: string[]): string {
  const hash = createHash('sha256').update(args.join(' '));
  const generator = join(repoRoot, 'scripts/generate');
  for (const file of [
    join(repoRoot, 'scripts/generate-exports.ts'),
    ...readdirSync(generator)
      .sort()
      .map((f) => join(generator, f)),
  ]) {
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

/** A fresh scratch folder under the bench root, removed by the caller. */
export function workDir(name: string): string {
  const dir = join(benchRoot(), `work-${process.pid}-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
