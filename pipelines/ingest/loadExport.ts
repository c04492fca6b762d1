import type { Db } from '../lib/db.ts';
import { ident, literal } from '../lib/db.ts';
import { FileRejected } from '../lib/errors.ts';
import { compileChecks, type CompiledChecks } from './compileChecks.ts';
import type { Contract, ReferenceData } from './contracts.ts';
import type { HeaderMapping } from './headers.ts';
import type { NormalizedExport } from './normalizeFile.ts';

/**
 * Stage two of ingest: DuckDB reads the normalised records, types and checks
 * them with the compiled contract, and the accepted rows are written, all of the
 * file's rows or none, in one transaction.
 */

export interface QuarantineEntry {
  line: number;
  field: string | null;
  raw_value: string | null;
  reason: string;
  detail?: string | null;
}

export interface LoadCounts {
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  rows_excluded: number;
  rows_duplicate: number;
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
  /** Called after staging succeeds and before the transaction commits (archive the original here). */
  beforeCommit?: () => void;
}

const SAMPLE_SIZE = 10;

export async function loadExport(db: Db, file: NormalizedExport, mapping: HeaderMapping, contract: Contract, reference: ReferenceData, context: LoadContext): Promise<LoadCounts> {
  const width = file.headers.length;
  await stageRecords(db, file, width);
  const compiled = compileChecks({ contract, columns: mapping.columns, width, reference, loadDate: context.loadDate });
  try {
    await db.run(compiled.sql);
    const counts = await countDispositions(db, file, compiled, contract);
    const quarantined = counts.rows_quarantined;
    if (counts.rows_read === 0) {
      throw new FileRejected(`${file.fileName} has a header but no data rows; nothing was loaded: check the export is not empty.`, contract.dataset);
    }
    if (quarantined / counts.rows_read > context.maxQuarantineShare) {
      const sample = (await quarantineEntries(db, file, compiled, contract, SAMPLE_SIZE)).map(describeEntry).join('; ');
      throw new FileRejected(
        `${file.fileName} was rejected as probably mis-mapped: ${quarantined} of ${counts.rows_read} rows (${percent(quarantined / counts.rows_read)}) failed checks, more than the ${percent(context.maxQuarantineShare)} allowed, and nothing was loaded; fix the export or its column mapping (first problems: ${sample}).`,
        contract.dataset,
      );
    }
    counts.warnings = await unknownValueWarnings(db, compiled);
    await db.transaction(async () => {
      const [{ load_id }] = (await db.all<{ load_id: number }>(`select nextval('load_id_seq')::integer as load_id`)) as [{ load_id: number }];
      counts.keys_replaced = await writeRows(db, contract, compiled, context, load_id, file);
      await writeLedger(db, file, mapping, counts, context, load_id);
      await writeQuarantine(db, file, compiled, contract, load_id);
      for (const w of counts.warnings) {
        await db.run('insert into data_quality_warnings values ($1, $2, $3, $4, $5, $6)', [load_id, contract.dataset, w.field, w.kind, w.raw_value, w.rows]);
      }
      context.beforeCommit?.();
    });
    return counts;
  } finally {
    await db.run('drop table if exists raw_rows; drop table if exists checked');
  }
}

