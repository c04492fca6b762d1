import { formatFigure as groupedFigure, formatWithUnit } from '../charts/formatFigures.ts';
import type { MetricResult } from '../metrics/runMetrics.ts';

/**
 * How figures read in the pack's text and tables: the charts' formatter, so a figure
 * reads the same in a sentence, a table cell and a chart label.
 */

export function formatNumber(value: number, decimals: number): string {
  return groupedFigure(value, decimals);
}

export function formatFigure(value: number | null, unit: MetricResult['unit'], decimals: number): string {
  return value === null ? 'not available' : formatWithUnit(value, decimals, unit);
}

/** A change with its sign, e.g. "+12", "−3.5 points", "no change". */
export function formatChange(change: number | null, unit: MetricResult['unit'], decimals: number, pct: number | null): string {
  if (change === null) return '–';
  if (change === 0) return 'no change';
  const sign = change > 0 ? '+' : '−';
  const size = formatNumber(Math.abs(change), decimals);
  // Every change carries its unit, as the figures do: "−1.5 days", never a bare "−1.5".
  const amount = unit === 'percent' ? `${sign}${size} points` : unit === 'gbp' ? `${sign}£${size}` : unit === 'days' || unit === 'hours' ? `${sign}${size} ${unit}` : `${sign}${size}`;
  return pct === null || unit === 'percent' ? amount : `${amount} (${sign}${formatNumber(Math.abs(pct), 1)} %)`;
}

/** What a unit is called where people read it: "Unit: pounds (£)", not "gbp". */
export function unitWords(unit: MetricResult['unit']): string {
  const words: Record<MetricResult['unit'], string> = { count: 'count', percent: 'per cent (%)', gbp: 'pounds (£)', days: 'days', hours: 'hours', score: 'score (1 to 5)' };
  return words[unit] ?? unit;
}

// Made on first use: setting up ICU's date formats takes some 14 ms, and every command that loads this module paid it.
let dateFormat: Intl.DateTimeFormat | null = null;

/** A date as a board member reads it: "14 October 2025"; a missing one as a dash. */
export function readableDate(iso: string | null): string {
  dateFormat ??= new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return iso === null ? '–' : dateFormat.format(new Date(`${iso}T00:00:00Z`));
}
