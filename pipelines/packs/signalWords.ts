import { formatMonth, formatWithUnit, listNames } from '../charts/formatFigures.ts';
import type { MetricResult } from '../metrics/runMetrics.ts';

/**
 * What the statistical signals (metrics/signals.ts) say, in plain English, for the
 * executive summary and the scorecard: which measures changed significantly this period
 * and how, or that nothing did. The words name no rule by its code.
 */

/** One sentence per measure with a signal in the period; monthly figures at one more decimal than the measure. */
export function signalSentences(metrics: MetricResult[], periodLabel: string): string[] {
  const judged = metrics.filter((m) => m.spc);
  if (judged.length === 0) return ['There is not yet enough monthly history (12 months before the period) to tell a significant change from ordinary variation.'];
  const withSignal = judged.filter((m) => m.spc!.signal);
  if (withSignal.length === 0) {
    return [`Nothing changed significantly in ${periodLabel}: every measure's monthly figures stayed within their usual range, with no sustained run or trend (the rules are in the Methodology).`];
  }
  return withSignal.map((m) => {
    const spc = m.spc!;
    const signal = spc.signal!;
    const fmt = (v: number) => formatWithUnit(v, m.decimals + 1, m.unit);
    const months = listNames(signal.months.map((id) => formatMonth(id)));
    const last = formatMonth(signal.months.at(-1)!);
    const parts: string[] = [];
    if (signal.rules.includes('beyond_limits')) parts.push(`${months} ${signal.months.length === 1 ? 'was' : 'were'} outside the usual monthly range of ${fmt(Math.max(spc.lower, 0))} to ${fmt(spc.upper)}`);
    if (signal.rules.includes('shift')) parts.push(`it has been ${signal.side === 'high' ? 'above' : 'below'} its average of ${fmt(spc.mean)} for seven months or more in a row, to ${last}`);
    if (signal.rules.includes('trend')) parts.push(`it has ${signal.side === 'high' ? 'risen' : 'fallen'} six months or more in a row, to ${last}`);
    const meaning = signal.meaning === 'improvement' ? ', an improvement' : signal.meaning === 'concern' ? ', a concern' : '';
    return `${m.title} changed significantly (${signal.side === 'high' ? 'higher' : 'lower'}${meaning}): ${parts.join('; and ')}.`;
  });
}

/** The scorecard's status for a measure without a target: its statistical signal in a few words. */
export function signalStatus(m: MetricResult): { text: string; symbol: string; cls: string } | null {
  if (!m.spc) return null;
  const s = m.spc.signal;
  if (!s) return { text: 'No significant change', symbol: '–', cls: 'common' };
  const how = s.side === 'high' ? 'higher' : 'lower';
  return { text: `Significant change: ${how}`, symbol: s.side === 'high' ? '↑' : '↓', cls: s.meaning };
}
