import { UsageError } from './errors.ts';

/**
 * Reporting periods (docs/metrics.md): calendar months, UK police financial quarters
 * (Q1 = April-June) and financial years (April-March). Dates are calendar dates
 * (yyyy-mm-dd), compared as strings; no time-zone arithmetic.
 */

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  kind: PeriodKind;
  /** `2025-09`, `2025-26-Q2` or `2025-26`: the form a user types and a citation uses. */
  id: string;
  label: string;
  start: string;
  end: string;
}

export const RELATIVE_PERIODS = ['last-complete-month', 'last-complete-quarter', 'current-quarter', 'current-financial-year'] as const;

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function month(year: number, monthNumber: number): Period {
  const id = `${year}-${pad(monthNumber)}`;
  return { kind: 'month', id, label: `${MONTHS[monthNumber - 1]} ${year}`, start: `${id}-01`, end: `${id}-${pad(lastDay(year, monthNumber))}` };
}

/** Financial year `fy` runs from 1 April fy to 31 March fy+1. */
export function financialYear(fy: number): Period {
  const id = `${fy}-${pad((fy + 1) % 100)}`;
  return { kind: 'year', id, label: `Financial year ${id}`, start: `${fy}-04-01`, end: `${fy + 1}-03-31` };
}

export function quarter(fy: number, q: number): Period {
  const firstMonth = 4 + (q - 1) * 3; // 4, 7, 10, 13 (= January of fy+1)
  const startYear = firstMonth > 12 ? fy + 1 : fy;
  const startMonth = ((firstMonth - 1) % 12) + 1;
  const last = month(startYear, startMonth + 2);
  const id = `${fy}-${pad((fy + 1) % 100)}-Q${q}`;
  return { kind: 'quarter', id, label: `Q${q} ${fy}-${pad((fy + 1) % 100)} (${MONTHS[startMonth - 1]} to ${MONTHS[startMonth + 1]} ${startYear})`, start: `${startYear}-${pad(startMonth)}-01`, end: last.end };
}

/** The financial year a date falls in (January-March belong to the year that began the April before). */
function fiscalYearOf(date: string): number {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return m >= 4 ? y : y - 1;
}

export function periodContaining(kind: PeriodKind, date: string): Period {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const fy = fiscalYearOf(date);
  if (kind === 'month') return month(y, m);
  if (kind === 'year') return financialYear(fy);
  return quarter(fy, Math.floor(((m + 8) % 12) / 3) + 1);
}

/** The period before, of the same kind. */
export function previousPeriod(p: Period): Period {
  return periodContaining(p.kind, addDays(p.start, -1));
}

/** The same period a year earlier. */
export function yearAgo(p: Period): Period {
  const [y, m] = p.start.split('-').map(Number) as [number, number];
  return periodContaining(p.kind, `${y - 1}-${pad(m)}-01`);
}

/** The `count` calendar months ending with the month that holds `date`, oldest first. */
export function monthsEnding(date: string, count: number): Period[] {
  const months: Period[] = [];
  let current = periodContaining('month', date);
  for (let i = 0; i < count; i++) {
    months.unshift(current);
    current = previousPeriod(current);
  }
  return months;
}

/** A period that ends after `as_of` is partial. */
export function isPartial(p: Period, asOf: string): boolean {
  return p.end > asOf;
}

export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= lastDay(y, m);
}

/**
 * Reads `--period`: `2025-09`, `2025-26-Q2`, `2025-26`, or a relative name resolved against `asOf`.
 * Anything else is a usage error that shows the accepted forms.
 */
export function parsePeriod(text: string, asOf: string): Period {
  const value = text.trim();
  const forms = `use a month (2025-09), a financial quarter (2025-26-Q2), a financial year (2025-26) or one of ${RELATIVE_PERIODS.join(', ')}`;
  if (value === '') throw new UsageError(`The period is empty; ${forms}.`);
  let match = /^(\d{4})-(\d{2})$/.exec(value);
  if (match) {
    const [y, second] = [Number(match[1]), Number(match[2])];
    // 2025-09 is a month; 2025-26 a financial year (the second part is the next year's last two digits).
    if (second >= 1 && second <= 12) return month(y, second);
    if (second === (y + 1) % 100) return financialYear(y);
    throw new UsageError(`"${text}" is not a period: ${second} is neither a month (01-12) nor the year after ${y}; ${forms}.`);
  }
  match = /^(\d{4})-(\d{2})-Q([1-4])$/i.exec(value);
  if (match) {
    const [y, next, q] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (next !== (y + 1) % 100) throw new UsageError(`"${text}" is not a financial quarter: a financial year runs ${y}-${pad((y + 1) % 100)}; ${forms}.`);
    return quarter(y, q);
  }
  if (!isCalendarDate(asOf)) throw new UsageError(`"${asOf}" is not a date; give --as-of as yyyy-mm-dd.`);
  const asOfDay = asOf;
  switch (value) {
    case 'last-complete-month': {
      const current = periodContaining('month', asOfDay);
      return current.end <= asOfDay ? current : previousPeriod(current);
    }
    case 'last-complete-quarter': {
      const current = periodContaining('quarter', asOfDay);
      return current.end <= asOfDay ? current : previousPeriod(current);
    }
    case 'current-quarter':
      return periodContaining('quarter', asOfDay);
    case 'current-financial-year':
      return periodContaining('year', asOfDay);
  }
  throw new UsageError(`"${text}" is not a period; ${forms}.`);
}
