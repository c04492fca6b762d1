/** Dates as integer day numbers (days since 1970-01-01 UTC), formatted dd/mm/yyyy as Excel writes them. */

const DAY_MS = 86_400_000;

export function isoToDay(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return dt.getTime() / DAY_MS;
}

/** The inverse of dayToDmy for the generator's own dd/mm/yyyy output; null for anything else. */
export function dmyToDay(s: string): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  return m ? isoToDay(`${m[3]}-${m[2]}-${m[1]}`) : null;
}

export function dayToDmy(day: number): string {
  const dt = new Date(day * DAY_MS);
  return `${pad(dt.getUTCDate(), 2)}/${pad(dt.getUTCMonth() + 1, 2)}/${dt.getUTCFullYear()}`;
}

export const isoYearStart = (year: number): number => Date.UTC(year, 0, 1) / DAY_MS;
export const yearOf = (day: number): number => new Date(day * DAY_MS).getUTCFullYear();
export const monthOf = (day: number): number => new Date(day * DAY_MS).getUTCMonth(); // 0 = January
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7; // 0 = Sunday; day 0 was a Thursday

/** Pre-formatted dates for the hot path (the incidents loop). */
export class Calendar {
  private readonly labels: string[] = [];
  private readonly cells: string[] = [];

  constructor(
    private readonly first: number,
    last: number,
  ) {
    for (let d = first; d <= last; d++) {
      const label = dayToDmy(d);
      this.labels.push(label);
      this.cells.push(`${label},`);
    }
  }

  dmy(day: number): string {
    return this.labels[day - this.first] ?? dayToDmy(day);
  }

  /** The date as a finished CSV cell (with its trailing comma). */
  cell(day: number): string {
    return this.cells[day - this.first] ?? `${dayToDmy(day)},`;
  }
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
