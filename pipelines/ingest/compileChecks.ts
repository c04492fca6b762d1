import { ident, literal } from '../lib/db.ts';
import type { Contract, FieldSpec, ReferenceData, RowRule } from './contracts.ts';
import type { MappedColumn } from './headers.ts';

/**
 * Compiles a dataset contract into one SQL statement that reads the normalised
 * records and types and checks every row inside DuckDB, in a single pass. The
 * contract is data; this is its compiler.
 *
 * The table it makes, `checked`, holds per row: `__line`, a hash of the whole raw
 * row (`__h`), a typed value per field (`v_<field>`), `__errors` (a list of
 * {field, reason, raw}, null when the row passes), `__unknowns` (optional enum
 * values recorded as Unknown) and `__disposition` (blank, excluded, quarantined, ok).
 *
 * Written for speed at a million rows: values are parsed as they come, and trimmed
 * or normalised only on the rare path where the plain parse fails; a date is tried
 * with the one format its shape fits; failing rows alone carry error detail.
 */

export interface CompiledChecks {
  /** `create or replace temp table checked as ...` over `source`. */
  sql: string;
  /** Output column (v_...) per contract field, null where the export lacks the column. */
  valueColumns: { field: FieldSpec; column: string | null }[];
  /** The key's value column. */
  key: string;
}

// Excel's non-breaking space counts as white space.
const WS = `' \t\r\n\u00a0'`;
// Money as docs/datasets.md: 1234.56, £1,234.56, 1,234 (a sign is allowed so negatives get their own reason).
const MONEY = String.raw`\s*(-\s*£?|£\s*-?)?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?\s*`;
const INTEGER = String.raw`\s*[+-]?(\d{1,3}(,\d{3})+|\d{1,9})\s*`;
const DECIMAL = String.raw`\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*`;
// A trailing time (hh:mm, hh:mm:ss, or ISO T... with optional fraction and zone) is allowed and dropped.
const TIME_SUFFIX = String.raw`^\s*(.*?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$`;

const ERRORS_TYPE = 'struct(field varchar, reason varchar, raw varchar)[]';
const UNKNOWNS_TYPE = 'struct(field varchar, raw varchar)[]';

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
  /** A lookup computed first (an enum's matched value), named m_<field>. */
  match?: string;
  value: string;
  /** Reason for a non-blank value that does not parse (a SQL string literal). */
  invalid?: string;
  /** Failing conditions on a parsed value: [condition, reason literal]. */
  bounds?: [string, string][];
  /** True for an optional enum value recorded as Unknown. */
  unknown?: string;
  /** True for a row out of this pipeline's scope (a code not in the reference list). */
  outOfScope?: string;
}

interface Check {
  field: string;
  /** SQL: the reason code, or null when the check passes. */
  reason: string;
  /** SQL: the raw text to show in quarantine. */
  raw: string;
}

export function compileChecks(input: { contract: Contract; columns: MappedColumn[]; width: number; reference: ReferenceData; loadDate: string; source: string }): CompiledChecks {
  const { contract, columns, width, reference } = input;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.loadDate)) throw new Error(`bad load date ${input.loadDate}`);
  const matches: string[] = [];
  const values: string[] = [];
  const checks: Check[] = [];
  const unknowns: { field: string; when: string; raw: string }[] = [];
  const valueColumns: CompiledChecks['valueColumns'] = [];
  let excluded = 'false';
  const rawColumn = (field: string) => {
    const mapped = columns.find((c) => c.field === field);
    return mapped ? ident(`c${mapped.index}`) : null;
  };

  for (const field of contract.fields) {
    const c = rawColumn(field.name);
    if (!c) {
      valueColumns.push({ field, column: null });
      continue;
    }
    const v = ident(`v_${field.name}`);
    const compiled = compileField(field, c, v, ident(`m_${field.name}`), reference);
    if (compiled.match) matches.push(`${compiled.match} as ${ident(`m_${field.name}`)}`);
    values.push(`${compiled.value} as ${v}`);
    valueColumns.push({ field, column: `v_${field.name}` });

    const missing = field.required ? `'missing_value'` : 'null';
    const whens = field.required ? [`when ${c} is null then 'missing_value'`] : [];
    // Only values that fail the plain parse are trimmed, to tell "only spaces" (missing) from invalid.
    if (compiled.invalid) whens.push(`when ${v} is null and ${c} is not null then case when trim(${c}, ${WS}) = '' then ${missing} else ${compiled.invalid} end`);
    for (const [condition, reason] of compiled.bounds ?? []) whens.push(`when ${condition} then ${reason}`);
    if (whens.length > 0) checks.push({ field: field.name, reason: `case ${whens.join(' ')} end`, raw: `nullif(trim(${c}, ${WS}), '')` });
    if (compiled.unknown) unknowns.push({ field: field.name, when: compiled.unknown, raw: `trim(${c}, ${WS})` });
    if (compiled.outOfScope) excluded = compiled.outOfScope;
  }

  contract.rules.forEach((rule) => {
    const reason = compileRule(rule, input.loadDate, (f) => rawColumn(f) !== null);
    const c = rawColumn(rule.field);
    if (reason) checks.push({ field: rule.field, reason, raw: c ? `nullif(trim(${c}, ${WS}), '')` : 'null' });
  });

  const reasons = checks.map((check, i) => `${check.reason} as ${ident(`e_${i}`)}`);
  const failed = checks.length ? `coalesce(${checks.map((_, i) => ident(`e_${i}`)).join(', ')}) is not null` : 'false';
  const errorList = checks.map((check, i) => `{'field': ${literal(check.field)}, 'reason': ${ident(`e_${i}`)}, 'raw': case when ${ident(`e_${i}`)} is not null then ${check.raw} end}`);
  const unknownList = unknowns.map((u) => `{'field': ${literal(u.field)}, 'raw': case when ${u.when} then ${u.raw} end}`);
  const allRaw = Array.from({ length: width }, (_, i) => ident(`c${i}`)).join(', ');
  const valueNames = valueColumns.filter((c) => c.column).map((c) => ident(c.column!));

  const sql = `create or replace temp table checked as
with source as (
  select * from ${input.source}
),
matched as (
  select *${matches.map((m) => `,\n    ${m}`).join('')}
  from source
),
valued as (
  select *,
    ${values.join(',\n    ')}
  from matched
),
checked as (
  select *${reasons.map((r) => `,\n    ${r}`).join('')}
  from valued
),
final as (
  select __line,
    hash(${allRaw}) as __h,
    ${valueNames.join(', ')},
    ${checks.length ? `case when ${failed} then list_filter([${errorList.join(', ')}], e -> e.reason is not null) end` : `null::${ERRORS_TYPE}`} as __errors,
    ${unknowns.length ? `case when ${unknowns.map((u) => u.when).join(' or ')} then list_filter([${unknownList.join(', ')}], u -> u.raw is not null) end` : `null::${UNKNOWNS_TYPE}`} as __unknowns,
    case
      when coalesce(${allRaw}) is null then 'blank'
      when ${excluded} then 'excluded'
      when ${failed} then 'quarantined'
      else 'ok'
    end as __disposition
  from checked
)
select * from final`;
  return { sql, valueColumns, key: `v_${contract.key}` };
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

