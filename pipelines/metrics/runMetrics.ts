import type { Db, Reader } from '../lib/db.ts';
import { isPartial, monthsEnding, previousPeriod, yearAgo, type Period } from '../lib/periods.ts';
import type { MetricDefinition, MetricMeta } from './catalog.ts';
import { ragFor, type Rag } from './rag.ts';
import { inTwoLanes } from './lanes.ts';
import { runForPeriods } from './periodsSql.ts';
import { checkMetricShape, queryFailed } from './queryErrors.ts';
import { runKeyedSql } from './runSql.ts';
import type { MetricSpc } from './spc.ts';

/**
 * The metrics stage: every catalogue metric for the period, the previous period of
 * the same kind and the same period a year earlier, with change, RAG against its
 * target, breakdowns, and a 13-month monthly series where the metric asks for one.
 */

export interface BreakdownRow {
  key: string;
  value: number | null;
  previous: number | null;
  year_ago: number | null;
}

export interface SeriesPoint {
  period: string;
  start: string;
  end: string;
  value: number | null;
}

export interface MetricResult {
  id: string;
  title: string;
  definition: string;
  unit: MetricMeta['unit'];
  decimals: number;
  direction: MetricMeta['direction'];
  section: string;
  owner: string;
  caveats: string[];
  value: number | null;
  previous: number | null;
  year_ago: number | null;
  change: number | null;
  change_pct: number | null;
  year_change: number | null;
  year_change_pct: number | null;
  numerator: number | null;
  denominator: number | null;
  /** The comparison periods' denominators, so disclosure control can judge them too. */
  previous_denominator: number | null;
  year_ago_denominator: number | null;
  target: number | null;
  tolerance: number | null;
  rag: Rag | null;
  suppressed: boolean;
  breakdown?: BreakdownRow[];
  series?: SeriesPoint[];
  sql_sha256: string;
  definition_sha256: string;
  sql_path: string;
  /** The datasets its SQL reads (metadata), for citations and restatements. */
  datasets: string[];
  /** Measured at the as-of date (open actions), not over the period: its value depends on when the pack was built. */
  at_as_of?: boolean;
  /** The query says this period's figure can still change (a window not yet closed, e.g. INC-05's 28 days). */
  provisional?: boolean;
  /** Who set the target and when, from the configuration (issue 13: targets are the board's). */
  target_set?: { by: string | null; on: string | null };
  /** Statistical process control over the months before and of the period (issue 13, signals.ts). */
  spc?: MetricSpc;
}

export interface MetricRun {
  period: Period;
  previous: Period;
  yearAgo: Period;
  asOf: string;
  partial: boolean;
  results: MetricResult[];
}

export interface Targets {
  [id: string]: { target?: number | null; tolerance?: number | null };
}

interface Measured {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  rows: { key: string; value: number | null }[] | null;
  provisional: boolean;
}

/** A breakdown for its period alone: its rows in the order its SQL gives them. */
async function measureBreakdown(lane: Reader, metric: MetricDefinition, p: Period, asOf: string): Promise<Measured> {
  return breakdownOf(await runKeyedSql(lane, metric.sqlPath, metric.sql, { start: p.start, end: p.end, as_of: asOf }), metric);
}

/**
 * A breakdown for comparison periods, all in one statement (periodsSql.ts). Their rows are matched
 * to the period's by key; they are put in the period's order first, so each total adds up in the
 * same order whichever way the statement gave them.
 */
async function measureBreakdownAt(lane: Reader, metric: MetricDefinition, periods: Period[], asOf: string, order: string[]): Promise<Map<string, Measured>> {
  const result = await runForPeriods(lane, metric.sql, periods, { as_of: asOf }).catch((error: unknown) => {
    throw queryFailed(metric.sqlPath, error);
  });
  checkMetricShape(metric.sqlPath, result.columns, result.mostRows, true);
  const ranks = new Map(order.map((key, i) => [key, i]));
  const rank = (key: string) => ranks.get(key) ?? order.length;
  const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    const [x, y] = [String(a.key), String(b.key)];
    return rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0);
  };
  return new Map(
    periods.map((p, i) => {
      const rows = [...result.allRows[i]!].sort(byKey);
      return [periodKey(p), breakdownOf(rows, metric)];
    }),
  );
}

