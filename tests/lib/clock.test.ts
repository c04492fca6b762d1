import { describe, expect, it } from 'vitest';
import { londonDate, prepareLondonDates } from '../../pipelines/lib/clock.ts';
import { createDb, DEFAULT_DB_SETTINGS } from '../../pipelines/lib/db.ts';

// Calendar dates are Europe/London's: an instant late in a British Summer Time evening is already
// the next day there; the formatter made early (while DuckDB opens) gives the same dates.

describe('londonDate', () => {
  it('gives the date in London, in summer time and out of it, the same before and after it is prepared', () => {
    const cases: [string, string][] = [
      ['2025-03-30T00:59:59Z', '2025-03-30'], // 00:59 GMT, a minute before the clocks go forward
      ['2025-06-30T22:59:59Z', '2025-06-30'], // 23:59 BST
      ['2025-06-30T23:00:00Z', '2025-07-01'], // 00:00 BST: already July in London
      ['2025-10-25T23:30:00Z', '2025-10-26'], // 00:30 BST on the night the clocks go back
      ['2025-12-31T23:59:59Z', '2025-12-31'], // 23:59 GMT
    ];
    const before = cases.map(([instant]) => londonDate(new Date(instant)));
    prepareLondonDates();
    expect(cases.map(([instant]) => londonDate(new Date(instant)))).toEqual(before);
    expect(before).toEqual(cases.map(([, date]) => date));
  });
});

describe('createDb', () => {
  it("runs the caller's set-up once while DuckDB opens the database", async () => {
    let calls = 0;
    const db = await createDb(':memory:', DEFAULT_DB_SETTINGS, () => {
      calls += 1;
    });
    try {
      expect(calls).toBe(1);
      expect(await db.all('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      db.close();
    }
  });
});
