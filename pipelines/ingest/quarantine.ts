import type { Db } from '../lib/db.ts';
import { ident, literal } from '../lib/db.ts';
import type { CompiledChecks } from './compileChecks.ts';
import type { Contract } from './contracts.ts';
import type { NormalizedExport } from './normalizeFile.ts';
import type { MalformedRecord } from './scanRecords.ts';
import { quoteForMessage } from './messages.ts';

/**
 * Quarantine: the rows a file could not load, one entry per failed check, with the
 * physical line, field, raw value and reason, so an analyst can fix them at source.
 */

export interface QuarantineEntry {
  line: number;
  field: string | null;
  raw_value: string | null;
  reason: string;
  detail?: string | null;
}

/** One row per failed check of a quarantined row (a row can fail several), plus key conflicts. */
export function quarantineSql(compiled: CompiledChecks, contract: Contract): string {
  return `select __line as line, e.field as field, e.raw as raw_value, e.reason as reason
    from (select __line, unnest(__errors) as e from checked where __disposition = 'quarantined')
    union all
    select __line, ${literal(contract.key)}, ${ident(compiled.key)}, 'duplicate_key' from checked where __disposition = 'conflict'`;
}

export async function quarantineEntries(db: Db, compiled: CompiledChecks, contract: Contract, malformed: MalformedRecord[], limit: number): Promise<QuarantineEntry[]> {
  const fromSql = await db.all<{ line: bigint; field: string; raw_value: string | null; reason: string }>(`${quarantineSql(compiled, contract)} order by 1 limit ${limit}`);
  const entries: QuarantineEntry[] = [
    ...fromSql.map((r) => ({ line: Number(r.line), field: r.field, raw_value: r.raw_value, reason: r.reason })),
    ...malformed.map((m) => ({ line: m.line, field: null, raw_value: null, reason: m.reason, detail: m.detail })),
  ];
  return entries.sort((a, b) => a.line - b.line).slice(0, limit);
}

export function describeEntry(e: QuarantineEntry): string {
  return `line ${e.line} ${e.field ?? 'row'} ${e.reason}${e.raw_value !== null && e.raw_value !== undefined ? ` ${quoteForMessage(e.raw_value)}` : ''}`;
}

export async function writeQuarantine(db: Db, file: NormalizedExport, compiled: CompiledChecks, contract: Contract, malformed: MalformedRecord[], loadId: number): Promise<void> {
  await db.run(`insert into quarantine select $load_id, $file_name, $dataset, line, field, raw_value, reason, null from (${quarantineSql(compiled, contract)})`, {
    load_id: loadId,
    file_name: file.fileName,
    dataset: contract.dataset,
  });
  for (let i = 0; i < malformed.length; i += 500) {
    const batch = malformed.slice(i, i + 500);
    const tuples = batch.map((_, j) => `(${loadId}, ${literal(file.fileName)}, ${literal(contract.dataset)}, $${3 * j + 1}::bigint, null, null, $${3 * j + 2}, $${3 * j + 3})`);
    await db.run(
      `insert into quarantine values ${tuples.join(', ')}`,
      batch.flatMap((m) => [m.line, m.reason, m.detail]),
    );
  }
}
