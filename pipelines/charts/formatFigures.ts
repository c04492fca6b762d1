/**
 * Figures and labels as the charts, their descriptions and their data tables print
 * them. One formatter for all three, so a bar's label, the sentence that describes it
 * and its table cell always show the same number.
 */

import { MONTHS } from '../lib/periods.ts';

/** What a table or description says where a figure is missing (null): never 0. */
export const NO_FIGURE = 'No figure';

/**
 * A figure at the metric's decimals with thousands separators: 1827 -> "1,827",
 * 86.5 -> "86.5". Metric values arrive already rounded (runMetrics), so toFixed only
 * pads; it never rounds. Null gives NO_FIGURE.
 */
export function formatFigure(value: number | null, decimals: number): string {
  if (value === null || !Number.isFinite(value)) return NO_FIGURE;
  const [whole = '0', fraction] = Math.abs(value).toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(whole + (fraction ?? '')) !== 0 ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A figure with its unit as a sentence reads it: "86.5 %", "880.0 hours", "139". */
export function formatWithUnit(value: number | null, decimals: number, unit: string): string {
  const figure = formatFigure(value, decimals);
  if (figure === NO_FIGURE) return figure;
  if (unit === 'percent') return `${figure} %`;
  if (unit === 'gbp') return `£${figure}`;
  if (unit === 'hours') return `${figure} hours`;
  if (unit === 'days') return `${figure} days`;
  return figure;
}

/** "2025-09" -> "September 2025" (long) or "Sep 2025" (short, for the axis). */
export function formatMonth(period: string, style: 'long' | 'short' = 'long'): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) throw new Error(`"${period}" is not a month id of the form yyyy-mm`);
  const name = MONTHS[Number(match[2]) - 1];
  if (!name) throw new Error(`"${period}" names no month`);
  return `${style === 'short' ? name.slice(0, 3) : name} ${match[1]}`;
}

/**
 * Breaks a category name into lines of at most `width` characters at spaces, joined
 * by "\n" for the axis's labelExpr to split. A spaced hyphen stays at the end of its
 * line ("Denial of service attack -" / "extortion" never starts a line with "-"). A
 * single word longer than `width` keeps its own line rather than being cut.
 */
export function wrapLabel(text: string, width: number): string {
  const words: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (/^[-–]$/.test(word) && words.length > 0) words[words.length - 1] += ` ${word}`;
    else words.push(word);
  }
  const lines: string[] = [];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** "A", "A and B", "A, B and C". */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Lower-cases a sentence-case label's first letter for use mid-sentence ("Previous period" -> "previous period"). */
export function midSentence(text: string): string {
  // Month names keep their capital ("September 2026"); only a common word such as "This period" is lowered.
  if (/^(January|February|March|April|May|June|July|August|September|October|November|December)\b/.test(text)) return text;
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
