import { ident, literal } from '../lib/db.ts';
import type { Contract, FieldSpec, ReferenceData, RowRule } from './contracts.ts';
import type { MappedColumn } from './headers.ts';

/**
 * Compiles a dataset contract into the SQL that types and checks every staged
 * row inside DuckDB: one expression per field for its value (`v_`), one for its
 * error reason (`e_`), plus the row rules. The contract is data; this is its compiler.
 */

export interface CheckColumn {
  /** Column holding the reason code, or null when the check passes. */
  column: string;
  field: string;
  /** Column holding the trimmed raw text shown in quarantine. */
  raw: string;
}

export interface CompiledChecks {
  /** `create temp table checked as ...` over `raw_rows`. */
  sql: string;
  checks: CheckColumn[];
  /** Optional enums whose unknown values became `Unknown`: [field, raw column, flag column]. */
  unknowns: { field: string; raw: string; flag: string }[];
  /** Output column (v_...) per contract field, null where the export lacks the column. */
  valueColumns: { field: FieldSpec; column: string | null }[];
}

const DATE_FORMATS = ['%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%d %b %Y', '%d-%b-%Y', '%d %B %Y', '%d-%B-%Y'];
// A trailing time (hh:mm, hh:mm:ss, or ISO T... with optional fraction and zone) is allowed and dropped.
const TIME_SUFFIX = String.raw`^(.*?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$`;
const MONEY = String.raw`(-\s*£?|£\s*-?)?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?`;
const INTEGER = String.raw`[+-]?(\d{1,3}(,\d{3})+|\d{1,9})`;
const DECIMAL = String.raw`[+-]?(\d+(\.\d*)?|\.\d+)`;
// Excel's non-breaking space counts as white space.
const TRIM = `' \t\r\n\u00a0'`;

export const SQL_TYPES: Record<FieldSpec['type'], string> = {
  text: 'varchar',
  date: 'date',
  code: 'varchar',
  enum: 'varchar',
  money: 'decimal(18,2)',
  integer: 'integer',
  decimal: 'decimal(12,4)',
  boolean: 'boolean',
  list: 'varchar[]',
};

export function compileChecks(input: {
  contract: Contract;
  columns: MappedColumn[];
  width: number;
  reference: ReferenceData;
  loadDate: string;
}): CompiledChecks {
  const { contract, columns, width, reference } = input;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.loadDate)) throw new Error(`bad load date ${input.loadDate}`);
  const raws: string[] = [];
  const values: string[] = [];
  const errors: string[] = [];
  const checks: CheckColumn[] = [];
  const unknowns: CompiledChecks['unknowns'] = [];
  const valueColumns: CompiledChecks['valueColumns'] = [];
  let excluded = 'false';

  for (const field of contract.fields) {
    const mapped = columns.find((c) => c.field === field.name);
    if (!mapped) {
      valueColumns.push({ field, column: null });
      continue;
    }
    const r = ident(`r_${field.name}`);
    const v = ident(`v_${field.name}`);
    const e = `e_${field.name}`;
    raws.push(`nullif(trim(${ident(`c${mapped.index}`)}, ${TRIM}), '') as ${r}`);
    const compiled = compileField(field, r, reference);
    values.push(`${compiled.value} as ${v}`);
    const whens = [
      field.required ? `when ${r} is null then 'missing_value'` : null,
      compiled.error ? `when ${r} is not null and (${compiled.error.when}) then ${compiled.error.reason}` : null,
      compiled.range ? `when ${compiled.range} then 'out_of_range'` : null,
    ].filter((w) => w !== null);
    if (whens.length > 0) {
      errors.push(`case ${whens.join(' ')} end as ${ident(e)}`);
      checks.push({ column: e, field: field.name, raw: `r_${field.name}` });
    }
    if (compiled.unknown) {
      const flag = `u_${field.name}`;
      errors.push(`(${compiled.unknown}) as ${ident(flag)}`);
      unknowns.push({ field: field.name, raw: `r_${field.name}`, flag });
    }
    if (compiled.outOfScope) excluded = compiled.outOfScope;
    valueColumns.push({ field, column: `v_${field.name}` });
  }

  contract.rules.forEach((rule, i) => {
    const sql = compileRule(rule, input.loadDate, columns);
    if (!sql) return;
    const column = `e_rule_${i}`;
    errors.push(`${sql} as ${ident(column)}`);
    checks.push({ column, field: rule.field, raw: `r_${rule.field}` });
  });

  const allRaw = Array.from({ length: width }, (_, i) => ident(`c${i}`));
  const blank = allRaw.map((c) => `coalesce(trim(${c}, ${TRIM}), '') = ''`).join(' and ');
  const anyError = checks.map((c) => `${ident(c.column)} is not null`).join(' or ') || 'false';
  const key = ident(`v_${contract.key}`);

  const sql = `create or replace temp table checked as
with raw as (
  select __line, ${allRaw.join(', ')},
    ${blank} as __blank,
    row_number() over (partition by ${allRaw.join(', ')} order by __line) > 1 as __duplicate,
    ${raws.join(',\n    ')}
  from raw_rows
),
typed as (
  select *,
    ${values.join(',\n    ')}
  from raw
),
checked as (
  select *,
    ${errors.join(',\n    ')}
  from typed
),
disposed as (
  select *,
    case
      when __blank then 'blank'
      when __duplicate then 'duplicate'
      when ${excluded} then 'excluded'
      when ${anyError} then 'quarantined'
      else 'ok'
    end as __disposition
  from checked
),
final as (
  select * replace (
    case when __disposition = 'ok'
      and row_number() over (partition by __disposition = 'ok', ${key} order by __line) > 1
      then 'conflict' else __disposition end as __disposition)
  from disposed
)
select * from final`;
  return { sql, checks, unknowns, valueColumns };
}

