import type { Db } from '../lib/db.ts';
import { ident, literal } from '../lib/db.ts';
import { SQL_TYPES } from './compileChecks.ts';
import { DATASETS, type Contract, type Contracts } from './contracts.ts';
import { unlessCurrent } from './schemaState.ts';

/**
 * The tables ingest writes. Per dataset: `<dataset>` holds the current version of
 * each key; `<dataset>_history` the earlier versions a later export replaced, with
 * the load that replaced them; the view `<dataset>_versions` both. Every row carries
 * the file (SHA-256) and line it came from. Ledger tables record every file and
 * every quarantined row.
 */

export const LEDGER_DDL = `
create sequence if not exists load_id_seq start 1;
create table if not exists ingested_files (
  load_id integer primary key,
  sha256 varchar not null unique,
  file_name varchar not null,
  dataset varchar not null,
  force varchar not null,
  loaded_at timestamp not null,
  bytes bigint not null,
  encoding varchar not null,
  delimiter varchar not null,
  rows_read integer not null,
  rows_loaded integer not null,
  rows_quarantined integer not null,
  rows_excluded integer not null,
  rows_duplicate integer not null,
  rows_blank integer not null,
  keys_replaced integer not null,
  columns_dropped varchar[] not null,
  columns_ignored varchar[] not null,
  archive_path varchar not null
);
create table if not exists quarantine (
  load_id integer not null,
  file_name varchar not null,
  dataset varchar not null,
  line bigint not null,
  field varchar,
  raw_value varchar,
  reason varchar not null,
  detail varchar
);
create table if not exists archived_files (
  sha256 varchar primary key,
  canonical_path varchar not null,
  canonical_sha256 varchar not null,
  original_path varchar,
  converted_at timestamp,
  original_deleted_at timestamp
);
create table if not exists archive_events (
  event_at timestamp not null,
  sha256 varchar not null,
  event varchar not null,
  detail varchar
);
create table if not exists data_quality_warnings (
  load_id integer not null,
  dataset varchar not null,
  field varchar not null,
  kind varchar not null,
  raw_value varchar,
  rows integer not null
);
`;

const PROVENANCE = ['force varchar not null', '_load_id integer not null', '_file_sha256 varchar not null', '_line bigint not null'];

export function datasetColumns(contract: Contract): { name: string; type: string }[] {
  return contract.fields.map((f) => ({ name: f.name, type: SQL_TYPES[f.type] }));
}

function createTableSql(table: string, contract: Contract, extra: string[] = []): string {
  const columns = [PROVENANCE[0]!, ...datasetColumns(contract).map((c) => `${ident(c.name)} ${c.type}`), ...PROVENANCE.slice(1), ...extra];
  return `create table if not exists ${ident(table)} (\n  ${columns.join(',\n  ')}\n)`;
}

/** Creates what is missing; a contract that gained a field gets its column added, never dropped. */
export async function ensureSchema(db: Db, contracts: Contracts): Promise<void> {
  // Every ingest (a refresh with nothing new too) comes here: skipped where the database has this schema already.
  const tables = DATASETS.flatMap((name) => [createTableSql(name, contracts.datasets[name]), createTableSql(`${name}_history`, contracts.datasets[name], ['_replaced_by_load_id integer not null'])]);
  const ddl = `${LEDGER_DDL};\n${tables.join(';\n')}`;
  const views = DATASETS.map((name) => viewSql(name, contracts.datasets[name]));
  await unlessCurrent(db, 'schema', `${ddl};\n${views.join(';\n')}`, async () => {
    await db.run(ddl);
    await addColumnsAndViews(db, contracts, views);
  });
}

/** The view of every version of a dataset's records (a Parquet hub makes the same over its files). */
export function viewSql(name: string, contract: Contract): string {
  const columns = ['force', ...datasetColumns(contract).map((c) => ident(c.name)), '_load_id', '_file_sha256', '_line'].join(', ');
  return `create or replace view ${ident(`${name}_versions`)} as
      select ${columns}, null::integer as _replaced_by_load_id from ${ident(name)}
      union all select ${columns}, _replaced_by_load_id from ${ident(`${name}_history`)}`;
}

async function addColumnsAndViews(db: Db, contracts: Contracts, views: string[]): Promise<void> {
  // The stored tables' columns: duckdb_columns(), not the information_schema view over it (a third of the time).
  const existing = new Set(
    (await db.all<{ column: string }>(`select table_name || '.' || column_name as column from duckdb_columns() where database_name = current_database() and schema_name = 'main' and not internal`)).map((r) => r.column),
  );
  const changes: string[] = [];
  for (const name of DATASETS) {
    const contract = contracts.datasets[name];
    for (const table of [name, `${name}_history`]) {
      for (const column of datasetColumns(contract)) {
        if (!existing.has(`${table}.${column.name}`)) changes.push(`alter table ${ident(table)} add column ${ident(column.name)} ${column.type}`);
      }
    }
  }
  await db.run([...changes, ...views].join(';\n'));
}

/** Reference data lives in files; the database gets a copy so SQL models can join it. */
export async function writeReferenceTables(db: Db, contracts: Contracts): Promise<void> {
  const { nfibCodes, outcomes, areas } = contracts.reference;
  // Every enumeration of the contracts, in contract order, so metrics list all categories (zeros too).
  const enums = Object.values(contracts.datasets).flatMap((contract) => contract.fields.filter((f) => f.type === 'enum').flatMap((field) => (field.values ?? []).map((value, i) => [contract.dataset, field.name, value, i + 1] as const)));
  // One statement per table (not one per row): this runs at every ingest.
  const rows = (tuples: (string | number | boolean)[][]) => tuples.map((t) => `(${t.map((v) => (typeof v === 'string' ? literal(v) : String(v))).join(', ')})`).join(', ');
  const sql = `create or replace table ref_nfib_codes (code varchar primary key, category varchar not null);
    create or replace table ref_outcomes (code integer primary key, label varchar not null, judicial boolean not null);
    create or replace table ref_areas (area varchar primary key);
    create or replace table ref_enum_values (dataset varchar, field varchar, value varchar, sort_order integer, primary key (dataset, field, value));
    ${nfibCodes.length ? `insert into ref_nfib_codes values ${rows(nfibCodes.map((c) => [c.code, c.category]))};` : ''}
    ${outcomes.length ? `insert into ref_outcomes values ${rows(outcomes.map((o) => [o.code, o.label, o.judicial]))};` : ''}
    ${areas.length ? `insert into ref_areas values ${rows(areas.map((a) => [a]))};` : ''}
    ${enums.length ? `insert into ref_enum_values values ${rows(enums.map((e) => [...e]))};` : ''}`;
  await unlessCurrent(db, 'reference', sql, () => db.run(sql));
}