function breakdownOf(rows: Record<string, unknown>[], metric: MetricDefinition): Measured {
  const breakdown = rows.map((r) => ({ key: String(r.key), value: num(r.value) }));
  const total = breakdown.reduce((sum, r) => sum + (r.value ?? 0), 0);
  return { value: breakdown.length ? round(total, metric.meta.decimals) : null, numerator: null, denominator: null, rows: breakdown, provisional: false };
}

function singleRow(row: Record<string, unknown> | undefined): Measured {
  return { value: num(row?.value), numerator: num(row?.numerator), denominator: num(row?.denominator), rows: null, provisional: row?.provisional === true };
}

export interface RunOptions {
  period: Period;
  asOf: string;
  targets?: Targets;
  /** The pack section each metric is shown in (from the pack definition). */
  sections?: Record<string, string>;
  /**
   * Months measured too, for each single-row metric measured over periods, in the same statement
   * as its own periods: the signals' baseline and the period's months (signals.ts). Measured on
   * their own they were a second statement of each such metric, a fifth of a pack's metric time.
   */
  alsoMonths?: Period[];
}

/** A metric's value for one of RunOptions.alsoMonths; the internal evidence for signals, never published. */
export interface MonthValue {
  value: number | null;
  provisional: boolean;
}

/** Each metric's values for RunOptions.alsoMonths, by metric id, then `start/end`. */
export type MonthlyValues = Map<string, Map<string, MonthValue>>;

export const periodKey = (p: { start: string; end: string }): string => `${p.start}/${p.end}`;

type MeasureAt = (p: Period) => Promise<Measured>;

export async function runMetrics(db: Db, catalog: MetricDefinition[], options: RunOptions): Promise<MetricRun> {
  return (await runMetricsWithMonths(db, catalog, options)).run;
}

/** runMetrics, with each metric's values for `options.alsoMonths` beside the run. */
export async function runMetricsWithMonths(db: Db, catalog: MetricDefinition[], options: RunOptions): Promise<{ run: MetricRun; monthly: MonthlyValues }> {
  const { period, asOf } = options;
  const previous = previousPeriod(period);
  const ago = yearAgo(period);
  const months = monthsEnding(period.end, 13);
  const monthly: MonthlyValues = new Map();
  const measureOne = async (lane: Reader, metric: MetricDefinition): Promise<MetricResult> => {
    const context = { period, previous, ago, months, asOf, targets: options.targets, section: options.sections?.[metric.meta.id] ?? '' };
    if (!metric.meta.breakdown) {
      // One query for every period the metric is shown for (periodsSql.ts), and the months asked for beside them.
      const overPeriods = !metric.meta.at_as_of;
      const shown = [period, ...(overPeriods ? [previous, ago] : []), ...(metric.meta.series ? months : [])];
      const also = overPeriods ? (options.alsoMonths ?? []) : [];
      const periods = [...new Map([...shown, ...also].map((p) => [periodKey(p), p])).values()];
      const result = await runForPeriods(lane, metric.sql, periods, { as_of: asOf }).catch((error: unknown) => {
        throw queryFailed(metric.sqlPath, error);
      });
      checkMetricShape(metric.sqlPath, result.columns, result.mostRows, false);
      const measured = new Map(periods.map((p, i) => [periodKey(p), singleRow(result.rows[i])]));
      if (also.length > 0) {
        monthly.set(
          metric.meta.id,
          new Map(
            also.map((m) => {
              const { value, provisional } = measured.get(periodKey(m))!;
              return [periodKey(m), { value, provisional }];
            }),
          ),
        );
      }
      return resultFor(async (p) => measured.get(periodKey(p))!, metric, context);
    }
    // A breakdown keeps the order of its SQL's rows for the period; the comparison periods' rows are found by key.
    const current = await measureBreakdown(lane, metric, period, asOf);
    const comparisons = metric.meta.at_as_of ? [] : [previous, ago];
    const measured =
      comparisons.length > 0
        ? await measureBreakdownAt(
            lane,
            metric,
            comparisons,
            asOf,
            current.rows!.map((r) => r.key),
          )
        : new Map<string, Measured>();
    measured.set(periodKey(period), current);
    return resultFor(async (p) => measured.get(periodKey(p))!, metric, context);
  };
  const results = await inTwoLanes(db, catalog, measureOne);
  return { run: { period, previous, yearAgo: ago, asOf, partial: isPartial(period, asOf), results }, monthly };
}

