import type { Config } from '../lib/config.ts';
import type { CheckResult } from '../metrics/dataQuality.ts';
import type { MetricRun } from '../metrics/runMetrics.ts';
import { applyDisclosureControl } from './disclosure.ts';
import type { PackInput } from './writePack.ts';

/**
 * Everything the public edition publishes, under disclosure control: the metrics (see
 * disclosure.ts), and the pack's other numbers too. Data-quality checks keep their result
 * but lose their examples (ids) and small counts; the inputs keep their files and hashes,
 * and row counts only where they are not small.
 */
export function controlForPublic(run: MetricRun, dataQuality: CheckResult[], inputs: PackInput[], thresholds: Config['disclosure']) {
  const small = (n: number) => n > 0 && n < thresholds.minCount;
  const count = (n: number) => (small(n) ? null : n);
  return {
    run: { ...run, results: applyDisclosureControl(run.results, { minCount: thresholds.minCount, minDenominator: thresholds.minDenominator, minCrimesForMoney: thresholds.minCrimesForMoney }) },
    dataQuality: dataQuality.map((c) => ({ ...c, count: count(c.count) as number, examples: [] })),
    inputs: inputs.map((i) => ({
      ...i,
      rows_read: count(i.rows_read) as number,
      rows_loaded: count(i.rows_loaded) as number,
      rows_quarantined: count(i.rows_quarantined) as number,
      rows_excluded: count(i.rows_excluded) as number,
      rows_duplicate: count(i.rows_duplicate) as number,
    })),
  };
}
