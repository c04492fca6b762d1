import type { BreakdownRow, SeriesPoint } from '../metrics/runMetrics.ts';
import { formatMonth, formatWithUnit, listNames, midSentence } from './formatFigures.ts';

/**
 * The text description of each chart, written from its data in plain English: what
 * the chart shows and the figures a sighted reader would take from it (lowest,
 * highest and latest month; the largest categories and the total). It is the
 * chart's <desc> and its alternative for anyone who cannot see it.
 */

export interface Figures {
  unit: string;
  decimals: number;
}

export interface SeriesWording extends Figures {
  /** What is plotted, e.g. "Crimes reported each month". */
  lead: string;
  target?: number | null;
  direction?: 'up' | 'down' | 'neutral';
}

/**
 * "Crimes reported each month from October 2024 to September 2025: lowest 36 in January
 * 2025, highest 59 in February 2025, 40 in September 2025." Months without a figure are
 * named, never read as 0; a target says in how many months it was met.
 */
export function describeSeries(points: SeriesPoint[], wording: SeriesWording): string {
  if (points.length === 0) return `${wording.lead}: no months to show.`;
  const say = (v: number | null) => formatWithUnit(v, wording.decimals, wording.unit);
  const first = formatMonth(points[0]!.period);
  const lastPoint = points[points.length - 1]!;
  const known = points.filter((p): p is SeriesPoint & { value: number } => p.value !== null);
  const span = `${wording.lead} from ${first} to ${formatMonth(lastPoint.period)}`;
  // The public edition's withheld months ("[c]", "<5") have a figure, too small to show.
  const withheld = (p: SeriesPoint) => p.value === null && /^(\[c\]|<\d+)$/.test((p as SeriesPoint & { display?: string }).display ?? '');
  const missing = points.filter((p) => p.value === null && !withheld(p)).map((p) => formatMonth(p.period));
  const hidden = points.filter(withheld).map((p) => formatMonth(p.period));
  const gaps = (missing.length ? ` No figure for ${listNames(missing)}.` : '') + (hidden.length ? ` Too few to show for ${listNames(hidden)}.` : '');
  if (known.length === 0) return hidden.length === points.length ? `${span}: every month's figure is withheld, as too few to show.` : hidden.length ? `${span}: no month has a figure to show.${gaps}` : `${span}: no figure for any month.`;
  const low = Math.min(...known.map((p) => p.value));
  const high = Math.max(...known.map((p) => p.value));
  const monthsAt = (v: number) => listNames(known.filter((p) => p.value === v).map((p) => formatMonth(p.period)));
  const parts = low === high ? [`${say(low)} in every month with a figure`] : [`lowest ${say(low)} in ${monthsAt(low)}`, `highest ${say(high)} in ${monthsAt(high)}`];
  parts.push(lastPoint.value === null ? `no figure yet for ${formatMonth(lastPoint.period)}` : `${say(lastPoint.value)} in ${formatMonth(lastPoint.period)}`);
  return `${span}: ${parts.join(', ')}.${gaps}${describeTarget(known, wording)}`;
}

function describeTarget(known: { value: number }[], wording: SeriesWording): string {
  const { target, direction } = wording;
  if (target === null || target === undefined || direction === 'neutral' || direction === undefined) return '';
  const met = known.filter((p) => (direction === 'up' ? p.value >= target : p.value <= target)).length;
  const target_ = formatWithUnit(target, Number.isInteger(target) ? 0 : wording.decimals, wording.unit);
  const of = known.length === 1 ? 'the 1 month' : `the ${known.length} months`;
  return ` The target of ${target_} was met in ${met === 0 ? 'none' : met} of ${of} with a figure.`;
}

export interface BreakdownWording extends Figures {
  /** What is broken down, e.g. "Crimes reported". */
  lead: string;
  /** By what, e.g. "by ONS computer-misuse category". */
  by: string;
  current: string;
  /** The comparison period's label, or null to describe this period only. */
  previous: string | null;
  /** How many of the largest categories to name (default 3). */
  largest?: number;
  /**
   * The metric's own totals (this period, the previous one): where groups are withheld (public
   * edition) the groups shown add up to less, and the description must agree with the scorecard.
   */
  totals?: { value: number | null; previous: number | null };
}

/**
 * "Crimes reported in this period by victim type: 139 in all, against 139 in previous
 * period. Largest: Individual 101 (previously 111), Business 31 (previously 24),
 * Education 4 (previously 1). None: Other."
 */
export function describeBreakdown(rows: BreakdownRow[], wording: BreakdownWording): string {
  const say = (v: number | null) => formatWithUnit(v, wording.decimals, wording.unit);
  const sum = (pick: (r: BreakdownRow) => number | null) => {
    const values = rows.map(pick).filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) : null;
  };
  const previous = wording.previous === null ? null : midSentence(wording.previous);
  const was = (row: BreakdownRow) => (previous === null ? '' : ` (${row.previous === null ? (isWithheld(row, 'previous') ? 'previously not shown' : 'no figure before') : `previously ${say(row.previous)}`})`);
  const given = (v: number | null | undefined) => (v === null || v === undefined ? null : v);
  const total =
    given(wording.totals?.value) ??
    round(
      sum((r) => r.value),
      wording.decimals,
    );
  const before =
    given(wording.totals?.previous) ??
    round(
      sum((r) => r.previous),
      wording.decimals,
    );
  const withheld = rows.filter((r) => isWithheld(r));
  const totalText = total === null ? 'no figures' : `${say(total)} in all${withheld.length && given(wording.totals?.value) !== null ? ', some of them in groups not shown to protect small numbers' : ''}`;
  const against = previous === null ? '' : before === null ? `, no figure for ${previous}` : `, against ${say(before)} in ${previous}`;
  const head = `${wording.lead} in ${midSentence(wording.current)} ${wording.by}: ${totalText}${against}.`;
  const ranked = rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.value !== null && row.value > 0)
    .sort((a, b) => b.row.value! - a.row.value! || a.index - b.index)
    .slice(0, wording.largest ?? 3)
    .map(({ row }) => `${row.key} ${say(row.value)}${was(row)}`);
  const largest = ranked.length ? ` Largest: ${ranked.join(', ')}.` : '';
  const none = rows.filter((r) => r.value === 0).map((r) => r.key);
  const noneText = none.length === rows.length ? ' None in any group.' : none.length ? ` ${listNames(none)}: none.` : '';
  const missing = rows.filter((r) => r.value === null && !isWithheld(r)).map((r) => r.key);
  const missingText = missing.length ? ` No figure for ${listNames(missing)}.` : '';
  const withheldText = withheld.length ? ` Not shown, to protect small numbers: ${listNames(withheld.map((r) => r.key))}.` : '';
  return head + largest + noneText + missingText + withheldText;
}

/** Sums of 1-dp figures pick up binary noise (86.5 + 37 + ...); round back to the metric's decimals. */
function round(value: number | null, decimals: number): number | null {
  return value !== null && Number.isFinite(value) ? Number(value.toFixed(decimals)) : null;
}

/** A group the public edition withholds ("<5", "[c]"): it has a figure, too small to show. */
function isWithheld(row: BreakdownRow, field: 'value' | 'previous' = 'value'): boolean {
  const shown = (row as BreakdownRow & { display?: { value?: string; previous?: string } }).display?.[field];
  return row[field] === null && shown !== undefined && /^(\[c\]|<\d+)$/.test(shown);
}
