import type { MetricResult } from '../metrics/runMetrics.ts';
import { applyDisclosureControl, NOT_AVAILABLE, type PublicMetricResult } from './disclosure.ts';
import type { Policy } from '../lib/publicationPolicy.ts';

/**
 * The rounding method of the publication policy (docs/disclosure.md): every count is
 * rounded to the nearest multiple of the base (5), 1 to minCount-1 is shown "<5" and 0 stays
 * 0; a percentage is computed from the unrounded figures, shown only when its unrounded
 * denominator reaches minDenominator, and to whole numbers. Money, averages and other ratios
 * follow the suppression rules (disclosure.ts), which judge them by their denominators.
 * Changes are worked out from the rounded figures, so they give nothing more away.
 */

export function roundCount(v: number, minCount: number, base: number): { value: number | null; display: string } {
  if (v === 0) return { value: 0, display: '0' };
  if (v > 0 && v < minCount) return { value: null, display: `<${minCount}` };
  const r = Math.round(v / base) * base;
  // A count of minCount or more never reads as less than minCount.
  const shown = Math.max(r, Math.ceil(minCount / base) * base);
  return { value: shown, display: shown.toLocaleString('en-GB') };
}

export function applyRounding(metrics: MetricResult[], policy: Policy, links: [string, string][] = []): PublicMetricResult[] {
  const base = applyDisclosureControl(metrics, { minCount: policy.minCount, minDenominator: policy.minDenominator, minCrimesForMoney: policy.minCrimesForMoney }, links);
  const round = (v: number | null) => (v === null ? { value: null, display: NOT_AVAILABLE } : roundCount(v, policy.minCount, policy.roundBase));
  return base.map((pub, i) => {
    const raw = metrics[i]!;
    if (raw.unit === 'count') {
      const [value, previous, year_ago] = [round(raw.value), round(raw.previous), round(raw.year_ago)];
      const change = (a: number | null, b: number | null) => (a !== null && b !== null ? a - b : null);
      return {
        ...pub,
        value: value.value,
        previous: previous.value,
        year_ago: year_ago.value,
        change: change(value.value, previous.value),
        change_pct: null,
        year_change: change(value.value, year_ago.value),
        year_change_pct: null,
        rag: value.value === null ? null : raw.rag,
        display: { value: value.display, previous: previous.display, year_ago: year_ago.display },
        ...(raw.breakdown
          ? {
              breakdown: raw.breakdown.map((r) => {
                const [v, p, y] = [round(r.value), round(r.previous), round(r.year_ago)];
                return { key: r.key, value: v.value, previous: p.value, year_ago: y.value, display: { value: v.display, previous: p.display, year_ago: y.display } };
              }),
            }
          : {}),
        ...(raw.series ? { series: raw.series.map((p) => ({ ...p, ...round(p.value) })) } : {}),
      };
    }
    if (raw.unit === 'percent') {
      const whole = (v: number | null, shown: number | null) => (v === null ? NOT_AVAILABLE : shown === null ? pub.display.value : String(Math.round(v)));
      // The period's own percentage from its unrounded parts, not from the board's one-decimal figure.
      const exact = raw.numerator !== null && raw.denominator ? (100 * raw.numerator) / raw.denominator : raw.value;
      const [n, d] = [raw.numerator === null ? null : round(raw.numerator).value, raw.denominator === null ? null : round(raw.denominator).value];
      const keep = (v: number | null, shown: number | null) => (v === null || shown === null ? null : Math.round(v));
      return {
        ...pub,
        decimals: 0,
        value: keep(exact, pub.value),
        previous: keep(raw.previous, pub.previous),
        year_ago: keep(raw.year_ago, pub.year_ago),
        change: null,
        change_pct: null,
        year_change: null,
        year_change_pct: null,
        numerator: pub.value === null ? null : n,
        denominator: pub.value === null ? null : d,
        display: {
          value: whole(exact, pub.value),
          previous: pub.previous === null ? pub.display.previous : whole(raw.previous, pub.previous),
          year_ago: pub.year_ago === null ? pub.display.year_ago : whole(raw.year_ago, pub.year_ago),
        },
      };
    }
    // Other ratios keep the suppression rules, but their denominators are counts: rounded too.
    return { ...pub, denominator: pub.denominator === null ? null : round(pub.denominator).value };
  });
}
