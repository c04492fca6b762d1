import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DATASETS, datasetKeys, loadContracts } from '../ingest/contracts.ts';
import { hasLedger } from '../ingest/status.ts';
import type { Db } from '../lib/db.ts';
import { ident, literal } from '../lib/db.ts';
import { UsageError, WorkError } from '../lib/errors.ts';
import { formatCount } from '../lib/text.ts';
import { EXPORT_MARKER, type ExportMarker, type ExportRecord, forceOfFolder, HISTORY_DIR, LEDGER_DIR, PARTITIONS, partitionedFolders } from '../model/parquetLayout.ts';
import { openExistingDb, type CommandContext } from './context.ts';

/**
 * `boardpack export --parquet DIR`: the curated tables (the current version of every
 * record) as Hive-partitioned Parquet, `DIR/<table>/force=<force>/year=<year>/*.parquet`,
 * which DuckDB, Spark, Trino or a lakehouse read unchanged, with the ledger and the
 * replaced versions a pack also reads (model/parquetLayout.ts). The way out of one machine:
 * many forces' exports side by side under one prefix are one regional table, which
 * `build --from-parquet` reads. An earlier export is replaced force by force: the forces this
 * database holds are written afresh, another force's folders are kept. Written to a temp
 * folder beside DIR and renamed into place, so a reader never sees half an export.
 */

export { EXPORT_MARKER, PARTITIONS } from '../model/parquetLayout.ts';

export interface ExportedTable {
  table: string;
  rows: number;
  partitioned_by: string[];
  files: number;
}

export async function runExport(options: { parquet?: string }, ctx: CommandContext): Promise<number> {
  if (options.parquet === undefined) throw new UsageError('Say where to write the tables, e.g. boardpack export --parquet exports/parquet (Parquet is the one format so far).');
  const target = resolve(ctx.cwd, options.parquet);
  checkTarget(target, options.parquet);
  const db = await openExistingDb(ctx.config);
  try {
    if (!(await hasLedger(db))) throw new UsageError(`The database ${ctx.config.db} has nothing loaded yet; run boardpack ingest first.`);
    const keys = datasetKeys(loadContracts(ctx.config));
    const { tables, ledger, history, kept } = await exportParquet(db, target, { now: ctx.clock.now(), keys });
    if (ctx.json) ctx.out(JSON.stringify({ parquet: target, tables, ledger, history, other_forces_kept: kept }, null, 2));
    else {
      const lines = tables.map((t) => `  ${t.table}: ${formatCount(t.rows)} rows, ${t.files} file${t.files === 1 ? '' : 's'}, partitioned by ${t.partitioned_by.join(', ')}`);
      const files = ledger.find((t) => t.table === 'ingested_files')?.rows ?? 0;
      const replaced = history.reduce((sum, t) => sum + t.rows, 0);
      lines.push(`  with the ledger of ${formatCount(files)} file${files === 1 ? '' : 's'} loaded and ${formatCount(replaced)} replaced version${replaced === 1 ? '' : 's'}, for build --from-parquet`);
      if (kept.length) lines.push(`  other forces' tables kept: ${kept.join(', ')}`);
      ctx.out([`Parquet written: ${target}`, ...lines].join('\n'));
    }
    return 0;
  } finally {
    db.close();
  }
}

/** The folder must be new, empty, or an earlier export: anything else is not ours to replace. */
function checkTarget(target: string, given: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new UsageError(`${given} is a file; pass a folder for the Parquet tables.`);
  const entries = readdirSync(target);
  if (entries.length > 0 && !entries.includes(EXPORT_MARKER)) {
    throw new UsageError(`${given} already holds files that are not a boardpack export; pass a new or empty folder.`);
  }
}

export interface ExportedParquet {
  tables: ExportedTable[];
  ledger: ExportedTable[];
  history: ExportedTable[];
  /** Forces whose folders an earlier export left in DIR, kept as they were. */
  kept: string[];
}

export async function exportParquet(db: Db, target: string, options: { now: Date; keys: Record<string, string> }): Promise<ExportedParquet> {
  const temp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  try {
    mkdirSync(temp, { recursive: true });
  } catch (error) {
    throw new UsageError(`Cannot write the folder ${dirname(target)} (${(error as NodeJS.ErrnoException).code}); pass a writable folder.`);
  }
  let moved: { from: string; to: string }[] = [];
  try {
    const forces = (await db.all<{ force: string }>('select distinct force from ingested_files order by force')).map((r) => r.force);
    const tables: ExportedTable[] = [];
    for (const { table, date } of PARTITIONS) tables.push(await writeTable(db, table, date, options.keys[table]!, temp));
    const ledger = await writeLedger(db, temp);
    const history: ExportedTable[] = [];
    for (const dataset of DATASETS) history.push(await writeHistory(db, dataset, options.keys[dataset]!, temp));
    // Another force's folders in an earlier export are moved into the new one, so forces share DIR.
    moved = keepOtherForces(target, temp, forces);
    const record: ExportRecord = { written_at: options.now.toISOString(), database: db.path, forces, tables };
    writeFileSync(join(temp, EXPORT_MARKER), `${JSON.stringify(mergeMarker(target, record), null, 2)}\n`);
    replaceFolder(temp, target);
    return { tables, ledger, history, kept: [...new Set(moved.map((m) => forceOfFolder(basename(m.to))!))].sort() };
  } catch (error) {
    for (const { from, to } of moved.reverse()) if (existsSync(to)) renameSync(to, from);
    rmSync(temp, { recursive: true, force: true });
    if (error instanceof UsageError || error instanceof WorkError) throw error;
    const reason = ((error as Error).message ?? String(error)).split('\n')[0]!.replace(/\.$/, '');
    throw new WorkError(`The Parquet export failed (${reason}); ${basename(target)} was left as it was.`);
  }
}

