import type { Config } from '../lib/config.ts';
import type { CheckResult } from '../metrics/dataQuality.ts';
import type { Relations } from '../metrics/relations.ts';
import type { MetricRun } from '../metrics/runMetrics.ts';
import { applyDisclosureControl } from './disclosure.ts';
import type { PackInput } from './manifest.ts';
import { applyRounding } from './rounding.ts';

/**
 * Everything the public edition publishes, under the policy's method: the metrics (see
 * disclosure.ts, or rounding.ts), and the pack's other numbers too. Data-quality checks keep
 * their result but lose their examples (ids) and small counts; the inputs keep their hashes,
 * and row counts only where they are not small (the intruder audit hides more where the
 * reconciliation identity would give a small one back).
 */
export function controlForPublic(run: MetricRun, dataQuality: CheckResult[], inputs: PackInput[], policy: Config['disclosure'], relations: Relations) {
  // Secondary suppression ties each breakdown to the total its metadata names ("parts_of").
  const links: [string, string][] = [...relations.partsOf].filter(([id, t]) => t.metric !== id && t.field === 'value' && t.row === undefined).map(([id, t]) => [id, t.metric]);
  const small = (n: number) => n > 0 && n < policy.minCount;
  const count = (n: number) => (small(n) ? null : n);
  const fields = ['rows_read', 'rows_loaded', 'rows_quarantined', 'rows_excluded', 'rows_duplicate'] as const;
  const published = policy.metrics === null ? run.results : run.results.filter((m) => policy.metrics!.includes(m.id));
  const thresholds = { minCount: policy.minCount, minDenominator: policy.minDenominator, minCrimesForMoney: policy.minCrimesForMoney };
  return {
    run: { ...run, results: policy.method === 'rounding' ? applyRounding(published, policy, links) : applyDisclosureControl(published, thresholds, links) },
    dataQuality: dataQuality.map((c) => ({ ...c, count: count(c.count) as number, examples: [] })),
    inputs: inputs.map((i) => ({
      ...i,
      ...Object.fromEntries(fields.map((f) => [f, count(i[f])])),
      display: Object.fromEntries(fields.map((f) => [f, small(i[f]) ? `<${policy.minCount}` : i[f].toLocaleString('en-GB')])),
    })) as PackInput[],
  };
}