async function resultFor(
  measureAt: MeasureAt,
  metric: MetricDefinition,
  { period, previous, ago, months, targets, section }: { period: Period; previous: Period; ago: Period; months: Period[]; asOf: string; targets?: Targets; section: string },
): Promise<MetricResult> {
  const meta = metric.meta;
  const current = await measureAt(period);
  // A stock measured at as_of (open actions) has no earlier value in this data.
  const before = meta.at_as_of ? null : await measureAt(previous);
  const yearBefore = meta.at_as_of ? null : await measureAt(ago);
  const configured = targets?.[meta.id] ?? {};
  const target = configured.target !== undefined ? configured.target : meta.target;
  const tolerance = configured.tolerance !== undefined ? configured.tolerance : meta.tolerance;
  const result: MetricResult = {
    id: meta.id,
    title: meta.title,
    definition: meta.definition,
    unit: meta.unit,
    decimals: meta.decimals,
    direction: meta.direction,
    section,
    owner: meta.owner,
    caveats: meta.caveats,
    value: current.value,
    previous: before?.value ?? null,
    year_ago: yearBefore?.value ?? null,
    change: difference(current.value, before?.value ?? null, meta.decimals),
    change_pct: percentChange(current.value, before?.value ?? null),
    year_change: difference(current.value, yearBefore?.value ?? null, meta.decimals),
    year_change_pct: percentChange(current.value, yearBefore?.value ?? null),
    numerator: current.numerator,
    denominator: current.denominator,
    previous_denominator: before?.denominator ?? null,
    year_ago_denominator: yearBefore?.denominator ?? null,
    target: target ?? null,
    tolerance: tolerance ?? null,
    rag: ragFor(current.value, target ?? null, meta.direction, meta.unit, tolerance ?? null),
    ...(configured.target !== undefined && configured.target !== null ? { target_set: { by: (configured as { set_by?: string | null }).set_by ?? null, on: (configured as { set_on?: string | null }).set_on ?? null } } : {}),
    suppressed: false,
    sql_sha256: metric.sqlSha256,
    definition_sha256: metric.definitionSha256,
    sql_path: metric.sqlPath,
    datasets: meta.datasets,
    ...(meta.at_as_of ? { at_as_of: true } : {}),
    // Only a query that returns a provisional column can say so (issue 13: INC-05's 28-day window).
    ...(current.provisional ? { provisional: true } : {}),
  };
  if (current.rows) {
    result.breakdown = current.rows.map((r) => ({
      key: r.key,
      value: r.value,
      previous: before?.rows?.find((b) => b.key === r.key)?.value ?? null,
      year_ago: yearBefore?.rows?.find((b) => b.key === r.key)?.value ?? null,
    }));
  }
  if (meta.series && !meta.breakdown) {
    result.series = [];
    for (const m of months) result.series.push({ period: m.id, start: m.start, end: m.end, value: (await measureAt(m)).value });
  }
  return result;
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Rounds half away from zero at `decimals`, via the decimal string so 1.005 is not read as 1.00499.... */
export function round(value: number, decimals: number): number {
  const [mantissa, exponent = '0'] = String(Math.abs(value)).split('e');
  const shifted = Math.round(Number(`${mantissa}e${Number(exponent) + decimals}`));
  return Math.sign(value) * Number(`${shifted}e-${decimals}`) + 0;
}

function difference(value: number | null, base: number | null, decimals: number): number | null {
  return value === null || base === null ? null : round(value - base, decimals);
}

/** Change as a percentage of the base, 1 dp; null where the base is 0 (docs/metrics.md). */
function percentChange(value: number | null, base: number | null): number | null {
  if (value === null || base === null || base === 0) return null;
  return round(((value - base) / Math.abs(base)) * 100, 1);
}
