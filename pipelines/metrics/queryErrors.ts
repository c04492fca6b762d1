import { UsageError, WorkError } from '../lib/errors.ts';

/**
 * A query file that fails says which file and what DuckDB said, in one line. DuckDB's own
 * parser, binder and catalogue errors are the analyst's to fix in the file (exit 2); anything
 * else (memory, disk) is the run's failure (exit 1).
 */

const ANALYST_ERRORS = /^(Parser|Binder|Catalog|Conversion|Invalid Input|Not implemented) Error/;

export function queryFailed(file: string, error: unknown): Error {
  if (error instanceof UsageError || error instanceof WorkError) return error;
  const said = (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^LINE \d+:|^\^/.test(line))
    .join(' ')
    .slice(0, 400);
  return ANALYST_ERRORS.test(said) ? new UsageError(`The query ${file} does not run: ${said.replace(/\.$/, '')}; fix the SQL.`) : new WorkError(`The query ${file} failed: ${said.replace(/\.$/, '')}.`);
}

/** The columns a metric must return: `value` (and `key` for a breakdown), one row unless a breakdown. */
export function checkMetricShape(file: string, columns: string[], rows: number, breakdown: boolean): void {
  const need = breakdown ? ['key', 'value'] : ['value'];
  const missing = need.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    const got = columns.length ? columns.join(', ') : 'none';
    throw new UsageError(`The query ${file} returns no ${missing.map((c) => `"${c}"`).join(' or ')} column (it returns ${got}); name the figure "value"${breakdown ? ' and each row\'s category "key"' : ''}, e.g. select count(*) as value.`);
  }
  if (!breakdown && rows > 1) {
    throw new UsageError(`The query ${file} returns ${rows} rows where one is expected; aggregate to one row, or mark the metric "breakdown": true with key and value columns.`);
  }
}
