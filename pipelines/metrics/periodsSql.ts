import type { DuckDBValue } from '@duckdb/node-api';
import type { Reader } from '../lib/db.ts';
import { bindParams, plainRow, type SqlParams } from './runSql.ts';

/**
 * One query for a single-row metric over many periods: the period, the previous one, a year
 * earlier and the 13 months of its series, as one statement instead of one per period (a pack
 * ran about 170). The metric's SQL is run unchanged as a lateral subquery of a table of the
 * periods, its `$start` and `$end` read from that table's row; the dates are still bound as
 * parameters, never written into the SQL. A join does not keep the order of the rows the SQL
 * gives, so a breakdown's own order is read from a query of its period alone (runMetrics.ts).
 */

export interface PeriodBounds {
  start: string;
  end: string;
}

export interface PeriodRows {
  /** The metric's row for each period, in the order given (undefined where it gave none). */
  rows: (Record<string, unknown> | undefined)[];
  /** Every row the metric gave for each period, in no particular order. */
  allRows: Record<string, unknown>[][];
  /** The metric's own columns, so a missing `value` can be named. */
  columns: string[];
  /** The most rows any one period gave (a single-row metric gives at most one). */
  mostRows: number;
}

export async function runForPeriods(db: Pick<Reader, 'connection'>, sql: string, periods: PeriodBounds[], params: SqlParams): Promise<PeriodRows> {
  const body = sql
    .trim()
    .replace(/;\s*$/, '')
    .replace(/\$start\b/g, '__period.period_start')
    .replace(/\$end\b/g, '__period.period_end');
  const values = periods.map((_, i) => `(${i}, $period_start_${i}, $period_end_${i})`).join(', ');
  const grouped = `select __period.period_index as __period_index, __metric.* from (values ${values}) __period(period_index, period_start, period_end), lateral (${body}) __metric`;
  const periodParams: SqlParams = { ...params };
  periods.forEach((p, i) => {
    periodParams[`period_start_${i}`] = p.start;
    periodParams[`period_end_${i}`] = p.end;
  });
  const bound: Record<string, DuckDBValue> = bindParams(grouped, periodParams);
  const reader = await db.connection.runAndReadAll(grouped, bound);
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  const allRows: Record<string, unknown>[][] = periods.map(() => []);
  // A single-row metric gives one row a period (none where its SQL filters everything out).
  for (const { __period_index: index, ...row } of rows) allRows[Number(index)]!.push(plainRow(row));
  const columns = reader.columnNames().filter((c) => c !== '__period_index');
  return { rows: allRows.map((r) => r[0]), allRows, columns, mostRows: Math.max(0, ...allRows.map((r) => r.length)) };
}
