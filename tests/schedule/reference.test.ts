import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../pipelines/schedule/slots.ts';

// Expected instants from croniter (another project's implementation of the same cron rules),
// written by scripts/schedule-reference.py into reference-croniter.json; the file names the
// version. The cases cover both Europe/London clock changes of 2027 (28 March, 31 October)
// and day of month with day of week.

interface Case {
  expression: string;
  after: string;
  next: string[];
  why?: string;
}
interface Reference {
  implementation: string;
  version: string;
  timezone: string;
  cases: Case[];
  departures: Case[];
}

const reference = JSON.parse(readFileSync(new URL('./reference-croniter.json', import.meta.url), 'utf8')) as Reference;

function nextRuns(expression: string, after: string, count: number): string[] {
  const schedule = compileSchedule(expression, reference.timezone);
  const out: string[] = [];
  for (let t = new Date(after); out.length < count; ) {
    t = schedule.nextAfter(t);
    out.push(t.toISOString().replace('.000Z', 'Z'));
  }
  return out;
}

describe(`schedules agree with ${reference.implementation} ${reference.version}`, () => {
  it('lists every departure with its reason', () => {
    expect(reference.departures.map((d) => d.expression).sort()).toEqual(['*/15 1 * * *', '30 * * * *', '30 1 * * *', '59 0 * * *']);
    expect(reference.departures.every((d) => (d.why ?? '').length > 20)).toBe(true);
  });

  it('names the reference implementation and its version, and covers both clock changes and the two day fields together', () => {
    expect(reference.implementation).toBe('croniter');
    expect(reference.version).toBe('1.3.5');
    const all = reference.cases.flatMap((c) => c.next);
    expect(all.some((t) => t.startsWith('2027-03-28T01:'))).toBe(true);
    expect(all.some((t) => t.startsWith('2027-10-31T01:'))).toBe(true);
    expect(reference.cases.filter((c) => /^\S+ \S+ [^*\s]\S* \S+ [^*\s]/.test(c.expression)).length).toBeGreaterThanOrEqual(6);
  });

  for (const c of reference.cases) {
    it(`"${c.expression}" after ${c.after}`, () => {
      expect(nextRuns(c.expression, c.after, c.next.length)).toEqual(c.next);
    });
  }

  // Where croniter 1.3.5 departs from Vixie cron on a clock-change day, boardpack follows Vixie;
  // the instants below are worked by hand (28 March 2027: 01:00 GMT -> 02:00 BST at 01:00 UTC;
  // 31 October 2027: 02:00 BST -> 01:00 GMT at 01:00 UTC).
  const vixie: Record<string, string[]> = {
    // Fixed time in the gap: once, at 02:00 BST (01:00 UTC), then 01:30 BST.
    '30 1 * * *': ['2027-03-26T01:30:00Z', '2027-03-27T01:30:00Z', '2027-03-28T01:00:00Z', '2027-03-29T00:30:00Z', '2027-03-30T00:30:00Z', '2027-03-31T00:30:00Z', '2027-04-01T00:30:00Z', '2027-04-02T00:30:00Z'],
    // Before the gap, so untouched: 00:59 GMT on 28 March, then 00:59 BST.
    '59 0 * * *': ['2027-03-26T00:59:00Z', '2027-03-27T00:59:00Z', '2027-03-28T00:59:00Z', '2027-03-28T23:59:00Z', '2027-03-29T23:59:00Z', '2027-03-30T23:59:00Z', '2027-03-31T23:59:00Z', '2027-04-01T23:59:00Z'],
    // Wildcard: 00:30 GMT, no 01:30 (in the gap), 02:30 BST onwards.
    '30 * * * *': ['2027-03-27T23:30:00Z', '2027-03-28T00:30:00Z', '2027-03-28T01:30:00Z', '2027-03-28T02:30:00Z', '2027-03-28T03:30:00Z', '2027-03-28T04:30:00Z', '2027-03-28T05:30:00Z', '2027-03-28T06:30:00Z'],
    // Step in the minute: 01:00-01:45 BST, then 01:00-01:45 GMT again.
    '*/15 1 * * *': ['2027-10-31T00:00:00Z', '2027-10-31T00:15:00Z', '2027-10-31T00:30:00Z', '2027-10-31T00:45:00Z', '2027-10-31T01:00:00Z', '2027-10-31T01:15:00Z', '2027-10-31T01:30:00Z', '2027-10-31T01:45:00Z'],
  };
  for (const d of reference.departures) {
    it(`"${d.expression}" after ${d.after}: Vixie cron's rule where ${reference.implementation} differs (${d.why})`, () => {
      const expected = vixie[d.expression]!;
      expect(nextRuns(d.expression, d.after, expected.length)).toEqual(expected);
      expect(d.next).not.toEqual(expected);
    });
  }

  it('reads "0 0 13 * 5" as every 13th and every Friday (worked by hand: Fri 6, Fri 13 Aug, Fri 20, Fri 27, Mon 13 Sep 2027, midnight BST)', () => {
    expect(nextRuns('0 0 13 * 5', '2027-08-01T00:00:00Z', 6)).toEqual(['2027-08-05T23:00:00Z', '2027-08-12T23:00:00Z', '2027-08-19T23:00:00Z', '2027-08-26T23:00:00Z', '2027-09-02T23:00:00Z', '2027-09-09T23:00:00Z']);
    expect(nextRuns('0 0 13 * 5', '2027-09-10T00:00:00Z', 2)).toEqual(['2027-09-12T23:00:00Z', '2027-09-16T23:00:00Z']);
  });
});
