import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reader } from '../lib/db.ts';
import { UsageError } from '../lib/errors.ts';
import type { Period } from '../lib/periods.ts';
import { runKeyedSql } from './runSql.ts';

/**
 * Query files that feed a chart directly, `queries/charts/<name>.sql`: run for the pack's
 * period with `$start`, `$end` and `$as_of`, returning `key` and `value` columns, one row a
 * bar. They are not metrics (no comparison, no target, no disclosure control), so a pack
 * with a public edition cannot use them (packDefinition.ts refuses it).
 */

export interface ChartQuery {
  /** The chart it feeds. */
  chart: string;
  query: string;
}

export type ChartRows = Record<string, { key: string; value: number | null }[]>;

export async function runChartQueries(db: Reader, queriesDir: string, queries: ChartQuery[], period: Period, asOf: string): Promise<ChartRows> {
  const rows: ChartRows = {};
  for (const { chart, query } of queries) {
    const shown = `queries/charts/${query}.sql`;
    const path = join(queriesDir, 'charts', `${query}.sql`);
    if (!existsSync(path)) throw new UsageError(`The chart ${chart} is fed by ${shown}, which does not exist; add the query file or change the chart's "boardpack.from".`);
    const result = await runKeyedSql(db, shown, readFileSync(path, 'utf8'), { start: period.start, end: period.end, as_of: asOf });
    rows[chart] = result.map((r) => ({ key: String(r.key), value: r.value === null || r.value === undefined ? null : Number(r.value) }));
  }
  return rows;
}
