import { UsageError } from '../lib/errors.ts';

/**
 * A cron expression read as Vixie cron and cronie read it (crontab(5)): five fields
 * (minute hour day-of-month month day-of-week), or six with seconds first; numbers, names
 * (JAN-DEC, SUN-SAT), ranges, lists and steps; 0 and 7 both Sunday; `L` in the day of month
 * for the last day (an extension kept from earlier versions). A field that starts with `*`
 * is unrestricted, as in Vixie: that flag decides how the two day fields combine (either
 * matches when both are restricted, both must match otherwise) and which jobs count as
 * wildcard jobs at a clock change. Parsed here rather than by a library because the ones
 * at hand either reject `0 0 30 2 1` (every Monday in February, as cron reads it) or do
 * not tell `*` and `*\/2` from a list.
 */

export interface CronFields {
  seconds: number[];
  minutes: number[];
  hours: number[];
  days: Set<number>;
  lastDay: boolean;
  months: Set<number>;
  /** 0 (Sunday) to 6. */
  weekdays: Set<number>;
  /** The day-of-month or day-of-week field starts with `*`: a day must match both fields, not either. */
  dayStar: boolean;
  /** The minute or hour field starts with `*` (Vixie's wildcard job): it runs through a repeated hour, not once. */
  wildcard: boolean;
}

/** Vixie cron's macros; `@reboot` has no instants and is refused. */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** The most days each month can have (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface FieldSpec {
  name: string;
  low: number;
  high: number;
  names?: string[];
  nameBase?: number;
}

const SPECS: Record<string, FieldSpec> = {
  second: { name: 'seconds', low: 0, high: 59 },
  minute: { name: 'minute', low: 0, high: 59 },
  hour: { name: 'hour', low: 0, high: 23 },
  day: { name: 'day-of-month', low: 1, high: 31 },
  month: { name: 'month', low: 1, high: 12, names: MONTHS, nameBase: 1 },
  weekday: { name: 'day-of-week', low: 0, high: 7, names: WEEKDAYS, nameBase: 0 },
};

export function parseCron(expression: string): CronFields {
  const setting = `Configuration "schedule.cron" "${expression}"`;
  const text = expression.trim();
  let parts = text.split(/\s+/);
  if (parts.length === 1 && text.startsWith('@')) {
    const macro = MACROS[text.toLowerCase()];
    if (macro === undefined) {
      throw new UsageError(`${setting} is not a schedule boardpack can keep; use five fields (minute hour day month weekday), six with seconds, or one of @hourly, @daily, @weekly, @monthly, @yearly.`);
    }
    parts = macro.split(' ');
  }
  if (parts.length !== 5 && parts.length !== 6) {
    throw new UsageError(`${setting} is not a cron expression; use five fields (minute hour day month weekday), six with seconds, or one of @hourly, @daily, @weekly, @monthly, @yearly, e.g. "30 2 * * *".`);
  }
  const [second, minute, hour, day, month, weekday] = parts.length === 6 ? parts : ['0', ...parts];
  const field = (value: string, key: keyof typeof SPECS) => parseField(value, SPECS[key]!, setting);
  const lastDay = day === 'L';
  const fields: CronFields = {
    seconds: field(second!, 'second'),
    minutes: field(minute!, 'minute'),
    hours: field(hour!, 'hour'),
    days: new Set(lastDay ? [] : field(day!, 'day')),
    lastDay,
    months: new Set(field(month!, 'month')),
    weekdays: new Set(field(weekday!, 'weekday').map((d) => d % 7)),
    dayStar: day!.startsWith('*') || weekday!.startsWith('*'),
    wildcard: minute!.startsWith('*') || hour!.startsWith('*'),
  };
  // With an unrestricted weekday the day of month alone decides, so a day no named month has never comes.
  if (weekday!.startsWith('*') && !lastDay && ![...fields.months].some((m) => [...fields.days].some((d) => d <= MONTH_DAYS[m - 1]!))) {
    throw new UsageError(`${setting} never runs: none of the months it names has the day of the month it names; fix the day or the month.`);
  }
  return fields;
}

/** One field: `*`, or a list of `n`, `a-b`, each optionally `/step` (`*` and ranges only). Sorted, no repeats. */
function parseField(text: string, spec: FieldSpec, setting: string): number[] {
  const values = new Set<number>();
  const usage = `use numbers ${spec.low}-${spec.high}${spec.names ? ' or names' : ''}, with ranges (a-b), lists (a,b) and steps (*/n, a-b/n)`;
  for (const item of text.split(',')) {
    const match = /^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:\/([0-9]+))?$/i.exec(item);
    if (!match) throw new UsageError(`${setting}: the ${spec.name} field "${text}" is not understood; ${usage}.`);
    const [, range, stepText] = match;
    let low = spec.low;
    let high = spec.high;
    if (range !== '*') {
      const [a, b] = range!.split('-').map((v) => value(v, spec, setting, text, usage));
      if (b === undefined && stepText !== undefined) throw new UsageError(`${setting}: the ${spec.name} field "${text}" has a step after a single value; use a range with a step (a-b/n) or */n.`);
      [low, high] = [a!, b ?? a!];
      if (low > high) throw new UsageError(`${setting}: the ${spec.name} field "${text}" has a range that runs backwards; write the lower end first.`);
    } else if (spec.name === 'day-of-week') high = 6;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new UsageError(`${setting}: the ${spec.name} field "${text}" has a step of 0; use a step of 1 or more.`);
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function value(token: string, spec: FieldSpec, setting: string, text: string, usage: string): number {
  const named = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  if (named >= 0) return named + spec.nameBase!;
  if (!/^[0-9]+$/.test(token)) throw new UsageError(`${setting}: the ${spec.name} field "${text}" is not understood; ${usage}.`);
  const n = Number(token);
  if (n < spec.low || n > spec.high) throw new UsageError(`${setting}: the ${spec.name} field "${text}" is out of range; ${usage}.`);
  return n;
}
