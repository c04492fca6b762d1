import { DATASETS, RECORD_DATE } from '../ingest/contracts.ts';

/**
 * The folder layout `boardpack export --parquet` writes and `build --from-parquet` reads,
 * in one place so the writer and the reader cannot drift apart:
 *
 *   DIR/<dataset>/force=<force>/year=<year>/*.parquet   the current version of every record
 *   DIR/_ledger/<ledger>/force=<force>/*.parquet        the files loaded, and their data-quality warnings
 *   DIR/_history/<dataset>/force=<force>/*.parquet      versions a later export replaced
 *   DIR/_boardpack_export.json                          marks the folder as boardpack's
 *
 * Every part is partitioned by force, so several forces' exports sit side by side in one
 * folder (or object-store prefix) and each force's export replaces only its own folders.
 */

/** Each curated table and the date its `year=` partition comes from (none: `force=` only). */
export const PARTITIONS: { table: string; date: string | null }[] = DATASETS.map((table) => ({ table, date: RECORD_DATE[table] ?? null }));

/** Marks a folder as boardpack's, so a later export may replace it (and nothing else). */
export const EXPORT_MARKER = '_boardpack_export.json';

/**
 * The ledger tables a build reads (the files behind every figure, the unknown-value warnings).
 * The quarantine is not exported: no pack reads it, and its rejected values stay with the force.
 */
export const LEDGER_TABLES = ['ingested_files', 'data_quality_warnings'] as const;

export const LEDGER_DIR = '_ledger';
export const HISTORY_DIR = '_history';

/** Every folder of the layout that holds `force=` partitions, relative to DIR. */
export function partitionedFolders(): string[] {
  return [...PARTITIONS.map((p) => p.table), ...LEDGER_TABLES.map((t) => `${LEDGER_DIR}/${t}`), ...DATASETS.map((d) => `${HISTORY_DIR}/${d}`)];
}

/** The force a `force=<value>` folder holds (Hive percent-encodes the value), or null for any other name. */
export function forceOfFolder(name: string): string | null {
  if (!name.startsWith('force=')) return null;
  try {
    return decodeURIComponent(name.slice('force='.length));
  } catch {
    return null;
  }
}

/** What the marker records: one entry per export written into the folder, the latest last. */
export interface ExportRecord {
  written_at: string;
  /** The database it was written from, on the machine that wrote it. */
  database: string;
  forces: string[];
  tables: { table: string; rows: number; partitioned_by: string[]; files: number }[];
}

export interface ExportMarker {
  format: 'boardpack-parquet';
  exports: ExportRecord[];
}
