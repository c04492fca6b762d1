import { UsageError } from '../lib/errors.ts';
import type { BreakdownRow, MetricResult, SeriesPoint } from '../metrics/runMetrics.ts';
import { protect, slot, type Slot, type Table } from './secondarySuppression.ts';

/**
 * Disclosure control for the public edition (docs/metrics.md, "Public edition: disclosure
 * control"). Pure: returns new results and never changes its input. Every number a reader
 * of the public pack could see is controlled, and `display` gives the text to print so a
 * template never prints a raw figure: "12", "<5", "0", "[c]" (suppressed), "n/a" (none).
 *
 * By the metric's unit and fields:
 *  - count: 1 .. minCount-1 is hidden and shown "<5" (0 stays 0), in value, previous,
 *    year_ago, breakdown cells and series points; then secondary suppression
 *    (secondarySuppression.ts) hides more, shown "[c]", wherever a sum would give a hidden
 *    count back: each breakdown column against its total; the series months against the
 *    value and previous they add up to (a month pack's value is its last month, a quarter's
 *    the sum of its last three, a year's of twelve: each window is taken as a sum when its
 *    figures add up, which a true sum always does); and `links`, metrics that are the same
 *    number by definition (INC-02 and INC-09 total INC-01). A total is hidden too only when
    hiding cells cannot protect them; as a last resort a small count is shown "[c]", not "<5".
 *  - percent, days, score, and hours with a denominator (ratios, averages): the value is
 *    suppressed when the denominator is unknown or below minDenominator; numerator and
 *    denominator go with it, and otherwise are controlled as counts (a numerator only
 *    for percentages, the others are sums of hours or scores).
 *  - gbp: the value is suppressed when the denominator (crimes with a loss) is unknown or
 *    below minCrimesForMoney; a sum of £0 is shown (it gives no one's loss away).
 *  - hours without a denominator (VOL-02, a sum of hours): docs/metrics.md sets no rule, so shown.
 * Previous and year-ago values are judged by their own periods' denominators
 * (previous_denominator, year_ago_denominator). Monthly series points carry none, so a
 * ratio's series points, and a money series' other than £0, are always suppressed. The
 * comparison denominators themselves are not published. Any change, and the RAG, is removed when
 * either side of it is controlled. Sums across metrics other than `links` (INC-03 within
 * INC-01, TRN-03 within TRN-02, joiners and leavers against active volunteers) and a
 * percentage's implied numerator (value x denominator) are not controlled: docs/metrics.md's
 * rule for a percentage is its denominator.
 */

export interface DisclosureThresholds {
  minCount: number;
  minDenominator: number;
  minCrimesForMoney: number;
}

export const DEFAULT_THRESHOLDS: DisclosureThresholds = { minCount: 5, minDenominator: 10, minCrimesForMoney: 5 };

/**
 * Pairs of metrics whose value, previous and year_ago are the same count by definition. The
 * build passes the pairs the metric metadata declares ("parts_of", metrics/relations.ts); these
 * are the sample catalogue's, for callers that have no catalogue.
 */
export const DEFAULT_LINKS: [string, string][] = [
  ['INC-02', 'INC-01'],
  ['INC-09', 'INC-01'],
  ['TRN-07', 'TRN-01'],
  ['TRN-06', 'TRN-02'],
];

export const SUPPRESSED = '[c]';
export const NOT_AVAILABLE = 'n/a';

export interface Display {
  value: string;
  previous: string;
  year_ago: string;
}

export interface PublicBreakdownRow extends BreakdownRow {
  display: Display;
}

export interface PublicSeriesPoint extends SeriesPoint {
  display: string;
}

export interface PublicMetricResult extends MetricResult {
  display: Display;
  breakdown?: PublicBreakdownRow[];
  series?: PublicSeriesPoint[];
}

type Column = 'value' | 'previous' | 'year_ago';
const COLUMNS: Column[] = ['value', 'previous', 'year_ago'];
type Shown = { value: number | null; display: string };

interface CountSlots {
  top: Record<Column, Slot | undefined>;
  rows: Record<Column, Slot | undefined>[];
  points: (Slot | undefined)[];
}

