import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { runForPeriods } from '../../pipelines/metrics/periodsSql.ts';

// One query for a single-row metric over many periods gives each period what a query of its own gives.

let db: Db;
beforeAll(async () => {
  db = await createDb(':memory:');
  await db.run(`create table events as select * from (values (date '2025-07-03', 2), (date '2025-07-31', 3), (date '2025-08-15', 5), (date '2025-10-01', 7)) t(on_day, n)`);
});
afterAll(() => db.close());

const JULY = { start: '2025-07-01', end: '2025-07-31' };
const AUGUST = { start: '2025-08-01', end: '2025-08-31' };
const SEPTEMBER = { start: '2025-09-01', end: '2025-09-30' };
const QUARTER = { start: '2025-07-01', end: '2025-09-30' };

describe('runForPeriods', () => {
  it('counts each period, 0 for a period with nothing in it, with $as_of bound for all', async () => {
    const sql = `with events as (select * from events),
      final as (select count(*) as value, sum(n) filter (where on_day <= $as_of - 30) as numerator from events where on_day between $start and $end)
      select * from final`;
    const { rows, columns, mostRows } = await runForPeriods(db, sql, [QUARTER, JULY, AUGUST, SEPTEMBER], { as_of: '2025-08-31' });
    expect(columns).toEqual(['value', 'numerator']);
    expect(mostRows).toBe(1);
    // As of 31 August, 30 days back is 1 August: July's events (2 + 3) are old enough, August's 5 is not.
    expect(rows).toEqual([
      { value: 3, numerator: 5 },
      { value: 2, numerator: 5 },
      { value: 1, numerator: null },
      { value: 0, numerator: null },
    ]);
  });

  it('gives no row for a period where the SQL gives none, and the same period twice alike', async () => {
    const { rows } = await runForPeriods(db, 'select max(n) as value from events where on_day between $start and $end having count(*) > 0', [SEPTEMBER, AUGUST, AUGUST], {});
    expect(rows).toEqual([undefined, { value: 5 }, { value: 5 }]);
  });

  it('counts the rows a period gives, so a metric meant to give one row can be refused for giving two', async () => {
    const { mostRows } = await runForPeriods(db, 'select n as value from events where on_day between $start and $end', [QUARTER, SEPTEMBER], {});
    // The quarter holds July's two events and August's one: three rows where a single-row metric gives one.
    expect(mostRows).toBe(3);
  });

  it('binds the dates as parameters: a period is never written into the SQL', async () => {
    // Text that is not a date stays text, bound as a value: DuckDB refuses to compare it with a date.
    await expect(runForPeriods(db, 'select count(*) as value from events where on_day between $start and $end', [{ start: "2025-07-01' or '1'='1", end: '2025-07-31' }], {})).rejects.toThrow(/Cannot mix values of type DATE and VARCHAR/);
  });
});
