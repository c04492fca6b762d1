import type { MetricResult } from '../metrics/runMetrics.ts';
import type { ChartSpec } from './chartSpecs.ts';
import { compileChart, type ChartRow, type CompiledChart } from './compileChart.ts';
import { describeBreakdown, describeSeries } from './describeCharts.ts';
import { formatFigure, formatMonth, formatWithUnit, wrapLabel } from './formatFigures.ts';

/**
 * The pack's charts, in pack order, each bound at build time to what its `boardpack` block
 * names (chartSpecs.ts): a metric's 13-month series (a null month stays null: a gap in the
 * line, "No figure" in the table), a breakdown metric (this period, with the previous period
 * where the chart compares), or the rows of a query file. No chart has TypeScript of its own.
 */

export interface ChartPeriods {
  /** The pack's period, e.g. "Q2 2025-26 (July to September 2025)". */
  current: string;
  /** The previous period of the same kind. */
  previous: string;
}

/** Category names wrap onto lines of this many characters on the bar charts' axis. */
const LABEL_WIDTH = 24;

const DEFAULT_PERIODS: ChartPeriods = { current: 'This period', previous: 'Previous period' };

/** Rows of a query-fed chart, by chart id (key and value columns). */
export type QueryRows = Record<string, { key: string; value: number | null }[]>;

export async function compileCharts(charts: ChartSpec[], metrics: MetricResult[], periods: ChartPeriods = DEFAULT_PERIODS, queryRows: QueryRows = {}): Promise<CompiledChart[]> {
  const compiled: CompiledChart[] = [];
  for (const chart of charts) {
    compiled.push(await compileOne(chart, metrics, periods, queryRows));
    // Drawing is all promises, which never let the event loop run: a build writing its exports
    // meanwhile (buildPack.ts) would not see DuckDB's finished statements until every chart was drawn.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return compiled;
}

/** One chart of the pack from the metric results (or its query's rows). */
export async function compileOne(chart: ChartSpec, metrics: MetricResult[], periods: ChartPeriods = DEFAULT_PERIODS, queryRows: QueryRows = {}): Promise<CompiledChart> {
  if (chart.kind === 'query') {
    const rows = (queryRows[chart.id] ?? []).map((r) => ({ ...r, previous: null, year_ago: null }));
    const pseudo = { id: chart.query ?? chart.id, unit: 'count', decimals: 0, breakdown: rows } as unknown as MetricResult;
    return compileBreakdown(chart, pseudo, periods);
  }
  const metric = metrics.find((m) => m.id === chart.metric);
  if (!metric) throw new Error(`chart ${chart.id} needs metric ${chart.metric}, which is not in the results`);
  return chart.kind === 'series' ? compileSeries(chart, metric) : compileBreakdown(chart, metric, periods);
}

async function compileSeries(chart: ChartSpec, metric: MetricResult): Promise<CompiledChart> {
  const points = metric.series;
  if (!points) throw new Error(`chart ${chart.id} needs a monthly series from ${metric.id}, which has none`);
  const { block } = chart;
  const rows = bindSeries(metric);
  const limits = metric.spc
    ? ` Grey lines: the average (solid) and the natural process limits (dashed), ${formatWithUnit(Math.max(metric.spc.lower, 0), metric.decimals + 1, metric.unit)} to ${formatWithUnit(metric.spc.upper, metric.decimals + 1, metric.unit)}, from ${formatMonth(metric.spc.baseline.from)} to ${formatMonth(metric.spc.baseline.to)}.`
    : '';
  const description = describeSeries(points, { lead: block.describe.lead, unit: metric.unit, decimals: metric.decimals, target: metric.target, direction: metric.direction }) + limits;
  const columns = [
    { header: 'Month', field: 'month_long' },
    { header: block.table?.value_header ?? metric.title, field: 'value_text' },
  ];
  if (metric.target !== null) columns.push({ header: `Met the ${formatWithUnit(metric.target, targetDecimals(metric), metric.unit)} target`, field: 'met' });
  const span = points.length ? `, ${formatMonth(points[0]!.period)} to ${formatMonth(points[points.length - 1]!.period)}` : '';
  return compileChart(chart.spec, rows, { id: chart.id, title: block.title, description, table: { caption: `${block.title}${span}`, columns } });
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
    // Issue 13: the statistical process control mean and limits, drawn as lines where a spec layers them.
    spc_mean: metric.spc?.mean ?? null,
    spc_upper: metric.spc?.upper ?? null,
    spc_lower: metric.spc ? Math.max(metric.spc.lower, 0) : null,
  }));
}

async function compileBreakdown(chart: ChartSpec, metric: MetricResult, periods: ChartPeriods): Promise<CompiledChart> {
  const breakdown = metric.breakdown;
  if (!breakdown) throw new Error(`chart ${chart.id} needs a breakdown from ${metric.id}, which has none`);
  const { block } = chart;
  const compare = block.compare_previous === true;
  const rows = bindBreakdown(metric);
  const description = describeBreakdown(breakdown, {
    lead: block.describe.lead,
    by: block.describe.by ?? '',
    unit: metric.unit,
    decimals: metric.decimals,
    current: periods.current,
    previous: compare ? periods.previous : null,
    totals: { value: metric.value, previous: metric.previous },
  });
  const columns = [
    { header: block.table?.key_header ?? 'Category', field: 'key' },
    { header: periods.current, field: 'value_text' },
  ];
  if (compare) columns.push({ header: periods.previous, field: 'previous_text' });
  const subtitle = compare ? [`Bars: ${periods.current}`, `Black lines: ${periods.previous}`] : [periods.current];
  const caption = `${block.title}: ${compare ? `${periods.current} and ${periods.previous}` : periods.current}`;
  return compileChart(chart.spec, rows, { id: chart.id, title: block.title, description, subtitle, table: { caption, columns } });
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
