import type { Reader } from '../lib/db.ts';
import { addDays, monthsEnding, type Period } from '../lib/periods.ts';
import type { MetricDefinition } from './catalog.ts';
import { periodKey, round, type MetricRun, type MonthlyValues } from './runMetrics.ts';
import { xmr, type MetricSpc, type Rule, type Signal } from './spc.ts';

export type { MetricSpc, Signal };

/**
 * Signals, not noise (issue 13): each measure's monthly values over a baseline before the
 * period and the period's own months, put through the XmR chart of `spc.ts`. What the pack
 * keeps is the mean, the process limits and whether any month of the period shows special
 * cause, never the monthly values themselves (the public edition must not carry them).
 */

export interface SpcSettings {
  /** Months before the period that set the mean and limits (12 to 24). */
  baselineMonths: number;
}

/** Fewer baseline months than this and the limits mean little: no signal is judged. */
const MIN_BASELINE = 12;

/**
 * The months the signals read, before the data's coverage is known: the baseline before the
 * period and the period's months up to the as-of date. runMetrics measures them beside each
 * metric's own periods (RunOptions.alsoMonths), in the same statement.
 */
export function signalMonths(period: Period, asOf: string, settings: SpcSettings): Period[] {
  const periodMonths = monthsEnding(period.end, monthsIn(period)).filter((m) => m.end <= asOf);
  if (periodMonths.length === 0) return [];
  return [...monthsEnding(addDays(period.start, -1), settings.baselineMonths), ...periodMonths];
}

export async function addSignals(db: Reader, catalog: MetricDefinition[], run: MetricRun, settings: SpcSettings, monthly: MonthlyValues): Promise<void> {
  const covered = await firstCoveredMonth(db);
  if (covered === null) return;
  // Before the first month every dataset covers, zeros would mean "no data": those months are left out.
  const months = signalMonths(run.period, run.asOf, settings).filter((m) => m.start >= run.period.start || m.start >= covered);
  if (months.length === 0) return;
  for (const metric of catalog) {
    const result = run.results.find((r) => r.id === metric.meta.id);
    // runMetrics measured the months for every single-row metric measured over periods, and no other.
    const measured = monthly.get(metric.meta.id);
    if (!result || !measured) continue;
    const values = months.map((month) => {
      const row = measured.get(periodKey(month));
      if (row === undefined) throw new Error(`${metric.meta.id} was not measured for ${month.id}; runMetrics needs signalMonths() as alsoMonths`);
      // A provisional month (a window not yet closed, INC-05's 28 days) is no evidence either way.
      return { month, value: row.provisional ? null : row.value };
    });
    const known = values.filter((v): v is { month: Period; value: number } => v.value !== null);
    const baselineKnown = known.filter((v) => v.month.end < run.period.start);
    if (baselineKnown.length < MIN_BASELINE) continue;
    const chart = xmr(
      known.map((v) => v.value),
      { baseline: baselineKnown.length },
    )!;
    const inPeriod = known.map((v, i) => ({ ...v, point: chart.points[i]! })).filter((v) => v.month.start >= run.period.start && v.point.rules.length > 0);
    const dp = metric.meta.decimals + 1;
    result.spc = {
      baseline: { from: baselineKnown[0]!.month.id, to: baselineKnown.at(-1)!.month.id, months: baselineKnown.length },
      mean: round(chart.mean, dp),
      upper: round(chart.upper, dp),
      lower: round(chart.lower, dp),
      signal:
        inPeriod.length === 0
          ? null
          : signalOf(
              inPeriod.map((v) => ({ month: v.month.id, rules: v.point.rules, side: v.point.side! })),
              metric.meta.direction,
            ),
    };
  }
}

function signalOf(points: { month: string; rules: Rule[]; side: 'high' | 'low' }[], direction: 'up' | 'down' | 'neutral'): Signal {
  // The latest month's side speaks for the period: it is where the measure now stands.
  const side = points.at(-1)!.side;
  const rules = (['beyond_limits', 'shift', 'trend'] as Rule[]).filter((r) => points.some((p) => p.rules.includes(r)));
  const meaning = direction === 'neutral' ? 'neutral' : (side === 'high') === (direction === 'up') ? 'improvement' : 'concern';
  return { months: points.map((p) => p.month), rules, side, meaning };
}

function monthsIn(p: Period): number {
  return p.kind === 'month' ? 1 : p.kind === 'quarter' ? 3 : 12;
}

/** The first whole month every event dataset covers: before it, zeros would mean "no data". */
async function firstCoveredMonth(db: Reader): Promise<string | null> {
  const [row] = await db.all<{ first: string | null }>(
    `select strftime(greatest(
       (select min(reported_on) from stg_incidents),
       (select min(deployed_on) from stg_volunteer_hours),
       (select min(event_on) from stg_training)), '%Y-%m-%d') as first`,
  );
  const first = row?.first ?? null;
  if (first === null) return null;
  // A month that starts before the first record is only partly covered: start at the next one.
  return first.endsWith('-01') ? first : `${addDays(`${first.slice(0, 7)}-01`, 32).slice(0, 7)}-01`;
}
