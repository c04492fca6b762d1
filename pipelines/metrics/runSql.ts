import type { DuckDBDateValue, DuckDBValue } from '@duckdb/node-api';
import { duckdb } from '../lib/cjsPackages.ts';
import type { Reader } from '../lib/db.ts';
import { checkMetricShape, queryFailed } from './queryErrors.ts';

/**
 * Runs a query file's SQL with its parameters bound, never concatenated: `$start`,
 * `$end` and `$as_of` are DATE values, others as given. Only the parameters the SQL
 * names are bound (DuckDB refuses extra ones).
 */
export type SqlParams = Record<string, string | number>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function runSql(db: Pick<Reader, 'all'>, sql: string, params: SqlParams): Promise<Record<string, unknown>[]> {
  const rows = await db.all<Record<string, unknown>>(bodyOf(sql), bindParams(sql, params));
  return rows.map(plainRow);
}

export interface PreparedSql {
  run(params: SqlParams): Promise<Record<string, unknown>[]>;
  /** The column names of the last run's result. */
  readonly columns: string[];
  close(): void;
}

/**
 * A query file as a prepared statement, so its columns are known even when it gives no rows
 * (a breakdown with nothing in the period must still name its key and value).
 */
export async function prepareSql(db: Pick<Reader, 'connection'>, sql: string): Promise<PreparedSql> {
  const statement = await db.connection.prepare(bodyOf(sql));
  // Read from each result: with parameters of unknown type the planner cannot name them up front.
  let columns: string[] = [];
  return {
    get columns() {
      return columns;
    },
    async run(params) {
      statement.clearBindings();
      statement.bind(bindParams(sql, params));
      const reader = await statement.runAndReadAll();
      columns = reader.columnNames();
      return (reader.getRowObjectsJS() as Record<string, unknown>[]).map(plainRow);
    },
    close: () => statement.destroySync(),
  };
}

/**
 * A query file that gives rows of key and value (a breakdown, a chart's query) for one set of
 * parameters, in the order its SQL gives them. A query that does not run, or lacks either
 * column, is refused naming `file`.
 */
export async function runKeyedSql(db: Pick<Reader, 'connection'>, file: string, sql: string, params: SqlParams): Promise<Record<string, unknown>[]> {
  const statement = await prepareSql(db, sql).catch((error: unknown) => {
    throw queryFailed(file, error);
  });
  try {
    const rows = await statement.run(params).catch((error: unknown) => {
      throw queryFailed(file, error);
    });
    checkMetricShape(file, statement.columns, rows.length, true);
    return rows;
  } finally {
    statement.close();
  }
}

function bodyOf(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

/** The parameters the SQL names, with dates as DATE values. */
export function bindParams(sql: string, params: SqlParams): Record<string, DuckDBValue> {
  const used = new Set([...sql.matchAll(/\$([a-z_][a-z0-9_]*)\b/g)].map((m) => m[1]!));
  const bound: Record<string, DuckDBValue> = {};
  for (const name of used) {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for parameter $${name}`);
    bound[name] = typeof value === 'string' && DATE.test(value) ? dateOf(value) : value;
  }
  return bound;
}

export function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]));
}

function dateOf(text: string): DuckDBDateValue {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return duckdb().DuckDBDateValue.fromParts({ year, month, day });
}

/** Numbers as numbers, dates as yyyy-mm-dd. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}
