import { countRows, type Db } from '../lib/db.ts';
import { DATASETS } from './contracts.ts';

/** What is loaded, from which files, and what was quarantined: read from the ledger tables. */

/** The reconciliation counts every file carries (docs/datasets.md): read = loaded + quarantined + excluded + duplicate. */
export interface RowCounts {
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  rows_excluded: number;
  rows_duplicate: number;
}

export interface LoadedFile extends RowCounts {
  load_id: number;
  file_name: string;
  dataset: string;
  sha256: string;
  loaded_at: string;
  keys_replaced: number;
  columns_dropped: string[];
}

export interface QuarantineSummary {
  dataset: string;
  reason: string;
  rows: number;
  files: number;
}

export interface QuarantinedRow {
  file_name: string;
  dataset: string;
  line: number;
  field: string | null;
  raw_value: string | null;
  reason: string;
  detail: string | null;
}

/** A data-quality warning: loaded, but worth an analyst's look. */
export interface DataQualityWarning {
  dataset: string;
  field: string;
  kind: 'unknown_value' | 'not_in_roster';
  value: string;
  rows: number;
}

export interface IngestStatus {
  files: LoadedFile[];
  quarantine: QuarantineSummary[];
  records: Record<string, number>;
  warnings: DataQualityWarning[];
}

export async function readIngestStatus(db: Db): Promise<IngestStatus> {
  const files = await db.all<LoadedFile>(
    `select load_id, file_name, dataset, sha256, strftime(loaded_at, '%Y-%m-%dT%H:%M:%SZ') as loaded_at, rows_read, rows_loaded,
       rows_quarantined, rows_excluded, rows_duplicate, keys_replaced, columns_dropped
     from ingested_files order by load_id`,
  );
  const quarantine = await db.all<QuarantineSummary>(
    `select dataset, reason, count(*)::integer as rows, count(distinct load_id)::integer as files
     from quarantine group by all order by dataset, rows desc, reason`,
  );
  const counts = await countRows(db, DATASETS);
  const records: Record<string, number> = Object.fromEntries(DATASETS.map((name, i) => [name, counts[i] ?? 0]));
  return { files, quarantine, records, warnings: await readDataQualityWarnings(db) };
}

/**
 * Unknown values recorded at ingest (for current loads), and duty hours by volunteer ids
 * missing from the current roster: a warning, not an error (docs/datasets.md), worked out now
 * because the roster and the hours arrive in separate files, in any order.
 */
export async function readDataQualityWarnings(db: Db): Promise<DataQualityWarning[]> {
  return db.all<DataQualityWarning>(
    `select w.dataset, w.field, w.kind, w.raw_value as value, sum(w.rows)::integer as rows
     from data_quality_warnings w group by all
     union all
     select 'volunteer_hours', 'volunteer_id', 'not_in_roster', h.volunteer_id, count(*)::integer
     from volunteer_hours h
     where (select count(*) from volunteers) > 0
       and not exists (select 1 from volunteers v where v.force = h.force and v.volunteer_id = h.volunteer_id)
     group by all
     order by 1, 2, 3, 5 desc, 4`,
  );
}

export async function readQuarantine(db: Db, filter: { dataset?: string; limit?: number } = {}): Promise<QuarantinedRow[]> {
  const rows = await db.all<QuarantinedRow & { line: bigint }>(
    `select file_name, dataset, line, field, raw_value, reason, detail from quarantine
     where $dataset is null or dataset = $dataset
     order by load_id, line, field
     limit $limit`,
    { dataset: filter.dataset ?? null, limit: filter.limit ?? 1_000_000 },
  );
  return rows.map((r) => ({ ...r, line: Number(r.line) }));
}

/** True when the database has been through ingest at least once. */
export async function hasLedger(db: Db): Promise<boolean> {
  // duckdb_tables(), not information_schema.tables (a view over it and more): half the time.
  const rows = await db.all(`select 1 from duckdb_tables() where table_name = 'ingested_files'`);
  return rows.length > 0;
}
