import { ident, literal } from '../lib/db.ts';
import type { Contract, FieldSpec, ReferenceData, RowRule } from './contracts.ts';
import type { MappedColumn } from './headers.ts';

/**
 * Compiles a dataset contract into one SQL statement that reads the normalised
 * records and types and checks every row inside DuckDB, in a single pass: per
 * field a value (`v_`), an error reason (`e_`) and, for failing rows only, the raw
 * text for quarantine (`q_`). The contract is data; this is its compiler.
 *
 * Written for speed at a million rows: raw columns are only trimmed where the type
 * needs it, each value is parsed once with one format chosen by its shape, and raw
 * text is kept only for the rows that fail.
 */

export interface CheckColumn {
  /** Column holding the reason code, or null when the check passes. */
  column: string;
  field: string;
  /** Column holding the trimmed raw text of failing rows, shown in quarantine. */
  raw: string;
}

export interface CompiledChecks {
  /** `create or replace temp table checked as ...` over `source`. */
  sql: string;
  checks: CheckColumn[];
  /** Optional enums whose unknown values became `Unknown`: field and the column holding the raw value. */
  unknowns: { field: string; raw: string }[];
  /** Output column (v_...) per contract field, null where the export lacks the column. */
  valueColumns: { field: FieldSpec; column: string | null }[];
  key: string;
}

// Excel's non-breaking space counts as white space.
const WS = `' \t\r\n\u00a0'`;
// Money as datasets.md: 1234.56, £1,234.56, 1,234 (a sign is allowed so negatives get their own reason).
const MONEY = String.raw`\s*(-\s*£?|£\s*-?)?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?\s*`;
const INTEGER = String.raw`\s*[+-]?(\d{1,3}(,\d{3})+|\d{1,9})\s*`;
const DECIMAL = String.raw`\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*`;
// A trailing time (hh:mm, hh:mm:ss, or ISO T... with optional fraction and zone) is allowed and dropped.
const TIME_SUFFIX = String.raw`^\s*(.*?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$`;

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

interface CompiledField {
  /** Intermediate columns computed first (name -> expression over the raw column). */
  pre?: Record<string, string>;
  value: string;
  /** The reason a non-blank value fails (a SQL expression), given the value is null. */
  invalid?: string;
  /** Extra failing conditions on a parsed value: [condition, reason expression]. */
  bounds?: [string, string][];
  unknown?: string;
  outOfScope?: string;
}

