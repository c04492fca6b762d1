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

  it('refuses a bad expression or time zone with one sentence naming the setting', () => {
    expect(() => london('30 2 * *')).toThrow('Configuration "schedule.cron" "30 2 * *" is not a cron expression; use five fields (minute hour day month weekday) or six with seconds, e.g. "30 2 * * *".');
    expect(() => compileSchedule('30 2 * * *', 'Europe/Lundun')).toThrow('Configuration "schedule.timezone" "Europe/Lundun" is not a time zone; use an IANA name such as Europe/London.');
  });
});
