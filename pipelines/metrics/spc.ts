/**
 * Statistical process control for monthly series: an XmR chart (individuals and moving
 * range) and the special-cause rules of NHS England's "Making Data Count", as the NHS-R
 * community's implementation (NHSRplotthedots) applies them:
 *
 * - mean and natural process limits from a baseline: limits = mean ± 2.66 × the mean
 *   moving range (the mean of the absolute differences between consecutive baseline
 *   points);
 * - a point beyond the limits (strictly above the upper or below the lower);
 * - a shift: 7 or more consecutive points all above, or all below, the mean (a point
 *   exactly on the mean breaks the run);
 * - a trend: 7 or more consecutive points each strictly higher (or lower) than the one
 *   before, that is 6 consecutive rises or falls (an equal value breaks the run).
 *
 * Every point of a run is flagged, as the charts colour them. Pure: no clock, no I/O.
 */

export const SIGMA_FACTOR = 2.66;

export interface SpcOptions {
  /** How many of the first points form the baseline the mean and limits come from. */
  baseline: number;
  /** Points in a run on one side of the mean that make a shift. */
  shiftPoints?: number;
  /** Points in a run each higher (or lower) than the last that make a trend. */
  trendPoints?: number;
}

export type Rule = 'beyond_limits' | 'shift' | 'trend';

export interface SpcPoint {
  value: number;
  /** The rules this point is part of, empty for common-cause variation. */
  rules: Rule[];
  /** Which side the signal is on: high (above the mean, or rising) or low. Null without a signal. */
  side: 'high' | 'low' | null;
}

export interface XmrResult {
  mean: number;
  /** Mean moving range over the baseline. */
  mr_bar: number;
  upper: number;
  lower: number;
  baseline: number;
  points: SpcPoint[];
}

/** The XmR chart of `values` with limits from the first `baseline` points; null when the baseline has fewer than 2 points. */
export function xmr(values: number[], options: SpcOptions): XmrResult | null {
  const base = values.slice(0, options.baseline);
  if (base.length < 2) return null;
  const mean = base.reduce((s, v) => s + v, 0) / base.length;
  const ranges = base.slice(1).map((v, i) => Math.abs(v - base[i]!));
  const mrBar = ranges.reduce((s, v) => s + v, 0) / ranges.length;
  const upper = mean + SIGMA_FACTOR * mrBar;
  const lower = mean - SIGMA_FACTOR * mrBar;
  const points: SpcPoint[] = values.map((value) => ({ value, rules: [], side: null }));
  const flag = (i: number, rule: Rule, side: 'high' | 'low') => {
    const p = points[i]!;
    if (!p.rules.includes(rule)) p.rules.push(rule);
    p.side ??= side;
  };
  values.forEach((v, i) => {
    if (v > upper) flag(i, 'beyond_limits', 'high');
    else if (v < lower) flag(i, 'beyond_limits', 'low');
  });
  // Shift: runs of the same side of the mean.
  const side = values.map((v) => Math.sign(v - mean));
  for (const [from, to] of runs(
    side.map((s, _i) => (s === 0 ? null : s)),
    options.shiftPoints ?? 7,
  )) {
    for (let i = from; i <= to; i++) flag(i, 'shift', side[from]! > 0 ? 'high' : 'low');
  }
  // Trend: runs of rises or falls. A run of k steps spans k + 1 points.
  const steps = values.slice(1).map((v, i) => Math.sign(v - values[i]!));
  for (const [from, to] of runs(
    steps.map((s) => (s === 0 ? null : s)),
    (options.trendPoints ?? 7) - 1,
  )) {
    for (let i = from; i <= to + 1; i++) flag(i, 'trend', steps[from]! > 0 ? 'high' : 'low');
  }
  return { mean, mr_bar: mrBar, upper, lower, baseline: base.length, points };
}

/** [first, last] index of every run of equal non-null values at least `length` long. */
function runs(values: (number | null)[], length: number): [number, number][] {
  const found: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= values.length; i++) {
    if (i < values.length && values[i] !== null && values[i] === values[start]) continue;
    if (values[start] !== null && i - start >= length) found.push([start, i - 1]);
    start = i;
  }
  return found;
}

/** A measure's signal: the period's months that show special cause, by which rules. */
export interface Signal {
  /** The period's months that show special cause. */
  months: string[];
  rules: Rule[];
  side: 'high' | 'low';
  /** Against the measure's direction of good; "neutral" where neither way is better. */
  meaning: 'improvement' | 'concern' | 'neutral';
}

/** A measure's XmR summary in the pack: baseline, mean, limits and any signal. */
export interface MetricSpc {
  /** First and last month of the baseline, and how many months had a figure. */
  baseline: { from: string; to: string; months: number };
  mean: number;
  upper: number;
  lower: number;
  /** Null when every month of the period is common-cause variation. */
  signal: Signal | null;
}