async function writeTable(db: Db, table: string, date: string | null, key: string, temp: string): Promise<ExportedTable> {
  const partitions = date ? ['force', 'year'] : ['force'];
  const year = date ? `, year(${ident(date)}) as year` : '';
  // Ordered, so the same data writes the same rows in the same order; _load_id is internal to this database.
  return copyPartitioned(db, `select * exclude (_load_id)${year} from ${ident(table)} order by force, ${ident(key)}`, table, partitions, join(temp, table));
}

/**
 * The ledger a pack reads: the files loaded (a pack lists them and its snapshot is made of
 * them) and the unknown values ingest warned of, each under its force. Load numbers stay
 * this database's: a hub renumbers every force's loads into one sequence.
 */
async function writeLedger(db: Db, temp: string): Promise<ExportedTable[]> {
  const dir = (t: string) => join(temp, LEDGER_DIR, t);
  // Partitioned by the force of the file warned of (the table may one day carry its own).
  const force = (await hasColumn(db, 'data_quality_warnings', 'force')) ? '' : ', files.force';
  return [
    await copyPartitioned(db, 'select * from ingested_files order by load_id', 'ingested_files', ['force'], dir('ingested_files')),
    await copyPartitioned(
      db,
      `select warnings.*${force} from data_quality_warnings as warnings join ingested_files as files on files.load_id = warnings.load_id
       order by all`,
      'data_quality_warnings',
      ['force'],
      dir('data_quality_warnings'),
    ),
  ];
}

async function hasColumn(db: Db, table: string, column: string): Promise<boolean> {
  return (await db.all('select 1 from information_schema.columns where table_name = $1 and column_name = $2', [table, column])).length > 0;
}

/** The versions a later export replaced (the action tracker's earlier states feed its figures). */
async function writeHistory(db: Db, dataset: string, key: string, temp: string): Promise<ExportedTable> {
  const sql = `select * from ${ident(`${dataset}_history`)} order by force, ${ident(key)}, _load_id`;
  return copyPartitioned(db, sql, dataset, ['force'], join(temp, HISTORY_DIR, dataset));
}

async function copyPartitioned(db: Db, sql: string, table: string, partitions: string[], dir: string): Promise<ExportedTable> {
  mkdirSync(dirname(dir), { recursive: true });
  const [{ n }] = (await db.all<{ n: number }>(`select count(*)::integer as n from (${sql})`)) as [{ n: number }];
  // An empty table writes no file (DuckDB would write one empty file per partition it cannot name).
  if (n > 0) await db.run(`copy (${sql}) to ${literal(dir)} (format parquet, partition_by (${partitions.join(', ')}))`);
  // Its folder is still there, so the layout is the same.
  mkdirSync(dir, { recursive: true });
  return { table, rows: n, partitioned_by: partitions, files: countFiles(dir) };
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;
}

/** Moves every `force=` folder of a force this export does not hold from the old export into the new one. */
function keepOtherForces(target: string, temp: string, forces: string[]): { from: string; to: string }[] {
  const moved: { from: string; to: string }[] = [];
  if (!existsSync(join(target, EXPORT_MARKER))) return moved;
  for (const folder of partitionedFolders()) {
    const old = join(target, folder);
    if (!existsSync(old)) continue;
    for (const name of readdirSync(old)) {
      const force = forceOfFolder(name);
      if (force === null || forces.includes(force)) continue;
      const to = join(temp, folder, name);
      mkdirSync(dirname(to), { recursive: true });
      renameSync(join(old, name), to);
      moved.push({ from: join(old, name), to });
    }
  }
  return moved;
}

/** The marker lists every export in the folder: those of the other forces kept, then this one. */
function mergeMarker(target: string, record: ExportRecord): ExportMarker {
  let earlier: ExportRecord[] = [];
  try {
    const marker = JSON.parse(readFileSync(join(target, EXPORT_MARKER), 'utf8')) as Partial<ExportMarker>;
    earlier = Array.isArray(marker.exports) ? marker.exports : [];
  } catch {
    // No earlier export, or one written before exports were listed: nothing to carry over.
  }
  const others = earlier.filter((e) => !e.forces.some((f) => record.forces.includes(f)));
  return { format: 'boardpack-parquet', exports: [...others, record] };
}

/** Renames the new folder into place; an earlier export is moved aside first and then removed. */
function replaceFolder(temp: string, target: string): void {
  const old = `${temp}.old`;
  const hadOld = existsSync(target);
  if (hadOld) renameSync(target, old);
  try {
    renameSync(temp, target);
  } catch (error) {
    if (hadOld) renameSync(old, target);
    throw error;
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
