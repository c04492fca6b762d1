import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { MetricResult } from '../metrics/runMetrics.ts';
import { compileChart, type ChartRow, type CompiledChart } from './compileChart.ts';
import { describeBreakdown, describeSeries } from './describeCharts.ts';
import { formatFigure, formatMonth, formatWithUnit, wrapLabel } from './formatFigures.ts';

/**
 * The pack's eight charts, in pack order, each bound at build time to its metric's
 * results: a 13-month series (a null month stays null: a gap in the line, "No figure"
 * in the table) or a breakdown (this period, with the previous period where the chart
 * compares). Specs live in `<reportsDir>/charts/<id>.json`.
 */

export interface ChartPeriods {
  /** The pack's period, e.g. "Q2 2025-26 (July to September 2025)". */
  current: string;
  /** The previous period of the same kind. */
  previous: string;
}

interface SeriesPlan {
  id: string;
  metric: string;
  kind: 'series';
  title: string;
  lead: string;
  header: string;
}

interface BreakdownPlan {
  id: string;
  metric: string;
  kind: 'breakdown';
  title: string;
  lead: string;
  by: string;
  keyHeader: string;
  /** Show the previous period as a tick beside each bar. */
  compare: boolean;
}

type ChartPlan = SeriesPlan | BreakdownPlan;

/** Category names wrap onto lines of this many characters on the bar charts' axis. */
const LABEL_WIDTH = 24;

export const CHART_PLANS: ChartPlan[] = [
  { id: 'trend-crimes', metric: 'INC-01', kind: 'series', title: 'Crimes reported each month', lead: 'Crimes reported each month', header: 'Crimes reported' },
  { id: 'by-category', metric: 'INC-02', kind: 'breakdown', title: 'Crimes by category', lead: 'Crimes reported', by: 'by ONS computer-misuse category', keyHeader: 'Category', compare: true },
  { id: 'by-victim-type', metric: 'INC-09', kind: 'breakdown', title: 'Crimes by victim type', lead: 'Crimes reported', by: 'by victim type', keyHeader: 'Victim type', compare: true },
  { id: 'contact-28-days', metric: 'INC-05', kind: 'series', title: 'Victims contacted within 28 days', lead: 'Share of victims contacted within 28 days of their report, each month', header: 'Contacted within 28 days (%)' },
  { id: 'outcomes', metric: 'INC-10', kind: 'breakdown', title: 'Outcomes by group', lead: 'Crimes given an outcome', by: 'by outcome group', keyHeader: 'Outcome group', compare: true },
  { id: 'hours-by-activity', metric: 'VOL-08', kind: 'breakdown', title: 'Volunteer hours by activity', lead: 'Volunteer hours', by: 'by activity', keyHeader: 'Activity', compare: true },
  { id: 'deployment-trend', metric: 'VOL-03', kind: 'series', title: 'Volunteer deployment rate each month', lead: 'Share of active volunteers deployed at least once, each month', header: 'Deployment rate (%)' },
  { id: 'events-by-audience', metric: 'TRN-07', kind: 'breakdown', title: 'Events by audience', lead: 'Protect and Prevent events', by: 'by audience', keyHeader: 'Audience', compare: false },
  { id: 'reach-by-audience', metric: 'TRN-06', kind: 'breakdown', title: 'People reached by audience', lead: 'People reached at Protect and Prevent events', by: 'by audience', keyHeader: 'Audience', compare: false },
];

const DEFAULT_PERIODS: ChartPeriods = { current: 'This period', previous: 'Previous period' };

export async function compileCharts(metrics: MetricResult[], reportsDir: string, periods: ChartPeriods = DEFAULT_PERIODS): Promise<CompiledChart[]> {
  const charts: CompiledChart[] = [];
  for (const plan of CHART_PLANS) charts.push(await compileChartById(plan.id, metrics, reportsDir, periods));
  return charts;
}

/** One of the pack's charts by its id, from the metric results. */
export async function compileChartById(id: string, metrics: MetricResult[], reportsDir: string, periods: ChartPeriods = DEFAULT_PERIODS): Promise<CompiledChart> {
  const plan = CHART_PLANS.find((p) => p.id === id);
  if (!plan) throw new Error(`no chart "${id}"; the charts are ${CHART_PLANS.map((p) => p.id).join(', ')}`);
  const metric = metrics.find((m) => m.id === plan.metric);
  if (!metric) throw new Error(`chart ${plan.id} needs metric ${plan.metric}, which is not in the results; add queries/metrics/${plan.metric}.sql`);
  const spec = loadSpec(reportsDir, plan.id);
  return plan.kind === 'series' ? compileSeries(spec, plan, metric) : compileBreakdown(spec, plan, metric, periods);
}