/** A date, or a date followed by a time (dropped). */
function parseDateTime(x: string): string {
  return `case when strpos(${x}, ':') > 0 then ${parseDate(`regexp_extract(${x}, '${TIME_SUFFIX}', 1)`)} else ${parseDate(x)} end`;
}

/** Matches exactly first (the common case, cheap), then ignoring case, spaces and surrounding white space. */
function lookup(c: string, pairs: [string, string][], normalize: (x: string) => string, normalizeSql: string): string {
  const exact = pairs.map(([from, to]) => `when ${literal(from)} then ${to}`).join(' ');
  const loose = pairs.map(([from, to]) => `when ${literal(normalize(from))} then ${to}`).join(' ');
  return `case ${c} ${exact} else case ${normalizeSql} ${loose} end end`;
}

function compileField(field: FieldSpec, c: string, v: string, m: string, reference: ReferenceData): CompiledField {
  const trimmed = `trim(${c}, ${WS})`;
  switch (field.type) {
    case 'text':
      // Stored trimmed; a value of only spaces is no value.
      return {
        value: `case when ${c} like ' %' or ${c} like '% ' or ${c} like '\t%' or ${c} like '%\t' or ${c} like '\u00a0%' or ${c} like '%\u00a0' or ${c} like '%\n' or ${c} like '%\r' then nullif(${trimmed}, '') else ${c} end`,
        invalid: field.required ? `'missing_value'` : undefined,
      };
    case 'date':
      return {
        // The two common shapes first, cheaply; anything else (other forms, a time, spaces) on the slow path.
        value: `coalesce(case when strpos(${c}, '/') > 0 then try_strptime(${c}, '%d/%m/%Y') when strpos(${c}, '-') = 5 then try_strptime(${c}, '%Y-%m-%d') end::date, case when ${c} is not null then ${parseDateTime(trimmed)} end)`,
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
      return numeric(field, v, `case when regexp_full_match(${c}, '${INTEGER}') then try_cast(trim(replace(${c}, ',', '')) as bigint) end`, 'invalid_integer');
    case 'decimal':
      return numeric(field, v, `case when regexp_full_match(${c}, '${DECIMAL}') then try_cast(trim(${c}) as decimal(12,4)) end`, 'invalid_number');
    case 'boolean': {
      const pairs: [string, string][] = ['Yes', 'Y', 'True', '1', 'No', 'N', 'False', '0'].map((word, i) => [word, i < 4 ? 'true' : 'false']);
      return { value: lookup(c, pairs, (x) => x.toLowerCase(), `lower(${trimmed})`), invalid: `'invalid_boolean'` };
    }
    case 'list':
      return { value: `nullif(list_filter(list_transform(string_split(${c}, ';'), x -> trim(x, ${WS})), x -> x <> ''), [])` };
    case 'code': {
      const pairs: [string, string][] = reference.nfibCodes.map((r) => [r.code, literal(r.code)]);
      // Whole codes only: NFIB5A (fraud) is not NFIB53A. Anything not listed is out of scope.
      return {
        value: lookup(c, pairs, (x) => x, `upper(replace(${trimmed}, ' ', ''))`),
        outOfScope: `(${v} is null and ${c} is not null and ${trimmed} <> '')`,
      };
    }
    case 'enum': {
      const pairs: [string, string][] = (field.values ?? []).map((value) => [value, literal(value)]);
      const match = lookup(c, pairs, (x) => x.toLowerCase().replaceAll(' ', ''), `lower(replace(${trimmed}, ' ', ''))`);
      if (field.required) return { match, value: m, invalid: `'invalid_value'` };
      // An optional enum's unknown value becomes Unknown and is counted as a data-quality warning.
      const unknown = `(${m} is null and ${c} is not null and ${trimmed} <> '')`;
      return { match, value: `case when ${unknown} then 'Unknown' else ${m} end`, unknown };
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
