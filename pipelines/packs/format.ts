import type { MetricResult } from '../metrics/runMetrics.ts';

/** How figures read in the pack: en-GB grouping, the metric's decimals, its unit. */

export function formatNumber(value: number, decimals: number): string {
  return value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function formatFigure(value: number | null, unit: MetricResult['unit'], decimals: number): string {
  if (value === null) return 'not available';
  const text = formatNumber(value, decimals);
  switch (unit) {
    case 'percent':
      return `${text} %`;
    case 'gbp':
      return `£${text}`;
    case 'days':
      return `${text} days`;
    case 'hours':
      return `${text} hours`;
    default:
      return text;
  }
}

/** A change with its sign, e.g. "+12", "−3.5 points", "no change". */
export function formatChange(change: number | null, unit: MetricResult['unit'], decimals: number, pct: number | null): string {
  if (change === null) return '–';
  if (change === 0) return 'no change';
  const sign = change > 0 ? '+' : '−';
  const size = formatNumber(Math.abs(change), decimals);
  const amount = unit === 'percent' ? `${sign}${size} points` : unit === 'gbp' ? `${sign}£${size}` : `${sign}${size}`;
  return pct === null || unit === 'percent' ? amount : `${amount} (${sign}${formatNumber(Math.abs(pct), 1)} %)`;
}
