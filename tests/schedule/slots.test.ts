import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../pipelines/schedule/slots.ts';

// Europe/London in 2027: clocks go forward at 01:00 UTC on Sunday 28 March (01:00 GMT -> 02:00 BST)
// and back at 01:00 UTC on Sunday 31 October (02:00 BST -> 01:00 GMT).
const london = (expression: string) => compileSchedule(expression, 'Europe/London');
const iso = (d: Date | null) => d?.toISOString() ?? null;

function slotsBetween(expression: string, from: string, to: string): string[] {
  const schedule = london(expression);
  const out: string[] = [];
  for (let t = schedule.nextAfter(new Date(from)); t < new Date(to); t = schedule.nextAfter(t)) out.push(t.toISOString());
  return out;
}

describe('compileSchedule', () => {
  it('runs a 01:30 job at 01:30 local time: 01:30 UTC in winter, 00:30 UTC in summer', () => {
    expect(slotsBetween('30 1 * * *', '2027-01-10T00:00:00Z', '2027-01-12T00:00:00Z')).toEqual(['2027-01-10T01:30:00.000Z', '2027-01-11T01:30:00.000Z']);
    expect(slotsBetween('30 1 * * *', '2027-07-10T00:00:00Z', '2027-07-12T00:00:00Z')).toEqual(['2027-07-10T00:30:00.000Z', '2027-07-11T00:30:00.000Z']);
  });

  it('runs a 01:30 job once on the Sunday clocks go forward, when 01:30 does not exist: at the end of the gap, 02:00 BST', () => {
    expect(slotsBetween('30 1 * * *', '2027-03-27T00:00:00Z', '2027-03-30T00:00:00Z')).toEqual([
      '2027-03-27T01:30:00.000Z', // Saturday 01:30 GMT
      '2027-03-28T01:00:00.000Z', // Sunday: 02:00 BST, the first instant after the gap
      '2027-03-29T00:30:00.000Z', // Monday 01:30 BST
    ]);
  });

  it('runs a 01:30 job once on the Sunday clocks go back, when 01:30 happens twice: the first time', () => {
    expect(slotsBetween('30 1 * * *', '2027-10-30T00:00:00Z', '2027-11-02T00:00:00Z')).toEqual([
      '2027-10-30T00:30:00.000Z', // Saturday 01:30 BST
      '2027-10-31T00:30:00.000Z', // Sunday 01:30 BST, not again at 01:30 GMT
      '2027-11-01T01:30:00.000Z', // Monday 01:30 GMT
    ]);
  });

  it('keeps the default 02:30 job once a day across both changes', () => {
    expect(slotsBetween('30 2 * * *', '2027-03-27T12:00:00Z', '2027-03-29T12:00:00Z')).toEqual(['2027-03-28T01:30:00.000Z', '2027-03-29T01:30:00.000Z']);
    expect(slotsBetween('30 2 * * *', '2027-10-30T12:00:00Z', '2027-11-01T12:00:00Z')).toEqual(['2027-10-31T02:30:00.000Z', '2027-11-01T02:30:00.000Z']);
  });

  it('takes seconds, weekdays and the last day of the month', () => {
    expect(slotsBetween('*/20 * * * * *', '2027-06-01T10:00:00Z', '2027-06-01T10:01:00Z')).toEqual(['2027-06-01T10:00:20.000Z', '2027-06-01T10:00:40.000Z']);
    // Friday 4 June 2027, then Monday 7 June: 09:00 BST is 08:00 UTC.
    expect(slotsBetween('0 9 * * MON-FRI', '2027-06-04T12:00:00Z', '2027-06-08T00:00:00Z')).toEqual(['2027-06-07T08:00:00.000Z']);
    expect(slotsBetween('0 6 L * *', '2027-02-01T00:00:00Z', '2027-04-01T00:00:00Z')).toEqual(['2027-02-28T06:00:00.000Z', '2027-03-31T05:00:00.000Z']);
  });

  it('finds the latest slot at or before an instant, for catching up', () => {
    const schedule = london('30 2 * * *');
    expect(iso(schedule.previousAtOrBefore(new Date('2027-06-05T09:00:00Z')))).toBe('2027-06-05T01:30:00.000Z');
    expect(iso(schedule.previousAtOrBefore(new Date('2027-06-05T01:30:00Z')))).toBe('2027-06-05T01:30:00.000Z');
    expect(iso(schedule.previousAtOrBefore(new Date('2027-06-05T01:29:59Z')))).toBe('2027-06-04T01:30:00.000Z');
    expect(iso(london('0 0 1 1 *').previousAtOrBefore(new Date('2027-06-05T00:00:00Z')))).toBe('2027-01-01T00:00:00.000Z');
  });

  it('finds a yearly slot however far back it is: 11 months, and a 29 February four years back', () => {
    // 01:30 on 29 March 2027 is BST: 00:30 UTC. Asked on 1 March 2028, 11 months later.
    expect(iso(london('30 1 29 3 *').previousAtOrBefore(new Date('2028-03-01T12:00:00Z')))).toBe('2027-03-29T00:30:00.000Z');
    // And the day before the next one, 365 days on (a fixed look-back of about 364 days missed it).
    expect(iso(london('30 1 29 3 *').previousAtOrBefore(new Date('2028-03-28T12:00:00Z')))).toBe('2027-03-29T00:30:00.000Z');
    expect(iso(london('0 0 29 2 *').previousAtOrBefore(new Date('2031-06-01T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(london('@yearly').previousAtOrBefore(new Date('2027-12-31T23:59:59Z')))).toBe('2027-01-01T00:00:00.000Z');
  });

  it('agrees backwards with forwards: the slot found back is at or before the instant and the next slot after it is later', () => {
    // Instants every 61 h 7 min 13 s from 2027 to 2029 (both clock changes each year), plus the changes themselves.
    const instants = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2027, 0, 1) + i * 219_633_000));
    instants.push(...['2027-03-28T01:00:00Z', '2027-10-31T00:59:59Z', '2027-10-31T01:00:00Z', '2027-10-31T01:30:00Z'].map((t) => new Date(t)));
    for (const expression of ['30 1 29 3 *', '0 0 13 * 5', '30 1 * * *', '0,30 * * * *', '@yearly', '0 0 29 2 *', '0 6 L * *', '15 1 * 3,10 0']) {
      const schedule = london(expression);
      for (const at of instants) {
        const back = schedule.previousAtOrBefore(at)!;
        expect(back.getTime(), `${expression} at ${at.toISOString()}`).toBeLessThanOrEqual(at.getTime());
        expect(schedule.nextAfter(back).getTime(), `${expression} at ${at.toISOString()}`).toBeGreaterThan(at.getTime());
      }
    }
  });

  it('combines a restricted day of month and day of week with OR, as cron does, backwards too', () => {
    // Every 13th and every Friday: from Wednesday 1 September 2027 back, Friday 27 August is the latest.
    expect(iso(london('0 0 13 * 5').previousAtOrBefore(new Date('2027-09-01T12:00:00Z')))).toBe('2027-08-26T23:00:00.000Z');
    // Tuesday 14 September back: Monday 13th comes before Friday 10th.
    expect(iso(london('0 0 13 * 5').previousAtOrBefore(new Date('2027-09-14T12:00:00Z')))).toBe('2027-09-12T23:00:00.000Z');
    // A day field that starts with * is unrestricted (Vixie cron): both must match, so only a 13th
    // that is a Sunday or a Friday (*/5 is 0 and 5): Sunday 13 June and Friday 13 August 2027.
    expect(slotsBetween('0 0 13 * */5', '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual(['2027-06-12T23:00:00.000Z', '2027-08-12T23:00:00.000Z']);
    expect(slotsBetween('0 0 13 * 5', '2027-09-01T00:00:00Z', '2027-09-15T00:00:00Z')).toEqual(['2027-09-02T23:00:00.000Z', '2027-09-09T23:00:00.000Z', '2027-09-12T23:00:00.000Z']);
    // 30 February never comes, but Mondays in February do.
    expect(slotsBetween('0 0 30 2 mon', '2027-01-25T00:00:00Z', '2027-03-10T00:00:00Z')).toEqual(['2027-02-01T00:00:00.000Z', '2027-02-08T00:00:00.000Z', '2027-02-15T00:00:00.000Z', '2027-02-22T00:00:00.000Z']);
  });

  it('takes Vixie cron macros as the expressions they stand for', () => {
    expect(slotsBetween('@hourly', '2027-10-31T00:10:00Z', '2027-10-31T03:00:00Z')).toEqual([
      '2027-10-31T01:00:00.000Z', // 01:00 GMT, the second 01:00: a wildcard hour runs both times
      '2027-10-31T02:00:00.000Z',
    ]);
    expect(slotsBetween('@daily', '2027-06-01T00:00:00Z', '2027-06-03T00:00:00Z')).toEqual(['2027-06-01T23:00:00.000Z', '2027-06-02T23:00:00.000Z']);
    expect(slotsBetween('@weekly', '2027-06-01T00:00:00Z', '2027-06-14T00:00:00Z')).toEqual(['2027-06-05T23:00:00.000Z', '2027-06-12T23:00:00.000Z']);
    expect(slotsBetween('@monthly', '2027-06-01T00:00:00Z', '2027-08-01T00:00:00Z')).toEqual(['2027-06-30T23:00:00.000Z', '2027-07-31T23:00:00.000Z']);
    expect(slotsBetween('@annually', '2027-06-01T00:00:00Z', '2029-06-01T00:00:00Z')).toEqual(['2028-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z']);
    expect(slotsBetween('@midnight', '2027-01-01T12:00:00Z', '2027-01-02T12:00:00Z')).toEqual(['2027-01-02T00:00:00.000Z']);
  });

  it('runs a wildcard job through the repeated hour both times, and not in the gap', () => {
    expect(slotsBetween('0,30 * * * *', '2027-10-30T23:45:00Z', '2027-10-31T02:00:00Z')).toEqual([
      '2027-10-31T00:00:00.000Z',
      '2027-10-31T00:30:00.000Z', // 01:00 and 01:30 BST
      '2027-10-31T01:00:00.000Z',
      '2027-10-31T01:30:00.000Z', // 01:00 and 01:30 GMT
    ]);
    expect(slotsBetween('0,30 * * * *', '2027-03-28T00:15:00Z', '2027-03-28T02:00:00Z')).toEqual([
      '2027-03-28T00:30:00.000Z', // 00:30 GMT; 01:00 and 01:30 do not exist
      '2027-03-28T01:00:00.000Z',
      '2027-03-28T01:30:00.000Z', // 02:00 and 02:30 BST
    ]);
    // A fixed-time job with two times in the gap: one run when the clocks jump, at 02:00 BST.
    expect(slotsBetween('0,30 1 * * *', '2027-03-28T00:00:00Z', '2027-03-29T00:00:00Z')).toEqual(['2027-03-28T01:00:00.000Z']);
  });

  it('refuses a bad expression or time zone with one sentence naming the setting', () => {
    expect(() => london('30 2 * *')).toThrow(
      'Configuration "schedule.cron" "30 2 * *" is not a cron expression; use five fields (minute hour day month weekday), six with seconds, or one of @hourly, @daily, @weekly, @monthly, @yearly, e.g. "30 2 * * *".',
    );
    expect(() => compileSchedule('30 2 * * *', 'Europe/Lundun')).toThrow('Configuration "schedule.timezone" "Europe/Lundun" is not a time zone; use an IANA name such as Europe/London.');
    expect(() => london('30 25 * * *')).toThrow('Configuration "schedule.cron" "30 25 * * *": the hour field "25" is out of range; use numbers 0-23, with ranges (a-b), lists (a,b) and steps (*/n, a-b/n).');
    expect(() => london('0 0 * * 5L')).toThrow('Configuration "schedule.cron" "0 0 * * 5L": the day-of-week field "5L" is not understood; use numbers 0-7 or names, with ranges (a-b), lists (a,b) and steps (*/n, a-b/n).');
    expect(() => london('0 0 * * FRI-MON')).toThrow('Configuration "schedule.cron" "0 0 * * FRI-MON": the day-of-week field "FRI-MON" has a range that runs backwards; write the lower end first.');
    expect(() => london('@reboot')).toThrow(
      'Configuration "schedule.cron" "@reboot" is not a schedule boardpack can keep; use five fields (minute hour day month weekday), six with seconds, or one of @hourly, @daily, @weekly, @monthly, @yearly.',
    );
  });

  it('says an expression that never runs never runs, rather than that it is not cron', () => {
    expect(() => london('0 0 30 2 *')).toThrow('Configuration "schedule.cron" "0 0 30 2 *" never runs: none of the months it names has the day of the month it names; fix the day or the month.');
    expect(() => london('0 0 31 4,6,9,11 *')).toThrow('never runs');
    expect(() => london('0 0 31 4 */2')).toThrow('never runs');
    expect(london('0 0 31 4,5 *').nextAfter(new Date('2027-01-01T00:00:00Z')).toISOString()).toBe('2027-05-30T23:00:00.000Z');
  });
});
