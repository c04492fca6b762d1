import { mkdtempSync, readdirSync, rmSync, type Stats, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { londonDate, type Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { FileRejected, UsageError } from '../lib/errors.ts';
import { sha256File } from '../lib/hashing.ts';
import type { Logger } from '../lib/logging.ts';
import { canonicalRelativePath, stageArchiveCopy } from './archive.ts';
import { keepExport, removeWritten } from '../archive/keepExport.ts';
import { startCanonicalCopy, type CanonicalWriter } from '../archive/canonicalRecords.ts';
import { sweepLeftovers } from '../archive/sweepLeftovers.ts';
import { prepareArchive, type ArchiveSettings } from '../archive/prepareArchive.ts';
import type { Contracts, DatasetName } from './contracts.ts';
import { forceOfFile, type Delivery } from './forceOfFile.ts';
import { keptColumns, mapHeaders } from './headers.ts';
import { loadExport, type LoadCounts } from './loadExport.ts';
import { normalizeFile } from './normalizeFile.ts';
import { ensureSchema, writeReferenceTables } from './schema.ts';
import type { RowCounts } from './status.ts';
import type { LineCounts } from './scanRecords.ts';

/** What happened to one file: the `ingest --json` shape of docs/interface.md, plus detail for analysts. */
export interface FileReport extends RowCounts {
  file: string;
  dataset: string | null;
  sha256: string;
  status: 'loaded' | 'already_loaded' | 'rejected';
  /** The force every row was recorded for. */
  force?: string;
  error?: string;
  path: string;
  rows_blank: number;
  keys_replaced: number;
  encoding?: string;
  delimiter?: string;
  columns_dropped: string[];
  columns_ignored: string[];
  quarantine_by_reason: Record<string, number>;
  warnings: LoadCounts['warnings'];
  /** Every physical line of the file: header + blank + data = total, and the data lines' records = rows_read + rows_blank. */
  lines?: LineCounts;
}

export interface IngestReport {
  files: FileReport[];
}

export interface IngestOptions {
  db: Db;
  contracts: Contracts;
  /** The force the files were delivered for (or the configured one); see forceOfFile.ts. */
  force: string;
  /** How the force was said: by `--force` or an inbox sub-folder (binding) or by the configuration (a default). */
  forceFrom?: Delivery['from'];
  /** Every force this boardpack takes exports for (the configured force and its region). */
  knownForces?: string[];
  archiveDir: string;
  maxQuarantineShare: number;
  clock: Clock;
  logger: Logger;
  dataset?: DatasetName;
  /** The folder relative paths are read from (default: the process's). */
  cwd?: string;
  /**
   * Key file, retention and conversion of the archive; without it no original is kept
   * (a verify's scratch load).
   */
  archive?: ArchiveSettings;
  /** The SHA-256 to record for the file (verify loads a canonical copy under its original's identity). */
  sha256?: string;
  /** Told how far a file has got: a terminal shows it as a progress line. */
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  file: string;
  stage: string;
  bytes: number;
  bytesRead: number;
  /** Milliseconds since the file started. */
  ms: number;
  /** Rows read, once the file is done. */
  rows?: number;
}

/** Files to ingest: each path as given, a directory as every `.csv` in it; checked before anything loads. */
export function expandPaths(paths: string[], cwd = process.cwd()): string[] {
  if (paths.length === 0) throw new UsageError('No file given; pass one or more CSV files or folders, e.g. boardpack ingest fixtures/sample.');
  const files: string[] = [];
  for (const path of paths) {
    const full = resolve(cwd, path);
    let stats: Stats;
    try {
      stats = statSync(full);
    } catch {
      throw new UsageError(`${path} does not exist; check the path and try again.`);
    }
    if (stats.isDirectory()) {
      const csvs = readdirSync(full)
        .filter((name) => /\.csv$/i.test(name))
        .sort()
        .map((name) => join(full, name));
      if (csvs.length === 0) throw new UsageError(`The folder ${path} holds no .csv files; pass a folder of CSV exports or the files themselves.`);
      for (const csv of csvs) refuseUnlessRegular(csv, join(path, basename(csv)));
      files.push(...csvs);
    } else {
      refuseUnlessRegular(full, path, stats);
      files.push(full);
    }
  }
  return files;
}

/**
 * Only regular files are read: a FIFO or a device would block the read for ever (or never end),
 * so each is refused at once, before anything loads.
 */
function refuseUnlessRegular(full: string, shown: string, known?: Stats): void {
  let stats = known;
  try {
    stats ??= statSync(full);
  } catch {
    throw new UsageError(`${shown} cannot be read (it is a link to nothing, or was removed); pass the CSV export itself.`);
  }
  const kind = kindOf(stats);
  if (kind) throw new UsageError(`${shown} is ${kind}, not a regular file; pass the CSV export itself.`);
}

/** What a non-regular file is, in words; null for a regular file. */
export function kindOf(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export async function ingestPaths(paths: string[], options: IngestOptions): Promise<IngestReport> {
  const files = expandPaths(paths, options.cwd);
  await ensureSchema(options.db, options.contracts);
  await options.db.transaction(() => writeReferenceTables(options.db, options.contracts));
  const root = tempRoot(files);
  sweepLeftovers(options.archiveDir, root);
  const tempDir = mkdtempSync(join(root, `boardpack-${process.pid}-`));
  try {
    const key = options.archive ? await prepareArchive(options, tempDir) : null;
    const reports: FileReport[] = [];
    for (const file of files) reports.push(await ingestFile(file, { ...options, key }, tempDir));
    return { files: reports };
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

/**
 * Where normalised copies go: memory-backed /dev/shm when it has room for them with a
 * margin (several times faster than disk here), else the system temp folder.
 */
function tempRoot(files: string[]): string {
  const needed = files.reduce((sum, f) => Math.max(sum, statSync(f).size), 0) * 2;
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize > needed + (256 << 20)) return '/dev/shm';
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

function emptyReport(path: string, sha256: string): FileReport {
  return {
    file: basename(path),
    dataset: null,
    sha256,
    status: 'rejected',
    rows_read: 0,
    rows_loaded: 0,
    rows_quarantined: 0,
    rows_excluded: 0,
    rows_duplicate: 0,
    path,
    rows_blank: 0,
    keys_replaced: 0,
    columns_dropped: [],
    columns_ignored: [],
    quarantine_by_reason: {},
    warnings: [],
  };
}

export async function ingestFile(path: string, options: IngestOptions & { key?: Buffer | null }, tempDir: string): Promise<FileReport> {
  const { db, logger } = options;
  const started = Date.now();
  let mark = performance.now();
  const bytes = statSync(path).size;
  const progress = (stageName: string, bytesRead: number, rows?: number) => options.onProgress?.({ file: basename(path), stage: stageName, bytes, bytesRead, ms: Date.now() - started, ...(rows === undefined ? {} : { rows }) });
  const stage = (name: string, ms = performance.now() - mark) => {
    logger.log('debug', 'stage', { file: basename(path), stage: name, ms: Math.round(ms) });
    mark = performance.now();
    progress(`${name} done`, bytes);
  };
  const report = emptyReport(path, options.sha256 ?? sha256File(path));
  stage('hash');
  const earlier = await findLoaded(db, report.sha256);
  if (earlier) {
    logger.log('info', 'file_already_loaded', { file: report.file, sha256: report.sha256 });
    return { ...report, ...earlier, status: 'already_loaded' };
  }
  const copy = stageArchiveCopy(options.archiveDir, path);
  stage('copy');
  let normalizedPath: string | null = null;
  let written: string[] = [];
  const canonical: { writer: CanonicalWriter | null } = { writer: null };
  try {
    const normalized = normalizeFile(copy.path, tempDir, {
      fileName: report.file,
      onProgress: (read) => progress('reading', read),
      // The archive's canonical copy is written in the same pass, keeping the columns the contract maps
      // (a second pass, when the file turns out not to be UTF-8, starts it again).
      tee: (header) => {
        canonical.writer?.discard();
        canonical.writer = startCanonicalCopy(options.archiveDir, header, () => keptColumns(mapHeaders(report.file, header.fields, options.contracts, options.dataset)));
        return canonical.writer;
      },
    });
    const prepared = canonical.writer?.finish();
    normalizedPath = normalized.normalizedPath;
    if (options.sha256) normalized.sha256 = options.sha256;
    stage('normalize');
    // The staged copy's hash is the one that counts: those are the bytes loaded and kept.
    if (normalized.sha256 !== report.sha256) {
      const changed = await findLoaded(db, normalized.sha256);
      if (changed) {
        copy.discard();
        return { ...report, ...changed, sha256: normalized.sha256, status: 'already_loaded' };
      }
    }
    report.sha256 = normalized.sha256;
    report.encoding = normalized.encoding;
    report.delimiter = normalized.delimiter;
    report.lines = normalized.lines;
    const mapping = mapHeaders(report.file, normalized.headers, options.contracts, options.dataset);
    report.dataset = mapping.dataset;
    report.columns_dropped = mapping.dropped;
    report.columns_ignored = mapping.ignored;
    report.force = await forceOfFile(db, normalized, { force: options.force, from: options.forceFrom ?? 'config' }, options.knownForces ?? [options.force], mapping.dataset);
    const now = options.clock.now();
    const counts = await loadExport(db, normalized, mapping, options.contracts.datasets[mapping.dataset], options.contracts.reference, {
      force: report.force,
      loadDate: londonDate(now),
      loadedAt: now,
      maxQuarantineShare: options.maxQuarantineShare,
      archivePath: canonicalRelativePath(normalized.sha256),
      beforeCommit: async (malformed) => {
        written = await keepExport(db, { archiveDir: options.archiveDir, file: normalized, mapping, stagedPath: copy.path, key: options.key ?? null, now, malformed, prepared });
      },
      onStage: (name, ms) => stage(name, ms),
    });
    copy.discard();
    Object.assign(report, counts, { status: 'loaded' });
    progress('loaded', bytes, report.rows_read);
    logger.log('info', 'file_loaded', { file: report.file, dataset: report.dataset, rows: counts.rows_loaded, ms: Date.now() - started });
    return report;
  } catch (error) {
    copy.discard();
    // The load rolled back: the archive keeps nothing of it either.
    removeWritten(written);
    if (!(error instanceof FileRejected)) throw error;
    report.error = error.message;
    report.dataset ??= error.dataset;
    logger.log('warn', 'file_rejected', { file: report.file, error: error.message });
    return report;
  } finally {
    if (normalizedPath) rmSync(normalizedPath, { force: true });
    canonical.writer?.discard();
  }
}

async function findLoaded(db: Db, sha256: string): Promise<Partial<FileReport> | null> {
  const rows = await db.all<Record<string, unknown>>(
    `select dataset, rows_read, rows_loaded, rows_quarantined, rows_excluded, rows_duplicate, rows_blank, keys_replaced,
       encoding, delimiter, columns_dropped, columns_ignored, force
     from ingested_files where sha256 = $1`,
    [sha256],
  );
  return (rows[0] as Partial<FileReport> | undefined) ?? null;
}
