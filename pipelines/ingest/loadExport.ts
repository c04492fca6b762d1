import type { Db } from '../lib/db.ts';
import { ident, literal } from '../lib/db.ts';
import { FileRejected } from '../lib/errors.ts';
import { compileChecks, type CompiledChecks } from './compileChecks.ts';
import type { Contract, ReferenceData } from './contracts.ts';
import type { HeaderMapping } from './headers.ts';
import type { NormalizedExport } from './normalizeFile.ts';
import type { MalformedRecord } from './scanRecords.ts';
import { describeEntry, quarantineEntries, quarantineSql, writeQuarantine } from './quarantine.ts';
import { parseRecords } from './dialect.ts';
import type { RowCounts } from './status.ts';
import { datasetColumns } from './schema.ts';

/**
 * Stage two of ingest: DuckDB reads the normalised records and types and checks
 * them with the compiled contract in one pass; duplicates and key conflicts are
 * marked; the accepted rows are written, all of the file's rows or none, in one
 * transaction.
 */

export interface LoadCounts extends RowCounts {
  rows_blank: number;
  keys_replaced: number;
  quarantine_by_reason: Record<string, number>;
  warnings: { field: string; kind: string; raw_value: string; rows: number }[];
}

export interface LoadContext {
  force: string;
  /** Europe/London calendar date of the load; reported dates after it are errors. */
  loadDate: string;
  loadedAt: Date;
  maxQuarantineShare: number;
  archivePath: string;
  /** Called after the rows are written and before the transaction commits (archive the export here). */
  beforeCommit?: (malformed: MalformedRecord[]) => void | Promise<void>;
  /** Receives each stage's duration, for logs and benchmarks. */
  onStage?: (stage: string, ms: number) => void;
}

const SAMPLE_SIZE = 10;

export async function loadExport(db: Db, file: NormalizedExport, mapping: HeaderMapping, contract: Contract, reference: ReferenceData, context: LoadContext): Promise<LoadCounts> {
  let mark = performance.now();
  const stage = (name: string) => {
    const now = performance.now();
    context.onStage?.(name, now - mark);
    mark = now;
  };
  const width = file.headers.length;
  const compile = (withRejects: boolean) => compileChecks({ contract, columns: mapping.columns, width, reference, loadDate: context.loadDate, source: readSource(file, width, withRejects) });
  let compiled = compile(false);
  try {
    // The fast read expects every record to have the header's field count; if one does not,
    // DuckDB stops, and the file is read again keeping the refused records aside.
    let malformed = file.malformed;
    if (!(await tryRun(db, compiled.sql)) || (await countChecked(db)) !== file.recordsWritten) {
      compiled = compile(true);
      await db.run('drop table if exists raw_rejects; drop table if exists raw_rejects_scan');
      if (!(await tryRun(db, compiled.sql))) {
        throw new FileRejected(`${file.fileName} could not be read; nothing was loaded: please report this with the file.`, contract.dataset);
      }
      malformed = [...malformed, ...(await rejectedRecords(db, file))];
    }
    stage('read_and_check');
    await markDuplicates(db, compiled);
    stage('duplicates');
    const counts = await countDispositions(db, compiled, contract, malformed);
    const quarantined = counts.rows_quarantined;
    if (counts.rows_read === 0) {
      throw new FileRejected(`${file.fileName} has a header but no data rows; nothing was loaded: check the export is not empty.`, contract.dataset);
    }
    if (quarantined / counts.rows_read > context.maxQuarantineShare) {
      const sample = (await quarantineEntries(db, compiled, contract, malformed, SAMPLE_SIZE)).map(describeEntry).join('; ');
      throw new FileRejected(
        `${file.fileName} was rejected as probably mis-mapped: ${quarantined} of ${counts.rows_read} rows (${percent(quarantined / counts.rows_read)}) failed checks, more than the ${percent(context.maxQuarantineShare)} allowed, and nothing was loaded; fix the export or its column mapping (first problems: ${sample}).`,
        contract.dataset,
      );
    }
    counts.warnings = await unknownValueWarnings(db);
    stage('count');
    await db.transaction(async () => {
      const [{ load_id }] = (await db.all<{ load_id: number }>(`select nextval('load_id_seq')::integer as load_id`)) as [{ load_id: number }];
      counts.keys_replaced = await writeRows(db, contract, compiled, context, load_id, file);
      await writeLedger(db, file, mapping, counts, context, load_id);
      await writeQuarantine(db, file, compiled, contract, malformed, load_id);
      for (const w of counts.warnings) {
        await db.run('insert into data_quality_warnings values ($1, $2, $3, $4, $5, $6)', [load_id, contract.dataset, w.field, w.kind, w.raw_value, w.rows]);
      }
      await context.beforeCommit?.(malformed);
    });
    stage('write');
    return counts;
  } finally {
    await db.run('drop table if exists checked; drop table if exists raw_rejects; drop table if exists raw_rejects_scan');
  }
}

