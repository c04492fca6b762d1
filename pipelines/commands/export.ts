import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DATASETS, datasetKeys, loadContracts, RECORD_DATE } from '../ingest/contracts.ts';
import { hasLedger } from '../ingest/status.ts';
import type { Db } from '../lib/db.ts';
import { ident, literal } from '../lib/db.ts';
import { UsageError, WorkError } from '../lib/errors.ts';
import { formatCount } from '../lib/text.ts';
import { openExistingDb, type CommandContext } from './context.ts';

/**
 * `boardpack export --parquet DIR`: the curated tables (the current version of every
 * record) as Hive-partitioned Parquet, `DIR/<table>/force=<force>/year=<year>/*.parquet`,
 * which DuckDB, Spark, Trino or a lakehouse read unchanged. The way out of one machine:
 * many forces' exports side by side under one prefix are one regional table. Written to
 * a temp folder beside DIR and renamed into place, so a reader never sees half an export.
 */

/** Each curated table and the date its `year=` partition comes from (none: `force=` only). */
export const PARTITIONS: { table: string; date: string | null }[] = DATASETS.map((table) => ({ table, date: RECORD_DATE[table] ?? null }));

/** Marks a folder as boardpack's, so a later export may replace it (and nothing else). */
export const EXPORT_MARKER = '_boardpack_export.json';

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
    const tables = await exportParquet(db, target, { now: ctx.clock.now(), keys });
    if (ctx.json) ctx.out(JSON.stringify({ parquet: target, tables }, null, 2));
    else {
      const lines = tables.map((t) => `  ${t.table}: ${formatCount(t.rows)} rows, ${t.files} file${t.files === 1 ? '' : 's'}, partitioned by ${t.partitioned_by.join(', ')}`);
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

export async function exportParquet(db: Db, target: string, options: { now: Date; keys: Record<string, string> }): Promise<ExportedTable[]> {
  const temp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  try {
    mkdirSync(temp, { recursive: true });
  } catch (error) {
    throw new UsageError(`Cannot write the folder ${dirname(target)} (${(error as NodeJS.ErrnoException).code}); pass a writable folder.`);
  }
  try {
    const tables: ExportedTable[] = [];
    for (const { table, date } of PARTITIONS) tables.push(await writeTable(db, table, date, options.keys[table]!, temp));
    writeFileSync(join(temp, EXPORT_MARKER), `${JSON.stringify({ written_at: options.now.toISOString(), database: db.path, tables }, null, 2)}\n`);
    replaceFolder(temp, target);
    return tables;
  } catch (error) {
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
  await db.run(`copy (select * exclude (_load_id)${year} from ${ident(table)} order by force, ${ident(key)})
    to ${literal(join(temp, table))} (format parquet, partition_by (${partitions.join(', ')}))`);
  // An empty table writes no file: its folder is still there, so the layout is the same.
  mkdirSync(join(temp, table), { recursive: true });
  const [{ n }] = (await db.all<{ n: number }>(`select count(*)::integer as n from ${ident(table)}`)) as [{ n: number }];
  return { table, rows: n, partitioned_by: partitions, files: countFiles(join(temp, table)) };
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;
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