export function applyDisclosureControl(metrics: MetricResult[], thresholds: Partial<DisclosureThresholds> = DEFAULT_THRESHOLDS, links: [string, string][] = DEFAULT_LINKS): PublicMetricResult[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  // A whole publication policy may be passed: only the three thresholds are read here.
  for (const [name, v] of Object.entries({ minCount: t.minCount, minDenominator: t.minDenominator, minCrimesForMoney: t.minCrimesForMoney })) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`The disclosure threshold ${name} must be a whole number of 1 or more, not ${String(v)}; fix the configuration.`);
  }
  const m = t.minCount;
  const counts = new Map<MetricResult, CountSlots>();
  const tables: Table[] = [];
  const make = (v: number | null) => (v === null ? undefined : slot(v, m));
  for (const metric of metrics.filter((x) => x.unit === 'count')) {
    const s: CountSlots = {
      top: { value: make(metric.value), previous: make(metric.previous), year_ago: make(metric.year_ago) },
      rows: (metric.breakdown ?? []).map((r) => ({ value: make(r.value), previous: make(r.previous), year_ago: make(r.year_ago) })),
      points: (metric.series ?? []).map((p) => make(p.value)),
    };
    counts.set(metric, s);
    if (metric.breakdown) {
      for (const c of COLUMNS) {
        const total = s.top[c];
        // A missing cell reads as 0, as runMetrics adds it up. Should the total hold rows not
        // listed (a key only in the previous period), the reader is taken to know their sum.
        const cells = s.rows.map((r) => r[c] ?? slot(0, m));
        const rest = total ? total.value - cells.reduce((sum, x) => sum + x.value, 0) : -1;
        if (total && rest >= 0) tables.push({ total, cells: rest > 0 ? [...cells, { value: rest, mark: 'shown', locked: true }] : cells });
      }
    }
    const n = s.points.length;
    const window = (total: Slot | undefined, from: number, to: number) => {
      const cells = s.points.slice(Math.max(from, 0), to);
      if (!total || from < 0 || to > n || cells.some((p) => !p)) return;
      if (cells.reduce((sum, p) => sum + p!.value, 0) === total.value) tables.push({ total, cells: cells as Slot[] });
    };
    for (const k of [1, 3, 12]) window(s.top.value, n - k, n);
    window(s.top.previous, n - 2, n - 1);
    window(s.top.previous, n - 6, n - 3);
    window(s.top.year_ago, n - 13, n - 12);
  }
  for (const [a, b] of links) {
    const [sa, sb] = [a, b].map((id) => [...counts].find(([x]) => x.id === id)?.[1]);
    for (const c of COLUMNS) {
      const [x, y] = [sa?.top[c], sb?.top[c]];
      if (x && y && x.value === y.value) tables.push({ total: x, cells: [y] });
    }
  }
  protect(tables, m);

  const fmt = (v: number, decimals: number) => v.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const none: Shown = { value: null, display: NOT_AVAILABLE };
  const hidden: Shown = { value: null, display: SUPPRESSED };
  return metrics.map((metric) => {
    const d = metric.decimals;
    const exact = (v: number | null): Shown => (v === null ? none : { value: v, display: fmt(v, d) });
    const fromSlot = (v: number | null, s: Slot | undefined): Shown => (v === null || !s ? none : s.mark === 'shown' ? exact(v) : { value: null, display: s.mark === 'primary' ? `<${m}` : SUPPRESSED });
    const asCount = (v: number | null) => (v !== null && v >= 1 && v < m ? null : v);
    let cell: (v: number | null, c: Column, row: number) => Shown;
    let point: (v: number | null, i: number) => Shown;
    let top: Record<Column, Shown>;
    let numerator = metric.numerator;
    let denominator = asCount(metric.denominator);
    const s = counts.get(metric);
    if (s) {
      cell = (v, c, row) => fromSlot(v, s.rows[row]![c]);
      point = (v, i) => fromSlot(v, s.points[i]);
      top = { value: fromSlot(metric.value, s.top.value), previous: fromSlot(metric.previous, s.top.previous), year_ago: fromSlot(metric.year_ago, s.top.year_ago) };
      numerator = asCount(numerator);
    } else if (metric.unit === 'gbp') {
      // Only a £0 is safe without knowing how many crimes make up the sum.
      const money = (v: number | null) => (v === null ? none : v === 0 ? exact(0) : hidden);
      cell = money;
      point = money;
      const enough = (d: number | null | undefined) => d !== null && d !== undefined && d >= t.minCrimesForMoney;
      top = {
        value: enough(metric.denominator) ? exact(metric.value) : money(metric.value),
        previous: enough(metric.previous_denominator) ? exact(metric.previous) : money(metric.previous),
        year_ago: enough(metric.year_ago_denominator) ? exact(metric.year_ago) : money(metric.year_ago),
      };
    } else if (metric.unit === 'hours' && metric.numerator === null && metric.denominator === null) {
      cell = exact;
      point = exact;
      top = { value: exact(metric.value), previous: exact(metric.previous), year_ago: exact(metric.year_ago) };
    } else {
      // A ratio or average: each period's own denominator decides (series points carry none, so they are hidden).
      const ratio = (v: number | null) => (v === null ? none : hidden);
      cell = ratio;
      point = ratio;
      const enough = (d: number | null | undefined) => d !== null && d !== undefined && d >= t.minDenominator;
      top = {
        value: enough(metric.denominator) ? exact(metric.value) : ratio(metric.value),
        previous: enough(metric.previous_denominator) ? exact(metric.previous) : ratio(metric.previous),
        year_ago: enough(metric.year_ago_denominator) ? exact(metric.year_ago) : ratio(metric.year_ago),
      };
      if (metric.unit === 'percent') numerator = asCount(numerator);
    }
    const suppressed = metric.value !== null && top.value.value === null;
    if (suppressed) [numerator, denominator] = [null, null];
    const kept = (base: Column, change: number | null) => (metric.value === top.value.value && metric[base] === top[base].value ? change : null);
    const result: PublicMetricResult = {
      id: metric.id,
      title: metric.title,
      definition: metric.definition,
      unit: metric.unit,
      decimals: metric.decimals,
      direction: metric.direction,
      section: metric.section,
      owner: metric.owner,
      caveats: [...metric.caveats],
      value: top.value.value,
      previous: top.previous.value,
      year_ago: top.year_ago.value,
      change: kept('previous', metric.change),
      change_pct: kept('previous', metric.change_pct),
      year_change: kept('year_ago', metric.year_change),
      year_change_pct: kept('year_ago', metric.year_change_pct),
      numerator,
      denominator,
      // Counts in their own right: the public edition does not publish them.
      previous_denominator: null,
      year_ago_denominator: null,
      target: metric.target,
      tolerance: metric.tolerance,
      rag: suppressed ? null : metric.rag,
      suppressed: metric.suppressed || suppressed,
      display: { value: top.value.display, previous: top.previous.display, year_ago: top.year_ago.display },
      sql_sha256: metric.sql_sha256,
      definition_sha256: metric.definition_sha256,
      sql_path: metric.sql_path,
      datasets: [...metric.datasets],
      ...(metric.at_as_of ? { at_as_of: true } : {}),
      // Whether the figure can still change, and who set its target: words about the figure, not counts.
      ...(metric.provisional ? { provisional: true } : {}),
      ...(metric.target_set ? { target_set: metric.target_set } : {}),
    };
    if (metric.breakdown) {
      result.breakdown = metric.breakdown.map((r, i) => {
        const [value, previous, year_ago] = COLUMNS.map((c) => cell(r[c], c, i)) as [Shown, Shown, Shown];
        return { key: r.key, value: value.value, previous: previous.value, year_ago: year_ago.value, display: { value: value.display, previous: previous.display, year_ago: year_ago.display } };
      });
    }
    if (metric.series) {
      result.series = metric.series.map((p, i) => {
        const shown = point(p.value, i);
        return { period: p.period, start: p.start, end: p.end, value: shown.value, display: shown.display };
      });
    }
    return result;
  });
}
