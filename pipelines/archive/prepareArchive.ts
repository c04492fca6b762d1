import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../lib/config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import type { Logger } from '../lib/logging.ts';
import type { Contracts, DatasetName } from '../ingest/contracts.ts';
import { mapHeaders } from '../ingest/headers.ts';
import { normalizeFile } from '../ingest/normalizeFile.ts';
import { canonicalRelativePath, legacyRelativePath, readMeta, writeMeta } from '../ingest/archive.ts';
import { keepExport, removeWritten } from './keepExport.ts';
import { readOrCreateKey, type KeySource } from './originalsKey.ts';

/**
 * Before an ingest: the key (created on first use), then the archive brought to its
 * current layout (plain originals from before canonical copies are converted, one file per
 * transaction: canonical copy and encrypted original written, ledger updated, and only then
 * the plain file removed, so a kill at any point leaves either the old file or the new ones),
 * then originals past the retention period deleted, each deletion recorded in the ledger.
 */

export interface ArchiveSettings extends KeySource {
  /** Years an encrypted original is kept after its load; null keeps them for ever. */
  retentionYears: number | null;
}

/** The archive settings of a configuration: the data folder and the archive must not hold the key. */
export function archiveSettingsOf(config: Config, env: Record<string, string | undefined> = process.env): ArchiveSettings {
  // A database kept straight in the project folder (--db x.duckdb) makes that folder no data
  // folder of its own: the key beside it, in keys/, is still outside data and archive.
  const dataDir = dirname(config.db);
  const dataDirs = [config.archive, ...(dataDir !== dirname(dirname(config.archiveKeyFile)) ? [dataDir] : [])];
  return { keyFile: config.archiveKeyFile, dataDirs, env, retentionYears: config.archiveRetentionYears };
}

interface PrepareOptions {
  db: Db;
  contracts: Contracts;
  archiveDir: string;
  archive?: ArchiveSettings;
  clock: Clock;
  logger: Logger;
}

export async function prepareArchive(options: PrepareOptions, tempDir: string): Promise<Buffer> {
  const key = readOrCreateKey(options.archive!);
  await convertLegacyArchive(options, key, tempDir);
  if (options.archive!.retentionYears !== null) await applyRetention(options, options.archive!.retentionYears);
  return key;
}

/**
 * The same upkeep for a run that ingests nothing (a nightly refresh with an empty inbox), so
 * conversion and retention do not wait for the next export.
 */
export async function maintainArchive(options: PrepareOptions, tempRoot: string): Promise<void> {
  const exists = await options.db.all(`select 1 from duckdb_tables() where table_name = 'archived_files'`);
  if (exists.length === 0) return;
  const tempDir = mkdtempSync(join(tempRoot, `boardpack-${process.pid}-`));
  try {
    await prepareArchive(options, tempDir);
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

export async function convertLegacyArchive(options: PrepareOptions, key: Buffer, tempDir: string): Promise<number> {
  const { db, archiveDir } = options;
  const rows = await db.all<{ sha256: string; file_name: string; dataset: string; converted: boolean }>(
    `select f.sha256, f.file_name, f.dataset, a.sha256 is not null as converted
     from ingested_files f left join archived_files a using (sha256) order by f.load_id`,
  );
  let converted = 0;
  for (const row of rows) {
    const legacy = join(archiveDir, legacyRelativePath(row.sha256));
    if (!existsSync(legacy)) continue;
    // Converted by a run killed before it removed the plain file: only the removal is left.
    if (row.converted && existsSync(join(archiveDir, canonicalRelativePath(row.sha256)))) {
      rmSync(legacy, { force: true });
      continue;
    }
    let normalizedPath: string | null = null;
    let written: string[] = [];
    try {
      const file = normalizeFile(legacy, tempDir, { fileName: row.file_name });
      normalizedPath = file.normalizedPath;
      if (file.sha256 !== row.sha256) {
        options.logger.log('warn', 'archive_not_converted', { sha256: row.sha256, reason: 'the archived file no longer has its SHA-256' });
        continue;
      }
      const mapping = mapHeaders(row.file_name, file.headers, options.contracts, row.dataset as DatasetName);
      const now = options.clock.now();
      await db.transaction(async () => {
        written = await keepExport(db, { archiveDir, file, mapping, stagedPath: legacy, key, now });
        await db.run('update archived_files set converted_at = $1::timestamp where sha256 = $2', [timestamp(now), row.sha256]);
        await db.run('update ingested_files set archive_path = $1 where sha256 = $2', [canonicalRelativePath(row.sha256), row.sha256]);
        await db.run(`insert into archive_events values ($1::timestamp, $2, 'converted', 'plain original replaced by a canonical copy and an encrypted original')`, [timestamp(now), row.sha256]);
      });
      written = [];
      rmSync(legacy, { force: true });
      converted++;
    } catch (error) {
      removeWritten(written);
      options.logger.log('warn', 'archive_not_converted', { sha256: row.sha256, reason: (error as Error).message.split('\n')[0] });
    } finally {
      if (normalizedPath) rmSync(normalizedPath, { force: true });
    }
  }
  return converted;
}

/** Deletes encrypted originals loaded more than `years` ago; the canonical copies stay, so packs stay verifiable. */
export async function applyRetention(options: PrepareOptions, years: number): Promise<number> {
  const { db, archiveDir } = options;
  const now = options.clock.now();
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  const due = await db.all<{ sha256: string; original_path: string }>(
    `select a.sha256, a.original_path from archived_files a join ingested_files f using (sha256)
     where a.original_path is not null and a.original_deleted_at is null and f.loaded_at < $1::timestamp order by f.load_id`,
    [timestamp(cutoff)],
  );
  for (const row of due) {
    rmSync(join(archiveDir, row.original_path), { force: true });
    await db.transaction(async () => {
      await db.run('update archived_files set original_deleted_at = $1::timestamp where sha256 = $2', [timestamp(now), row.sha256]);
      await db.run(`insert into archive_events values ($1::timestamp, $2, 'original_deleted', $3)`, [timestamp(now), row.sha256, `retention period of ${years} year${years === 1 ? '' : 's'} ended`]);
    });
    const meta = readMeta(archiveDir, row.sha256);
    if (meta) writeMeta(archiveDir, { ...meta, original_deleted_at: now.toISOString() });
  }
  return due.length;
}

function timestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
