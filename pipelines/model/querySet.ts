import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Config } from '../lib/config.ts';
import { WorkError } from '../lib/errors.ts';
import { sha256Text } from '../lib/hashing.ts';

/**
 * The query set: every file that decides a figure apart from the data itself (macros,
 * models, metric SQL and metadata, checks, chart queries, contracts, reference data, and
 * the pack definitions that choose which metrics a pack holds), as one
 * content-addressed bundle. A snapshot names its bundle by SHA-256 and the archive keeps
 * it, so a figure recomputes later with the definitions it was computed with, even after
 * the SQL has moved on.
 */

export interface QuerySet {
  sha256: string;
  /** Path (`queries/...`, `contracts/...`, `reference/...`) to content. */
  files: Record<string, string>;
}

export interface QueryDirs {
  queriesDir: string;
  contractsDir: string;
  referenceDir: string;
  packsDir: string;
}

/** What the loaders read from the queries folder (contracts and reference data have folders of their own). */
const QUERY_PARTS = ['macros.sql', 'models', 'metrics', 'checks', 'charts', 'lists', 'targets.json'];

function listFiles(root: string, part: string): string[] {
  const path = join(root, part);
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}

export function collectQuerySet(dirs: QueryDirs): QuerySet {
  const files: Record<string, string> = {};
  const add = (prefix: string, root: string, paths: string[]) => {
    for (const file of paths) files[`${prefix}/${relative(root, file).split('\\').join('/')}`] = readFileSync(file, 'utf8');
  };
  add(
    'queries',
    dirs.queriesDir,
    QUERY_PARTS.flatMap((part) => listFiles(dirs.queriesDir, part)),
  );
  add('contracts', dirs.contractsDir, listFiles(dirs.contractsDir, '.'));
  add('reference', dirs.referenceDir, listFiles(dirs.referenceDir, '.'));
  add('packs', dirs.packsDir, listFiles(dirs.packsDir, '.'));
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { sha256: sha256Text(JSON.stringify(sorted)), files: sorted };
}

export function querySetPath(archiveDir: string, sha256: string): string {
  return join(archiveDir, 'queries', `${sha256}.json`);
}

/** Keeps the bundle in the archive (once: the address is the content). */
export function archiveQuerySet(archiveDir: string, set: QuerySet): string {
  const path = querySetPath(archiveDir, set.sha256);
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(set.files)}\n`);
  renameSync(temp, path);
  return path;
}

/** Writes an archived bundle out as folders under `intoDir`, checking it is the bundle the snapshot names. */
export function restoreQuerySet(archiveDir: string, sha256: string, intoDir: string, fallbackPacksDir: string): QueryDirs {
  const path = querySetPath(archiveDir, sha256);
  if (!existsSync(path)) throw new WorkError(`The archived query set ${sha256.slice(0, 16)} is missing from ${dirname(path)}; restore the archive from backup.`);
  let files: Record<string, string>;
  try {
    files = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch {
    throw new WorkError(`The archived query set ${path} is not readable JSON: it has been altered; restore it from backup.`);
  }
  if (sha256Text(JSON.stringify(files)) !== sha256) throw new WorkError(`The archived query set ${path} has been altered (its SHA-256 no longer matches); restore it from backup.`);
  for (const [name, content] of Object.entries(files)) {
    const target = join(intoDir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  // A set archived before pack definitions were part of it builds with the definitions of today.
  const packsDir = Object.keys(files).some((name) => name.startsWith('packs/')) ? join(intoDir, 'packs') : fallbackPacksDir;
  return { queriesDir: join(intoDir, 'queries'), contractsDir: join(intoDir, 'contracts'), referenceDir: join(intoDir, 'reference'), packsDir };
}

export function queryDirsOf(config: Config): QueryDirs {
  return { queriesDir: config.queriesDir, contractsDir: config.contractsDir, referenceDir: config.referenceDir, packsDir: config.packsDir };
}