export function compileChecks(input: { contract: Contract; columns: MappedColumn[]; width: number; reference: ReferenceData; loadDate: string; source: string }): CompiledChecks {
  const { contract, columns, width, reference } = input;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.loadDate)) throw new Error(`bad load date ${input.loadDate}`);
  const typed: string[] = [];
  const matched: string[] = [];
  const values: string[] = [];
  const errors: string[] = [];
  const outputs: string[] = [];
  const checks: CheckColumn[] = [];
  const unknowns: CompiledChecks['unknowns'] = [];
  const valueColumns: CompiledChecks['valueColumns'] = [];
  let excluded = 'false';
  const rawOf = (field: string) => columns.find((c) => c.field === field);

  for (const field of contract.fields) {
    const mapped = rawOf(field.name);
    if (!mapped) {
      valueColumns.push({ field, column: null });
      continue;
    }
    const raw = ident(`c${mapped.index}`);
    const c = ident(`t_${field.name}`);
    const v = ident(`v_${field.name}`);
    typed.push(`${cleaned(raw)} as ${c}`);
    const compiled = compileField(field, c, v, reference);
    for (const [name, expr] of Object.entries(compiled.pre ?? {})) matched.push(`${expr} as ${ident(name)}`);
    values.push(`${compiled.value} as ${v}`);
    valueColumns.push({ field, column: `v_${field.name}` });

    const whens = field.required ? [`when ${c} is null then 'missing_value'`] : [];
    if (compiled.invalid) whens.push(`when ${c} is not null and ${v} is null then ${compiled.invalid}`);
    for (const [condition, reason] of compiled.bounds ?? []) whens.push(`when ${condition} then ${reason}`);
    if (whens.length > 0) {
      const e = `e_${field.name}`;
      errors.push(`case ${whens.join(' ')} end as ${ident(e)}`);
      outputs.push(ident(e), `case when ${ident(e)} is not null then ${c} end as ${ident(`q_${field.name}`)}`);
      checks.push({ column: e, field: field.name, raw: `q_${field.name}` });
    }
    if (compiled.unknown) {
      outputs.push(`case when ${compiled.unknown} then ${c} end as ${ident(`w_${field.name}`)}`);
      unknowns.push({ field: field.name, raw: `w_${field.name}` });
    }
    if (compiled.outOfScope) excluded = compiled.outOfScope;
  }

  contract.rules.forEach((rule, i) => {
    const sql = compileRule(rule, input.loadDate, (f) => rawOf(f) !== undefined);
    if (!sql) return;
    const e = `e_rule_${i}`;
    errors.push(`${sql} as ${ident(e)}`);
    const raw = rawOf(rule.field) ? ident(`t_${rule.field}`) : 'null';
    outputs.push(ident(e), `case when ${ident(e)} is not null then ${raw} end as ${ident(`q_rule_${i}`)}`);
    checks.push({ column: e, field: rule.field, raw: `q_rule_${i}` });
  });

  const allRaw = Array.from({ length: width }, (_, i) => ident(`c${i}`)).join(', ');
  const anyError = checks.map((c) => `${ident(c.column)} is not null`).join(' or ') || 'false';
  const sql = `create or replace temp table checked as
with source as (
  select * from ${input.source}
),
typed as (
  select *${typed.length ? `,\n    ${typed.join(',\n    ')}` : ''}
  from source
),
matched as (
  select *${matched.length ? `,\n    ${matched.join(',\n    ')}` : ''}
  from typed
),
valued as (
  select *,
    ${values.join(',\n    ')}
  from matched
),
checked as (
  select *${errors.length ? `,\n    ${errors.join(',\n    ')}` : ''}
  from valued
),
final as (
  select __line,
    hash(${allRaw}) as __h,
    ${valueColumns.filter((c) => c.column).map((c) => ident(c.column!)).join(', ')}${outputs.length ? `,\n    ${outputs.join(',\n    ')}` : ''},
    case
      when coalesce(${allRaw}) is null then 'blank'
      when ${excluded} then 'excluded'
      when ${anyError} then 'quarantined'
      else 'ok'
    end as __disposition
  from checked
)
select * from final`;
  return { sql, checks, unknowns, valueColumns, key: `v_${contract.key}` };
}

/**
 * A raw value with surrounding white space removed, and only-white-space as null. Most
 * values need no trimming, and LIKE on an end is far cheaper than trim on every value.
 */
function cleaned(c: string): string {
  const ends = [' ', '\t', '\u00a0', '\r', '\n'].flatMap((ch) => [`${c} like '${ch}%'`, `${c} like '%${ch}'`]).join(' or ');
  return `case when ${ends} then nullif(trim(${c}, ${WS}), '') else ${c} end`;
}

/** Parses a date by its shape with the one format that fits, so each value is tried once. */
function parseDate(x: string): string {
  return `case
      when substr(${x}, 5, 1) = '-' then try_strptime(${x}, '%Y-%m-%d')
      when strpos(${x}, '/') > 0 then try_strptime(${x}, '%d/%m/%Y')
      when strpos(${x}, '.') > 0 then try_strptime(${x}, '%d.%m.%Y')
      when upper(${x}) = lower(${x}) then try_strptime(${x}, '%d-%m-%Y')
      when strpos(${x}, ' ') > 0 then try_strptime(${x}, ['%d %b %Y', '%d %B %Y'])
      else try_strptime(${x}, ['%d-%b-%Y', '%d-%B-%Y'])
    end::date`;
}

