import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DATASETS, loadContracts, type Contracts } from '../ingest/contracts.ts';
import { datasetColumns, LEDGER_DDL, viewSql, writeReferenceTables } from '../ingest/schema.ts';
import type { Config } from '../lib/config.ts';
import { createDb, type Db, ident, literal } from '../lib/db.ts';
import { UsageError, WorkError } from '../lib/errors.ts';
import { EXPORT_MARKER, type ExportMarker, HISTORY_DIR, LEDGER_DIR, PARTITIONS } from './parquetLayout.ts';

/**
 * `build --from-parquet DIR`: a database that reads the Parquet `export --parquet` writes
 * (model/parquetLayout.ts), one force's or several forces' side by side, so a regional hub
 * runs the same models and metrics over every force's files. A scratch DuckDB gets tables
 * named like a force's, read by `read_parquet` over every file under `DIR/<table>/` (Hive
 * partitions, columns matched by name), with the columns and types a force's database has (the
 * hub's contracts decide them), so `select *` models see the same rows in the same shape.
 * DIR may be an object-store prefix (s3://...): the same globs, read through DuckDB's httpfs.
 *
 * Loads are numbered per force's database; the hub numbers every force's loads into one
 * sequence (by load time), and maps each row's load through its force and file.
 */

export async function openParquetSource(given: string, config: Config, cwd: string): Promise<Db> {
  const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(given);
  const dir = remote ? given.replace(/\/+$/, '') : resolve(cwd, given);
  if (!remote) checkFolder(dir, given);
  const scratch = mkdtempSync(join(tmpdir(), 'boardpack-hub-'));
  // A scratch database file, not one in memory: within DuckDB's memory limit at any size, removed on close.
  const opened = await createDb(join(scratch, 'hub.duckdb'), { ...config.duckdb, tempDirectory: config.duckdb.tempDirectory ?? join(scratch, 'spill') }).catch((error: unknown) => {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  });
  const db: Db = {
    ...opened,
    close() {
      opened.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  try {
    const marker = await readMarker(db, dir, given, remote);
    const contracts = loadContracts(config);
    const source = { db, dir, given, marker };
    await loadLedger(source);
    for (const { table, date } of PARTITIONS) await loadTable(source, contracts, table, date);
    for (const dataset of DATASETS) await loadHistory(source, contracts, dataset);
    for (const dataset of DATASETS) await db.run(viewSql(dataset, contracts.datasets[dataset]));
    // Reference data is the hub's own, from its configuration, as each force's comes from its own.
    await writeReferenceTables(db, contracts);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof UsageError || error instanceof WorkError) throw error;
    throw new WorkError(`The Parquet in ${given} could not be read (${firstLine(error)}); check the folder, or export it again with boardpack export --parquet.`);
  }
}

interface Source {
  db: Db;
  dir: string;
  given: string;
  marker: ExportMarker;
}

function checkFolder(dir: string, given: string): void {
  if (!existsSync(dir)) throw new UsageError(`There is no folder ${given}; pass the folder boardpack export --parquet wrote.`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${given} is a file; pass the folder boardpack export --parquet wrote.`);
  if (!existsSync(join(dir, EXPORT_MARKER))) throw new UsageError(`${given} is not a boardpack Parquet export (it has no ${EXPORT_MARKER}); pass the folder boardpack export --parquet wrote.`);
}

async function readMarker(db: Db, dir: string, given: string, remote: boolean): Promise<ExportMarker> {
  let text: string | undefined;
  try {
    if (remote) {
      // read_text reads a glob: no file gives no row.
      const [row] = await db.all<{ content: string }>(`select content from read_text(${literal(`${dir}/${EXPORT_MARKER}`)})`);
      text = row?.content;
    } else text = readFileSync(join(dir, EXPORT_MARKER), 'utf8');
  } catch (error) {
    if (/extension/i.test(firstLine(error))) {
      throw new WorkError(`DuckDB could not load the extension that reads ${given} (${firstLine(error).replace(/:$/, '')}); let this machine reach extensions.duckdb.org once, or install the httpfs extension beforehand.`);
    }
    throw new UsageError(`Cannot read ${EXPORT_MARKER} under ${given} (${firstLine(error)}); pass the prefix boardpack export --parquet wrote to, with the object store's credentials set for DuckDB.`);
  }
  if (text === undefined) throw new UsageError(`There is no boardpack export at ${given} (no ${EXPORT_MARKER} there); pass the folder or prefix boardpack export --parquet wrote.`);
  try {
    const marker = JSON.parse(text) as Partial<ExportMarker>;
    if (Array.isArray(marker.exports)) return marker as ExportMarker;
  } catch {
    // Said below.
  }
  throw new UsageError(`${given} holds an export written before boardpack listed its forces (or a damaged ${EXPORT_MARKER}); export each force into it again with boardpack export --parquet.`);
}

/** A glob over every Parquet file of one folder of the layout, and whether it matches any. */
async function filesOf(source: Source, folder: string): Promise<{ glob: string; any: boolean }> {
  const glob = `${source.dir}/${folder}/**/*.parquet`;
  const [{ n }] = (await source.db.all<{ n: number }>(`select count(*)::integer as n from glob(${literal(glob)})`)) as [{ n: number }];
  return { glob, any: n > 0 };
}

function readParquet(glob: string, partitions: string[]): string {
  const types = partitions.map((p) => `'${p}': '${p === 'year' ? 'INTEGER' : 'VARCHAR'}'`).join(', ');
  return `read_parquet(${literal(glob)}, hive_partitioning = true, union_by_name = true, hive_types = {${types}})`;
}

/**
 * The ledger: every force's files renumbered into one sequence (by load time, then force and its
 * own number), with a map from (force, its load number) to the hub's, and the warnings under it.
 */
async function loadLedger(source: Source): Promise<void> {
  const { db, given } = source;
  const files = await filesOf(source, `${LEDGER_DIR}/ingested_files`);
  if (!files.any) throw new UsageError(`${given} has no ledger of the files loaded (${LEDGER_DIR}/ingested_files); export each force into it again with this version's boardpack export --parquet.`);
  await db.run(LEDGER_DDL);
  await db.run(`create table hub_loads as
    select row_number() over (order by loaded_at, force, load_id)::integer as hub_load_id, load_id as local_load_id, p.* exclude (load_id)
    from ${readParquet(files.glob, ['force'])} as p`);
  try {
    await db.run('insert into ingested_files by name select * exclude (hub_load_id, local_load_id), hub_load_id as load_id from hub_loads');
  } catch (error) {
    throw new WorkError(`The ledger in ${given} cannot be read as one (${firstLine(error)}); export each force into it again with boardpack export --parquet.`);
  }
  const warnings = await filesOf(source, `${LEDGER_DIR}/data_quality_warnings`);
  if (!warnings.any) return;
  // The force comes from the partition; kept where the table has a column for it.
  const [{ hasForce }] = (await db.all<{ hasForce: boolean }>(`select count(*) > 0 as "hasForce" from information_schema.columns where table_name = 'data_quality_warnings' and column_name = 'force'`)) as [{ hasForce: boolean }];
  await db.run(`insert into data_quality_warnings by name
    select p.* exclude (load_id${hasForce ? '' : ', force'}), loads.hub_load_id as load_id
    from ${readParquet(warnings.glob, ['force'])} as p
    join hub_loads as loads on loads.force = p.force and loads.local_load_id = p.load_id`);
}

/** The contract's columns in a force's database order, each from the Parquet where it has it, else null. */
async function columnList(db: Db, contracts: Contracts, dataset: string, from: string | null): Promise<string[]> {
  const present = from ? new Set((await db.all<{ name: string }>(`select column_name as name from (describe select * from ${from})`)).map((r) => r.name)) : new Set<string>();
  return datasetColumns(contracts.datasets[dataset as keyof Contracts['datasets']]).map((c) => (present.has(c.name) ? `cast(p.${ident(c.name)} as ${c.type}) as ${ident(c.name)}` : `null::${c.type} as ${ident(c.name)}`));
}

/** The rows a table's export recorded (an empty table writes no file, so no files is right for it). */
function rowsRecorded(marker: ExportMarker, table: string): number {
  return marker.exports.flatMap((e) => e.tables).reduce((sum, t) => sum + (t.table === table ? t.rows : 0), 0);
}

/**
 * A curated table, read once from every force's files into the scratch database: the ~170 queries
 * of a pack then scan DuckDB's own storage, not the Parquet again each (3-10 times slower measured).
 */
async function loadTable(source: Source, contracts: Contracts, table: string, date: string | null): Promise<void> {
  const { db, given } = source;
  const files = await filesOf(source, table);
  if (!files.any) {
    const rows = rowsRecorded(source.marker, table);
    if (rows > 0) throw new WorkError(`${given} holds no Parquet files for ${table}, though its exports wrote ${rows} rows there; copy the export again (${table}/ is missing its files).`);
  }
  const from = files.any ? readParquet(files.glob, date ? ['force', 'year'] : ['force']) : null;
  const columns = await columnList(db, contracts, table, from);
  if (!from) {
    await db.run(`create table ${ident(table)} as select null::varchar as force, ${columns.join(', ')}, null::integer as _load_id, null::varchar as _file_sha256, null::bigint as _line where false`);
    return;
  }
  await db.run(`create table ${ident(table)} as
    select p.force, ${columns.join(', ')}, loads.load_id as _load_id, p._file_sha256, p._line
    from ${from} as p
    left join ingested_files as loads on loads.force = p.force and loads.sha256 = p._file_sha256`);
  // Every row's file must be in the ledger: its load dates a version, and the pack lists the file.
  const [{ n }] = (await db.all<{ n: number }>(`select count(*)::integer as n from ${ident(table)} where _load_id is null`)) as [{ n: number }];
  if (n > 0) throw new WorkError(`${n} ${table} rows in ${given} come from files its ledger does not list; export their force into it again with boardpack export --parquet.`);
}

async function loadHistory(source: Source, contracts: Contracts, dataset: string): Promise<void> {
  const { db } = source;
  const name = ident(`${dataset}_history`);
  const files = await filesOf(source, `${HISTORY_DIR}/${dataset}`);
  const from = files.any ? readParquet(files.glob, ['force']) : null;
  const columns = await columnList(db, contracts, dataset, from);
  if (!from) {
    await db.run(`create table ${name} as select null::varchar as force, ${columns.join(', ')}, null::integer as _load_id, null::varchar as _file_sha256, null::bigint as _line, null::integer as _replaced_by_load_id where false`);
    return;
  }
  await db.run(`create table ${name} as
    select p.force, ${columns.join(', ')}, loaded.hub_load_id as _load_id, p._file_sha256, p._line, replaced.hub_load_id as _replaced_by_load_id
    from ${from} as p
    left join hub_loads as loaded on loaded.force = p.force and loaded.local_load_id = p._load_id
    left join hub_loads as replaced on replaced.force = p.force and replaced.local_load_id = p._replaced_by_load_id`);
}

function firstLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0]!.replace(/\.$/, '');
}