/** read_csv over the normalised file: fixed dialect, every field text; rows with the wrong field count go to raw_rejects. */
function readSource(file: NormalizedExport, width: number, withRejects: boolean): string {
  const columns = [`'__line': 'BIGINT'`, ...Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`)].join(', ');
  const rejects = withRejects ? `, store_rejects = true, rejects_table = 'raw_rejects', rejects_scan = 'raw_rejects_scan'` : '';
  return `read_csv(${literal(file.normalizedPath)}, auto_detect = false, header = false,
    delim = ${literal(file.delimiter)}, quote = '"', escape = '"', new_line = '\\n', columns = {${columns}}${rejects})`;
}

async function tryRun(db: Db, sql: string): Promise<boolean> {
  try {
    await db.run(sql);
    return true;
  } catch {
    return false;
  }
}

async function countChecked(db: Db): Promise<number> {
  const [{ n }] = (await db.all<{ n: number }>('select count(*)::integer as n from checked')) as [{ n: number }];
  return n;
}

/** Records DuckDB refused (a wrong number of fields), found by the line number each record carries first. */
async function rejectedRecords(db: Db, file: NormalizedExport): Promise<MalformedRecord[]> {
  const rows = await db.all<{ line: bigint | null; csv_line: string }>(
    `select try_cast(split_part(csv_line, ${literal(file.delimiter)}, 1) as bigint) as line, min(csv_line) as csv_line
     from raw_rejects group by 1 order by 1`,
  );
  const loaded = await countChecked(db);
  // The scanner decided the records; DuckDB must account for every one of them.
  if (rows.some((r) => r.line === null) || loaded + rows.length !== file.recordsWritten) {
    throw new FileRejected(`${file.fileName} could not be read consistently (${file.recordsWritten} records written, ${loaded + rows.length} read back); nothing was loaded: please report this with the file.`);
  }
  const width = file.headers.length;
  return rows.map((r) => {
    // The record's own text gives the exact count (less the line number the normaliser put first).
    const found = (parseRecords(r.csv_line, file.delimiter, 1)[0]?.fields.length ?? 1) - 1;
    return { line: Number(r.line), reason: 'wrong_field_count' as const, detail: `expected ${width} fields, found ${found}` };
  });
}

/**
 * Exact duplicates (every raw field equal, found by a hash of the whole row and confirmed
 * on every typed value) and key conflicts (the same key again with other values).
 */
async function markDuplicates(db: Db, compiled: CompiledChecks): Promise<void> {
  const values = compiled.valueColumns
    .filter((c) => c.column)
    .map((c) => ident(c.column!))
    .join(', ');
  await db.run(`update checked set __disposition = 'duplicate' where __line in (
    select __line from (
      select __line, row_number() over (partition by __h, ${values} order by __line) as copy
      from checked
      where __disposition <> 'blank' and __h in (select __h from checked where __disposition <> 'blank' group by 1 having count(*) > 1)
    ) where copy > 1)`);
  const key = ident(compiled.key);
  await db.run(`update checked set __disposition = 'conflict' where __line in (
    select __line from (
      select __line, row_number() over (partition by ${key} order by __line) as version
      from checked
      where __disposition = 'ok' and ${key} in (select ${key} from checked where __disposition = 'ok' group by 1 having count(*) > 1)
    ) where version > 1)`);
}

async function countDispositions(db: Db, compiled: CompiledChecks, contract: Contract, malformed: MalformedRecord[]): Promise<LoadCounts> {
  const rows = await db.all<{ disposition: string; n: number }>(`select __disposition as disposition, count(*)::integer as n from checked group by 1`);
  const n = (d: string) => rows.find((r) => r.disposition === d)?.n ?? 0;
  const reasons = await db.all<{ reason: string; n: number }>(`select reason, count(*)::integer as n from (${quarantineSql(compiled, contract)}) group by 1 order by 1`);
  const counts: LoadCounts = {
    rows_read: n('ok') + n('quarantined') + n('conflict') + n('excluded') + n('duplicate') + malformed.length,
    rows_loaded: n('ok'),
    rows_quarantined: n('quarantined') + n('conflict') + malformed.length,
    rows_excluded: n('excluded'),
    rows_duplicate: n('duplicate'),
    rows_blank: n('blank'),
    keys_replaced: 0,
    quarantine_by_reason: {},
    warnings: [],
  };
  for (const m of malformed) counts.quarantine_by_reason[m.reason] = (counts.quarantine_by_reason[m.reason] ?? 0) + 1;
  for (const r of reasons) counts.quarantine_by_reason[r.reason] = (counts.quarantine_by_reason[r.reason] ?? 0) + r.n;
  counts.quarantine_by_reason = Object.fromEntries(Object.entries(counts.quarantine_by_reason).sort(([a], [b]) => a.localeCompare(b)));
  return counts;
}

async function unknownValueWarnings(db: Db): Promise<LoadCounts['warnings']> {
  const rows = await db.all<{ field: string; raw_value: string; rows: number }>(
    `select u.field, u.raw as raw_value, count(*)::integer as rows
     from (select unnest(__unknowns) as u from checked where __disposition = 'ok')
     group by all order by u.field, rows desc, raw_value`,
  );
  return rows.map((r) => ({ field: r.field, kind: 'unknown_value', raw_value: r.raw_value, rows: r.rows }));
}

/**
 * The current table takes the file's rows; a key it already held moves, as it was,
 * to history with the load that replaced it. Returns how many keys were replaced.
 */
async function writeRows(db: Db, contract: Contract, compiled: CompiledChecks, context: LoadContext, loadId: number, file: NormalizedExport): Promise<number> {
  const table = ident(contract.dataset);
  const key = ident(contract.key);
  const incoming = `select ${ident(compiled.key)} from checked where __disposition = 'ok'`;
  const columns = ['force', ...datasetColumns(contract).map((c) => ident(c.name)), '_load_id', '_file_sha256', '_line'].join(', ');
  const history = ident(`${contract.dataset}_history`);
  // A first load of a force's data replaces nothing: skip matching a million keys against an empty table.
  const [{ held }] = (await db.all<{ held: boolean }>(`select exists (select 1 from ${table} where force = $1) as held`, [context.force])) as [{ held: boolean }];
  let n = 0;
  if (held) {
    await db.run(`insert into ${history} (${columns}, _replaced_by_load_id) select ${columns}, $load_id from ${table} where force = $force and ${key} in (${incoming})`, {
      force: context.force,
      load_id: loadId,
    });
    [{ n }] = (await db.all<{ n: number }>(`select count(*)::integer as n from ${history} where _replaced_by_load_id = $1`, [loadId])) as [{ n: number }];
    if (n > 0) await db.run(`delete from ${table} where force = $force and ${key} in (${incoming})`, { force: context.force });
  }
  const values = compiled.valueColumns.map((c) => (c.column ? ident(c.column) : 'null')).join(', ');
  await db.run(`insert into ${table} (${columns}) select $force, ${values}, $load_id, $sha, __line from checked where __disposition = 'ok'`, {
    force: context.force,
    load_id: loadId,
    sha: file.sha256,
  });
  return n;
}

async function writeLedger(db: Db, file: NormalizedExport, mapping: HeaderMapping, counts: LoadCounts, context: LoadContext, loadId: number): Promise<void> {
  await db.run(
    `insert into ingested_files values ($load_id, $sha, $file_name, $dataset, $force, $loaded_at::timestamp, $bytes, $encoding, $delimiter,
      $rows_read, $rows_loaded, $rows_quarantined, $rows_excluded, $rows_duplicate, $rows_blank, $keys_replaced,
      cast(json($dropped) as varchar[]), cast(json($ignored) as varchar[]), $archive)`,
    {
      load_id: loadId,
      sha: file.sha256,
      file_name: file.fileName,
      dataset: mapping.dataset,
      force: context.force,
      loaded_at: context.loadedAt.toISOString().replace('T', ' ').replace('Z', ''),
      bytes: file.bytes,
      encoding: file.encoding,
      delimiter: file.delimiter,
      rows_read: counts.rows_read,
      rows_loaded: counts.rows_loaded,
      rows_quarantined: counts.rows_quarantined,
      rows_excluded: counts.rows_excluded,
      rows_duplicate: counts.rows_duplicate,
      rows_blank: counts.rows_blank,
      keys_replaced: counts.keys_replaced,
      dropped: JSON.stringify(mapping.dropped),
      ignored: JSON.stringify(mapping.ignored),
      archive: context.archivePath,
    },
  );
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1).replace(/\.0$/, '')} %`;
}
