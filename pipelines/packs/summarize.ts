import type { CheckResult } from '../metrics/dataQuality.ts';
import type { MetricResult } from '../metrics/runMetrics.ts';
import { listNames } from '../charts/formatFigures.ts';
import { formatFigure, formatNumber } from './format.ts';
import { signalSentences } from './signalWords.ts';

/**
 * The executive summary, in plain English, from the figures alone: every Red and Amber,
 * the significant changes (statistical process control), the headline count, and the data
 * caveats. It states only what
 * the numbers say; nothing is invented, and a suppressed figure is never spelt out.
 */

export interface SummaryContext {
  /** Whether to report statistical signals (the board edition); default true. */
  signals?: boolean;
  /** The pack definition's headline metrics, each with what its figure counts. */
  headline: { metric: string; says?: string }[];
  periodLabel: string;
  /** "month", "quarter" or "year". */
  kindWord: string;
  partial: boolean;
  warnings: string[];
  dataQuality: CheckResult[];
  /** Whether loaded data covers the comparison periods; an uncovered one is not compared. */
  covered: { previous: boolean; year_ago: boolean };
  /** How a figure reads in this edition (the public edition's "<5", "[c]"). */
  show: (metric: MetricResult, field: 'value' | 'previous' | 'year_ago') => string;
}

export function summarize(metrics: MetricResult[], context: SummaryContext): string[] {
  const sentences: string[] = [];
  // Targets breached first, then what changed significantly: a board reads what needs attention before the headline.
  for (const rag of ['Red', 'Amber'] as const) {
    for (const m of metrics.filter((x) => x.rag === rag && x.value !== null)) {
      const how = rag === 'Red' ? 'Red: more than the tolerance short of target' : 'Amber: short of target, within tolerance';
      sentences.push(`${m.title} was ${context.show(m, 'value')} against a target of ${formatFigure(m.target, m.unit, m.decimals)} (${how}).`);
    }
  }
  // Signals, not noise: a movement on the previous period is reported only when statistical process control finds one.
  // The public edition gives no process limits: they are worked from monthly figures it does not publish.
  if (context.signals !== false) sentences.push(...signalSentences(metrics, context.periodLabel));
  for (const { metric, says } of context.headline) {
    const headline = metrics.find((m) => m.id === metric);
    // In the public edition a small headline reads "<5"; only a figure that does not exist is left out.
    if (!headline || ['not available', 'n/a', '[c]'].includes(context.show(headline, 'value'))) continue;
    const value = context.show(headline, 'value');
    const opening = says ? `${value} ${says}` : `${headline.title} was ${value}`;
    const ordinary = headline.spc && !headline.spc.signal ? ' Each month was within its usual range: ordinary variation, not a significant change.' : '';
    sentences.push(`${opening} in ${context.periodLabel}${comparison(headline, context)}.${ordinary}`);
  }
  const provisional = metrics.filter((m) => m.provisional);
  if (provisional.length > 0) {
    sentences.push(
      `${listNames(provisional.map((m) => m.title))} ${provisional.length === 1 ? 'is' : 'are'} provisional: the period's latest crimes are not yet 28 days old in the data, so ${provisional.length === 1 ? 'it' : 'they'} can still change.`,
    );
  }
  if (context.partial) sentences.push('These figures are provisional: the period ends after the date the data is complete to, so they will change.');
  const issues = context.dataQuality.filter((c) => c.status !== 'pass');
  if (issues.length > 0) {
    sentences.push(`${issues.length} data-quality check${issues.length === 1 ? '' : 's'} found something to look at (${issues.map((c) => c.title.toLowerCase()).join('; ')}): see Data quality and caveats.`);
  }
  for (const w of context.warnings) if (!sentences.includes(w)) sentences.push(w);
  return sentences;
}

function comparison(m: MetricResult, context: SummaryContext): string {
  const parts: string[] = [];
  if (m.previous !== null && context.covered.previous) parts.push(`${movement(m.change, m.change_pct, context.show(m, 'previous'))} the previous ${context.kindWord}`);
  if (m.year_ago !== null && context.covered.year_ago) parts.push(`${movement(m.year_change, m.year_change_pct, context.show(m, 'year_ago'))} the same ${context.kindWord} a year earlier`);
  return parts.length ? `, ${parts.join(', and ')}` : '';
}

function movement(change: number | null, pct: number | null, base: string): string {
  if (change === null) return `against ${base} in`;
  if (change === 0) return `the same as the ${base} of`;
  const direction = change > 0 ? 'up' : 'down';
  return `${direction} ${formatNumber(Math.abs(change), 0)}${pct === null ? '' : ` (${formatNumber(Math.abs(pct), 1)} %)`} on the ${base} of`;
}