export function loadSpec(reportsDir: string, id: string): TopLevelSpec {
  const path = join(reportsDir, 'charts', `${id}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TopLevelSpec;
  } catch (error) {
    throw new Error(`cannot read the chart spec ${path} (${(error as Error).message})`);
  }
}

async function compileSeries(spec: TopLevelSpec, plan: SeriesPlan, metric: MetricResult): Promise<CompiledChart> {
  const points = metric.series;
  if (!points) throw new Error(`chart ${plan.id} needs a monthly series from ${metric.id}, which has none`);
  const rows = bindSeries(metric);
  const description = describeSeries(points, { lead: plan.lead, unit: metric.unit, decimals: metric.decimals, target: metric.target, direction: metric.direction });
  const columns = [
    { header: 'Month', field: 'month_long' },
    { header: plan.header, field: 'value_text' },
  ];
  if (metric.target !== null) columns.push({ header: `Met the ${formatWithUnit(metric.target, targetDecimals(metric), metric.unit)} target`, field: 'met' });
  const span = points.length ? `, ${formatMonth(points[0]!.period)} to ${formatMonth(points[points.length - 1]!.period)}` : '';
  return compileChart(spec, rows, { id: plan.id, title: plan.title, description, table: { caption: `${plan.title}${span}`, columns } });
}

/** One row per month: the axis label, the table's month, the value (null stays null) and its text. */
export function bindSeries(metric: MetricResult): ChartRow[] {
  const target = metric.target;
  const targetText = target === null ? null : `Target ${formatWithUnit(target, targetDecimals(metric), metric.unit)}`;
  return (metric.series ?? []).map((p) => ({
    period: p.period,
    month: formatMonth(p.period, 'short'),
    month_long: formatMonth(p.period),
    value: p.value,
    // The public edition's controlled text ("<5", "[c]") where there is one.
    value_text: shown((p as { display?: string }).display, p.value, metric.decimals),
    target,
    target_text: targetText,
    met: p.value === null || target === null ? '' : (metric.direction === 'down' ? p.value <= target : p.value >= target) ? 'Yes' : 'No',
  }));
}

async function compileBreakdown(spec: TopLevelSpec, plan: BreakdownPlan, metric: MetricResult, periods: ChartPeriods): Promise<CompiledChart> {
  const breakdown = metric.breakdown;
  if (!breakdown) throw new Error(`chart ${plan.id} needs a breakdown from ${metric.id}, which has none`);
  const rows = bindBreakdown(metric);
  const description = describeBreakdown(breakdown, {
    lead: plan.lead,
    by: plan.by,
    unit: metric.unit,
    decimals: metric.decimals,
    current: periods.current,
    previous: plan.compare ? periods.previous : null,
    totals: { value: metric.value, previous: metric.previous },
  });
  const columns = [
    { header: plan.keyHeader, field: 'key' },
    { header: periods.current, field: 'value_text' },
  ];
  if (plan.compare) columns.push({ header: periods.previous, field: 'previous_text' });
  const subtitle = plan.compare ? [`Bars: ${periods.current}`, `Black lines: ${periods.previous}`] : [periods.current];
  const caption = `${plan.title}: ${plan.compare ? `${periods.current} and ${periods.previous}` : periods.current}`;
  return compileChart(spec, rows, { id: plan.id, title: plan.title, description, subtitle, table: { caption, columns } });
}

/** One row per category, in the metric's order, the name wrapped for the axis. */
export function bindBreakdown(metric: MetricResult): ChartRow[] {
  return (metric.breakdown ?? []).map((r) => ({
    key: r.key,
    label: wrapLabel(r.key, LABEL_WIDTH),
    value: r.value,
    previous: r.previous,
    value_text: shown((r as { display?: { value?: string } }).display?.value, r.value, metric.decimals),
    previous_text: shown((r as { display?: { previous?: string } }).display?.previous, r.previous, metric.decimals),
  }));
}

/** A controlled display when the figure was controlled (null), else the figure. */
function shown(display: string | undefined, value: number | null, decimals: number): string {
  return value === null && display !== undefined ? display : formatFigure(value, decimals);
}

/** A round target prints without decimals ("Target 90 %"); otherwise at the metric's. */
function targetDecimals(metric: MetricResult): number {
  return metric.target !== null && Number.isInteger(metric.target) ? 0 : metric.decimals;
}
