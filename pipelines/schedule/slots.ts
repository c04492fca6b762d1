import { UsageError } from '../lib/errors.ts';
import { parseCron } from './cronFields.ts';

/**
 * When the nightly job is due, in a time zone, for a cron expression read as Vixie cron reads
 * it (see cronFields.ts and docs/schedule.md). On the days the clocks change, Vixie cron's rules:
 * - a fixed-time job (minute and hour both fixed, e.g. `30 1 * * *`) whose wall time does not
 *   exist (clocks go forward) runs once, at the first instant after the gap; one whose wall time
 *   happens twice (clocks go back) runs once, at its first occurrence;
 * - a wildcard job (minute or hour field starting with `*`, e.g. `*\/15 * * * *` or `0 * * * *`)
 *   has no slots in the gap, and runs through the repeated hour both times.
 */

export interface Schedule {
  expression: string;
  timezone: string;
  /** The first slot strictly after `after`. */
  nextAfter(after: Date): Date;
  /**
   * The latest slot at or before `at`, however far back: the search is bounded by the schedule's
   * own longest gap (a yearly job finds last year's slot), not by a fixed window. Null only for a
   * schedule with no slot in a 400-year cycle, which compileSchedule refuses.
   */
  previousAtOrBefore(at: Date): Date | null;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Days in the Gregorian calendar's 400-year cycle: a schedule that has no slot in this many days has none at all. */
const CYCLE_DAYS = 146_097;

export function compileSchedule(expression: string, timezone: string): Schedule {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
  } catch {
    throw new UsageError(`Configuration "schedule.timezone" "${timezone}" is not a time zone; use an IANA name such as Europe/London.`);
  }
  const { seconds, minutes, hours, days, lastDay, months, weekdays, dayStar, wildcard } = parseCron(expression);
  const wall = wallClock(timezone);

  // Vixie cron: when both day fields are restricted, a day matching either runs; otherwise it must match both.
  const matchesDay = (y: number, m: number, d: number) => {
    if (!months.has(m)) return false;
    const byDate = days.has(d) || (lastDay && new Date(Date.UTC(y, m, 0)).getUTCDate() === d);
    const byWeekday = weekdays.has(new Date(Date.UTC(y, m - 1, d)).getUTCDay());
    return dayStar ? byDate && byWeekday : byDate || byWeekday;
  };

  /**
   * Wall times of a day's slots, as UTC milliseconds of the same reading, in order (`reverse`:
   * latest first). Forwards, whole hours and minutes with no slot after `bound` are skipped;
   * backwards, those with no slot at or before it: a per-second schedule need not walk the day.
   */
  function* wallTimes(y: number, m: number, d: number, reverse: boolean, bound: number) {
    const order = <T>(list: T[]) => (reverse ? [...list].reverse() : list);
    const skip = (start: number, length: number) => (reverse ? start > bound : start + length - 1000 <= bound);
    for (const h of order(hours)) {
      const hour = Date.UTC(y, m - 1, d, h);
      if (skip(hour, HOUR)) continue;
      for (const mi of order(minutes)) {
        const minute = hour + mi * 60_000;
        if (skip(minute, 60_000)) continue;
        for (const s of order(seconds)) yield minute + s * 1000;
      }
    }
  }

  /**
   * The instants of a day's slots, in order (`reverse`: latest first), lazily, from about `near`
   * (those before it forwards, after it backwards, may be left out). With one offset
   * around the day, each wall time less the offset. On a day the clocks change, a wall time
   * before the change uses the old offset and one after it the new one; in a gap a fixed-time
   * job runs at the change and a wildcard job not at all; in a repeated hour a fixed-time job
   * runs the first time and a wildcard job both times.
   */
  function* daySlots(y: number, m: number, d: number, reverse: boolean, near: number): Generator<number> {
    const midnight = Date.UTC(y, m - 1, d);
    let [lo, hi] = [midnight - 14 * HOUR, midnight + DAY + 14 * HOUR];
    const [oldOffset, newOffset] = [wall(lo) - lo, wall(hi) - hi];
    if (oldOffset === newOffset) {
      for (const w of wallTimes(y, m, d, reverse, near + oldOffset)) yield w - oldOffset;
      return;
    }
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (wall(mid) - mid === newOffset) hi = mid;
      else lo = mid;
    }
    const change = hi;
    const instants = new Set<number>();
    for (const w of wallTimes(y, m, d, false, -Infinity)) {
      const [before, after] = [w - oldOffset, w - newOffset];
      if (before < change) instants.add(before);
      if (after >= change && (wildcard || before >= change)) instants.add(after);
      if (before >= change && after < change && !wildcard) instants.add(change);
    }
    const sorted = [...instants].sort((a, b) => a - b);
    yield* reverse ? sorted.reverse() : sorted;
  }

  const localDay = (t: number) => Math.floor(wall(t) / DAY) * DAY;
  const ymd = (day: number): [number, number, number] => {
    const date = new Date(day);
    return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  };

  const nextAfter = (after: Date): Date => {
    const t = after.getTime();
    // A slot after `after` falls on its local date or later, except where the clocks go back across
    // midnight and the day before repeats its last hour: so the search starts a day early.
    const start = localDay(t) - DAY;
    for (let i = 0; i <= CYCLE_DAYS + 2; i++) {
      const [y, m, d] = ymd(start + i * DAY);
      if (!matchesDay(y, m, d)) continue;
      for (const instant of daySlots(y, m, d, false, t)) if (instant > t) return new Date(instant);
    }
    throw new UsageError(`Configuration "schedule.cron" "${expression}" never runs: no day in a 400-year calendar cycle matches it; fix the expression.`);
  };

  const previousAtOrBefore = (at: Date): Date | null => {
    const t = at.getTime();
    const start = localDay(t) + DAY;
    for (let i = 0; i <= CYCLE_DAYS + 2; i++) {
      const day = start - i * DAY;
      const [y, m, d] = ymd(day);
      if (!matchesDay(y, m, d)) continue;
      for (const instant of daySlots(y, m, d, true, t)) if (instant <= t) return new Date(instant);
    }
    return null;
  };

  // Refuse at once a schedule that would never come round, rather than when the scheduler first asks.
  nextAfter(new Date(Date.UTC(2000, 0, 1)));
  return { expression, timezone, nextAfter, previousAtOrBefore };
}

/** An instant's wall-clock time in the zone, as the UTC milliseconds of the same reading. */
function wallClock(timezone: string): (instant: number) => number {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (instant) => {
    const p = Object.fromEntries(format.formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  };
}
