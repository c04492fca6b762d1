import cron from 'node-cron';
import { UsageError } from '../lib/errors.ts';

/**
 * When the nightly job is due, in a time zone, for a cron expression in node-cron syntax
 * (five fields, or six with seconds). node-cron parses and validates the expression; the
 * instants are computed here because node-cron 4.6 skips a 01:30 job on both daylight-saving
 * Sundays in Europe/London. The rule here, as in Vixie cron: a wall time that does not exist
 * (clocks go forward) runs at the first instant after the gap; a wall time that happens twice
 * (clocks go back) runs once, at its first occurrence.
 */

export interface Schedule {
  expression: string;
  timezone: string;
  /** The first slot strictly after `after`. */
  nextAfter(after: Date): Date;
  /** The latest slot at or before `at`, or null when there was none in the last 400 days. */
  previousAtOrBefore(at: Date): Date | null;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export function compileSchedule(expression: string, timezone: string): Schedule {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
  } catch {
    throw new UsageError(`Configuration "schedule.timezone" "${timezone}" is not a time zone; use an IANA name such as Europe/London.`);
  }
  if (!cron.validate(expression)) throw new UsageError(`Configuration "schedule.cron" "${expression}" is not a cron expression; use five fields (minute hour day month weekday) or six with seconds, e.g. "30 2 * * *".`);
  const fields = cron.parse(expression);
  const numbers = (values: (number | string)[], name: string) => {
    if (values.some((v) => typeof v !== 'number')) throw new UsageError(`Configuration "schedule.cron" "${expression}": the ${name} field may only hold numbers, ranges, lists and steps here.`);
    return [...(values as number[])].sort((a, b) => a - b);
  };
  const seconds = numbers(fields.second, 'seconds');
  const minutes = numbers(fields.minute, 'minute');
  const hours = numbers(fields.hour, 'hour');
  const months = new Set(numbers(fields.month, 'month'));
  const weekdays = new Set(numbers(fields.dayOfWeek, 'weekday').map((d) => d % 7));
  const lastDay = fields.dayOfMonth.includes('L');
  const days = new Set(numbers(fields.dayOfMonth.filter((d) => d !== 'L'), 'day of month'));
  const wall = wallClock(timezone);

  const matchesDay = (y: number, m: number, d: number) => {
    const date = new Date(Date.UTC(y, m - 1, d));
    const isLast = new Date(Date.UTC(y, m, 0)).getUTCDate() === d;
    return months.has(m) && (days.has(d) || (lastDay && isLast)) && weekdays.has(date.getUTCDay());
  };

  /**
   * Wall time to instant for one day. With one offset around the day it is a subtraction;
   * on a day the clocks change, a wall time before the change uses the old offset, after it
   * the new one, both (clocks back) the first, neither (clocks forward) the change itself.
   */
  const dayMapping = (y: number, m: number, d: number): ((w: number) => number) => {
    const midnight = Date.UTC(y, m - 1, d);
    let [lo, hi] = [midnight - 14 * HOUR, midnight + DAY + 14 * HOUR];
    const [oldOffset, newOffset] = [wall(lo) - lo, wall(hi) - hi];
    if (oldOffset === newOffset) return (w) => w - oldOffset;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (wall(mid) - mid === newOffset) hi = mid;
      else lo = mid;
    }
    const change = hi;
    return (w) => {
      if (w - oldOffset < change) return w - oldOffset;
      if (w - newOffset >= change) return w - newOffset;
      return change;
    };
  };

  const nextAfter = (after: Date): Date => {
    const t = after.getTime();
    // Slots run in wall-time order, so none after `after` falls on an earlier local date.
    const start = new Date(Math.floor(wall(t) / DAY) * DAY);
    for (let i = 0; i < 366 * 8 + 4; i++) {
      const day = new Date(start.getTime() + i * DAY);
      const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
      if (!matchesDay(y, m, d)) continue;
      const toInstant = dayMapping(y, m, d);
      for (const h of hours) {
        for (const mi of minutes) {
          for (const s of seconds) {
            const instant = toInstant(Date.UTC(y, m - 1, d, h, mi, s));
            if (instant > t) return new Date(instant);
          }
        }
      }
    }
    throw new UsageError(`Configuration "schedule.cron" "${expression}" never comes round; fix the expression.`);
  };

  const previousAtOrBefore = (at: Date): Date | null => {
    const t = at.getTime();
    for (let window = 60_000; window <= 400 * DAY; window *= 2) {
      let slot = nextAfter(new Date(t - window));
      if (slot.getTime() > t) continue;
      for (let next = nextAfter(slot); next.getTime() <= t; next = nextAfter(slot)) slot = next;
      return slot;
    }
    return null;
  };

  return { expression, timezone, nextAfter, previousAtOrBefore };
}

/** An instant's wall-clock time in the zone, as the UTC milliseconds of the same reading. */
function wallClock(timezone: string): (instant: number) => number {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  return (instant) => {
    const p = Object.fromEntries(format.formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  };
}