async function stageRecords(db: Db, file: NormalizedExport, width: number): Promise<void> {
  const columns = [`'__line': 'BIGINT'`, ...Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`)].join(', ');
  try {
    await db.run(`create or replace temp table raw_rows as
      select * from read_csv(${literal(file.normalizedPath)}, auto_detect = false, header = false,
        delim = ${literal(file.delimiter)}, quote = '"', escape = '"', new_line = '\\n', columns = {${columns}})`);
  } catch (error) {
    // The scanner decided every record's shape, so DuckDB disagreeing is a bug, reported plainly.
    throw new FileRejected(`${file.fileName} could not be read consistently (${(error as Error).message.split('\n')[0]}); nothing was loaded: please report this with the file.`);
  }
}

async function countDispositions(db: Db, file: NormalizedExport, compiled: CompiledChecks, contract: Contract): Promise<LoadCounts> {
  const rows = await db.all<{ disposition: string; n: number }>(`select __disposition as disposition, count(*)::integer as n from checked group by 1`);
  const n = (d: string) => rows.find((r) => r.disposition === d)?.n ?? 0;
  const reasons = await db.all<{ reason: string; n: number }>(
    `select reason, count(*)::integer as n from (${quarantineSql(compiled, contract)}) group by 1 order by 1`,
  );
  const counts: LoadCounts = {
    rows_read: n('ok') + n('quarantined') + n('conflict') + n('excluded') + n('duplicate') + file.malformed.length,
    rows_loaded: n('ok'),
    rows_quarantined: n('quarantined') + n('conflict') + file.malformed.length,
    rows_excluded: n('excluded'),
    rows_duplicate: n('duplicate'),
    rows_blank: n('blank') + file.blankRows,
    keys_replaced: 0,
    quarantine_by_reason: {},
    warnings: [],
  };
  for (const r of reasons) if (r.n > 0) counts.quarantine_by_reason[r.reason] = r.n;
  for (const m of file.malformed) counts.quarantine_by_reason[m.reason] = (counts.quarantine_by_reason[m.reason] ?? 0) + 1;
  return counts;
}

/** One row per failed check of a quarantined row (a row can fail several), plus key conflicts. */
function quarantineSql(compiled: CompiledChecks, contract: Contract): string {
  const structs = compiled.checks
    .map((c) => `{'field': ${literal(c.field)}, 'raw': ${ident(c.raw)}, 'reason': ${ident(c.column)}}`)
    .join(', ');
  const key = ident(`r_${contract.key}`);
  return `select __line as line, e.field as field, e.raw as raw_value, e.reason as reason
    from (select __line, unnest([${structs}]) as e from checked where __disposition = 'quarantined')
    where e.reason is not null
    union all
    select __line, ${literal(contract.key)}, ${key}, 'duplicate_key' from checked where __disposition = 'conflict'`;
}

export async function quarantineEntries(db: Db, file: NormalizedExport, compiled: CompiledChecks, contract: Contract, limit: number): Promise<QuarantineEntry[]> {
  const fromSql = await db.all<{ line: bigint; field: string; raw_value: string | null; reason: string }>(`${quarantineSql(compiled, contract)} order by 1 limit ${limit}`);
  const entries: QuarantineEntry[] = [
    ...fromSql.map((r) => ({ line: Number(r.line), field: r.field, raw_value: r.raw_value, reason: r.reason })),
    ...file.malformed.map((m) => ({ line: m.line, field: null, raw_value: null, reason: m.reason, detail: m.detail })),
  ];
  return entries.sort((a, b) => a.line - b.line).slice(0, limit);
}

function describeEntry(e: QuarantineEntry): string {
  return `line ${e.line} ${e.field ?? 'row'} ${e.reason}${e.raw_value !== null && e.raw_value !== undefined ? ` "${e.raw_value.slice(0, 40)}"` : ''}`;
}

async function writeQuarantine(db: Db, file: NormalizedExport, compiled: CompiledChecks, contract: Contract, loadId: number): Promise<void> {
  await db.run(
    `insert into quarantine select $load_id, $file_name, $dataset, line, field, raw_value, reason, null from (${quarantineSql(compiled, contract)})`,
    { load_id: loadId, file_name: file.fileName, dataset: contract.dataset },
  );
  for (let i = 0; i < file.malformed.length; i += 500) {
    const batch = file.malformed.slice(i, i + 500);
    const params = batch.flatMap((m) => [m.line, m.reason, m.detail]);
    const tuples = batch.map((_, j) => `($load_id, $file_name, $dataset, $${3 * j + 1}::bigint, null, null, $${3 * j + 2}, $${3 * j + 3})`);
    // Named and positional parameters cannot mix, so the batch is bound positionally.
    const sql = `insert into quarantine values ${tuples.join(', ')}`
      .replaceAll('$load_id', String(loadId))
      .replaceAll('$file_name', literal(file.fileName))
      .replaceAll('$dataset', literal(contract.dataset));
    await db.run(sql, params);
  }
}

async function unknownValueWarnings(db: Db, compiled: CompiledChecks): Promise<LoadCounts['warnings']> {
  const warnings: LoadCounts['warnings'] = [];
  for (const u of compiled.unknowns) {
    const rows = await db.all<{ raw_value: string; rows: number }>(
      `select ${ident(u.raw)} as raw_value, count(*)::integer as rows from checked where __disposition = 'ok' and ${ident(u.flag)} group by 1 order by 2 desc, 1`,
    );
    for (const r of rows) warnings.push({ field: u.field, kind: 'unknown_value', raw_value: r.raw_value, rows: r.rows });
  }
  return warnings;
}

async function writeRows(db: Db, contract: Contract, compiled: CompiledChecks, context: LoadContext, loadId: number, file: NormalizedExport): Promise<number> {
  const table = ident(contract.dataset);
  const key = ident(contract.key);
  const vKey = ident(`v_${contract.key}`);
  const params = { force: context.force, load_id: loadId, sha: file.sha256 };
  const [{ n }] = (await db.all<{ n: number }>(
    `select count(*)::integer as n from ${table} t where t.force = $force and t.${key} in (select ${vKey} from checked where __disposition = 'ok')`,
    { force: context.force },
  )) as [{ n: number }];
  await db.run(`delete from ${table} where force = $force and ${key} in (select ${vKey} from checked where __disposition = 'ok')`, { force: context.force });
  const values = compiled.valueColumns.map((c) => (c.column ? ident(c.column) : 'null')).join(', ');
  const names = ['force', ...compiled.valueColumns.map((c) => ident(c.field.name)), '_load_id', '_file_sha256', '_line'].join(', ');
  const select = `select $force, ${values}, $load_id, $sha, __line from checked where __disposition = 'ok' order by __line`;
  await db.run(`insert into ${table} (${names}) ${select}`, params);
  await db.run(`insert into ${ident(`${contract.dataset}_history`)} (${names}) ${select}`, params);
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
