/**
 * The clock is a parameter so stages and tests never read the global time.
 * Calendar dates are Europe/London dates (docs/metrics.md): no time-zone arithmetic on dates.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock {
  const instant = new Date(iso);
  return { now: () => new Date(instant) };
}

/** The calendar date (yyyy-mm-dd) of an instant in Europe/London. */
export function londonDate(instant: Date): string {
  return londonFormat().format(instant);
}

/**
 * Makes the Europe/London formatter now. The first costs some 17 ms (ICU loads its time-zone
 * data); commands make it while DuckDB opens the database on its own threads (lib/db.ts).
 */
export function prepareLondonDates(): void {
  londonFormat();
}

let london: Intl.DateTimeFormat | null = null;

function londonFormat(): Intl.DateTimeFormat {
  // en-CA formats as yyyy-mm-dd.
  london ??= new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
  return london;
}