/** Matches exactly first (the common case, cheap), then ignoring case and spaces. */
function lookup(c: string, pairs: [string, string][], normalize: (x: string) => string, normalizeSql: string): string {
  const exact = pairs.map(([from, to]) => `when ${literal(from)} then ${to}`).join(' ');
  const loose = pairs.map(([from, to]) => `when ${literal(normalize(from))} then ${to}`).join(' ');
  return `case ${c} ${exact} else case ${normalizeSql} ${loose} end end`;
}

function compileField(field: FieldSpec, c: string, v: string, reference: ReferenceData): CompiledField {
  switch (field.type) {
    case 'text':
      return { value: c };
    case 'date':
      return {
        value: `case when strpos(${c}, ':') > 0 then ${parseDate(`regexp_extract(${c}, '${TIME_SUFFIX}', 1)`)} else ${parseDate(c)} end`,
        invalid: `'invalid_date'`,
        // Two-digit years parse as year 25 AD: only 1900-2199 are dates here.
        bounds: [[`${v} < date '1900-01-01' or ${v} > date '2199-12-31'`, `'invalid_date'`]],
      };
    case 'money':
      return {
        value: `case when regexp_full_match(${c}, '${MONEY}') then try_cast(regexp_replace(${c}, '[£,\\s]', '', 'g') as decimal(18,2)) end`,
        invalid: `'invalid_amount'`,
        bounds: [[`${v} < 0`, `'negative_amount'`]],
      };
    case 'integer':
      return numeric(field, v, `case when regexp_full_match(${c}, '${INTEGER}') then try_cast(replace(${c}, ',', '') as bigint) end`, 'invalid_integer');
    case 'decimal':
      return numeric(field, v, `case when regexp_full_match(${c}, '${DECIMAL}') then try_cast(${c} as decimal(12,4)) end`, 'invalid_number');
    case 'boolean': {
      const pairs: [string, string][] = ['Yes', 'Y', 'True', '1', 'No', 'N', 'False', '0'].map((word, i) => [word, i < 4 ? 'true' : 'false']);
      return { value: lookup(c, pairs, (x) => x.toLowerCase(), `lower(${c})`), invalid: `'invalid_boolean'` };
    }
    case 'list':
      return { value: `nullif(list_filter(list_transform(string_split(${c}, ';'), x -> trim(x, ${WS})), x -> x <> ''), [])` };
    case 'code': {
      const pairs: [string, string][] = reference.nfibCodes.map((r) => [r.code, literal(r.code)]);
      // Whole codes only: NFIB5A (fraud) is not NFIB53A. Anything not listed is out of scope.
      return {
        value: lookup(c, pairs, (x) => x, `upper(replace(${c}, ' ', ''))`),
        outOfScope: `(${v} is null and ${c} is not null)`,
      };
    }
    case 'enum': {
      const m = ident(`m_${field.name}`);
      const pairs: [string, string][] = (field.values ?? []).map((value) => [value, literal(value)]);
      const pre = { [`m_${field.name}`]: lookup(c, pairs, (x) => x.toLowerCase().replaceAll(' ', ''), `lower(replace(${c}, ' ', ''))`) };
      if (field.required) return { pre, value: m, invalid: `'invalid_value'` };
      // An optional enum's unknown value becomes Unknown and is counted as a data-quality warning.
      const unknown = `${c} is not null and ${m} is null`;
      return { pre, value: `case when ${unknown} then 'Unknown' else ${m} end`, unknown };
    }
  }
}

function numeric(field: FieldSpec, v: string, value: string, reason: string): CompiledField {
  const bounds: string[] = [];
  if (field.min !== undefined) bounds.push(`${v} < ${field.min}`);
  if (field.min_exclusive !== undefined) bounds.push(`${v} <= ${field.min_exclusive}`);
  if (field.max !== undefined) bounds.push(`${v} > ${field.max}`);
  return { value, invalid: literal(reason), bounds: bounds.length ? [[bounds.join(' or '), `'out_of_range'`]] : [] };
}

function compileRule(rule: RowRule, loadDate: string, has: (field: string) => boolean): string | null {
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