interface CompiledField {
  value: string;
  /** `when` and `reason` are SQL expressions; `when` is only asked of non-blank values. */
  error?: { when: string; reason: string };
  range?: string;
  unknown?: string;
  outOfScope?: string;
}

function compileField(field: FieldSpec, r: string, reference: ReferenceData): CompiledField {
  switch (field.type) {
    case 'text':
      return { value: r };
    case 'date': {
      const dateOnly = `case when strpos(${r}, ':') = 0 then ${r} else regexp_extract(${r}, '${TIME_SUFFIX}', 1) end`;
      const parsed = `try_strptime(${dateOnly}, [${DATE_FORMATS.map(literal).join(', ')}])::date`;
      // Two-digit years parse as year 25 AD, so only years 1900-2199 count as dates.
      return {
        value: `case when year(${parsed}) between 1900 and 2199 then ${parsed} end`,
        error: { when: `${ident(`v_${field.name}`)} is null`, reason: `'invalid_date'` },
      };
    }
    case 'money': {
      const ok = `regexp_full_match(${r}, '${MONEY}')`;
      const number = `try_cast(regexp_replace(${r}, '[£,\\s]', '', 'g') as decimal(18,2))`;
      return {
        value: `case when ${ok} and ${number} >= 0 then ${number} end`,
        error: { when: `not ${ok} or ${number} < 0`, reason: `case when ${ok} then 'negative_amount' else 'invalid_amount' end` },
      };
    }
    case 'integer': {
      const ok = `regexp_full_match(${r}, '${INTEGER}')`;
      return numeric(field, r, `case when ${ok} then try_cast(replace(${r}, ',', '') as bigint) end`, 'invalid_integer');
    }
    case 'decimal': {
      const ok = `regexp_full_match(${r}, '${DECIMAL}')`;
      return numeric(field, r, `case when ${ok} then try_cast(${r} as decimal(12,4)) end`, 'invalid_number');
    }
    case 'boolean':
      return {
        value: `case lower(${r}) when 'yes' then true when 'y' then true when 'true' then true when '1' then true when 'no' then false when 'n' then false when 'false' then false when '0' then false end`,
        error: { when: `${ident(`v_${field.name}`)} is null`, reason: `'invalid_boolean'` },
      };
    case 'list':
      return { value: `nullif(list_filter(list_transform(string_split(${r}, ';'), x -> trim(x, ${TRIM})), x -> x <> ''), [])` };
    case 'code': {
      const key = `upper(replace(${r}, ' ', ''))`;
      const codes = reference.nfibCodes.map((c) => literal(c.code)).join(', ');
      return { value: `case when ${key} in (${codes}) then ${key} end`, outOfScope: `(r_${field.name} is not null and ${ident(`v_${field.name}`)} is null)` };
    }
    case 'enum': {
      const key = `lower(replace(${r}, ' ', ''))`;
      const whens = (field.values ?? []).map((v) => `when ${literal(v.toLowerCase().replaceAll(' ', ''))} then ${literal(v)}`).join(' ');
      const matched = `case ${key} ${whens} end`;
      if (field.required) return { value: matched, error: { when: `${ident(`v_${field.name}`)} is null`, reason: `'invalid_value'` } };
      // An optional enum's unknown value becomes Unknown and is counted as a data-quality warning.
      return { value: `case when ${r} is null then null else coalesce(${matched}, 'Unknown') end`, unknown: `${r} is not null and ${matched} is null` };
    }
  }
}

function numeric(field: FieldSpec, r: string, value: string, reason: string): CompiledField {
  const v = ident(`v_${field.name}`);
  const bounds: string[] = [];
  if (field.min !== undefined) bounds.push(`${v} < ${field.min}`);
  if (field.min_exclusive !== undefined) bounds.push(`${v} <= ${field.min_exclusive}`);
  if (field.max !== undefined) bounds.push(`${v} > ${field.max}`);
  return { value, error: { when: `${v} is null`, reason: literal(reason) }, range: bounds.length ? bounds.join(' or ') : undefined };
}

function compileRule(rule: RowRule, loadDate: string, columns: MappedColumn[]): string | null {
  const has = (f: string) => columns.some((c) => c.field === f);
  const v = (f: string) => ident(`v_${f}`);
  switch (rule.check) {
    case 'not_before':
      if (!has(rule.field) || !has(rule.other)) return null;
      return `case when ${v(rule.field)} < ${v(rule.other)} then ${literal(rule.reason)} end`;
    case 'not_after_load_date':
      if (!has(rule.field)) return null;
      return `case when ${v(rule.field)} > date '${loadDate}' then ${literal(rule.reason)} end`;
    case 'required_when':
      if (!has(rule.when.field)) return null;
      if (!has(rule.field)) return `case when ${v(rule.when.field)} = ${literal(rule.when.equals)} then ${literal(rule.reason)} end`;
      return `case when ${v(rule.when.field)} = ${literal(rule.when.equals)} and ${v(rule.field)} is null then ${literal(rule.reason)} end`;
  }
}
