import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { parsePeriod } from '../../pipelines/lib/periods.ts';
import type { MetricDefinition } from '../../pipelines/metrics/catalog.ts';
import { runMetrics } from '../../pipelines/metrics/runMetrics.ts';

// A breakdown keeps the order its SQL gives for the period, while its comparison periods are measured
// together (one statement, whose rows come in no set order) and matched to the period's rows by key.
// Here the SQL orders by value, largest first, so each period has its own order.

let db: Db;
beforeAll(async () => {
  db = await createDb(':memory:');
  // Q2 2026-27 (Jul-Sep 2026): Phishing 5, Malware 3, Hacking 1. Q1 (Apr-Jun 2026): Hacking 4, Phishing 2,
  // Fraud 1 (no Malware). Q2 2025-26 (Jul-Sep 2025): Malware 6, Phishing 0.25 + 0.5 (in pounds, two rows).
  await db.run(`create table cases as select * from (values
    (date '2026-07-02', 'Phishing', 2.0), (date '2026-08-02', 'Phishing', 3.0), (date '2026-09-02', 'Malware', 3.0), (date '2026-09-30', 'Hacking', 1.0),
    (date '2026-04-01', 'Hacking', 4.0), (date '2026-05-01', 'Phishing', 2.0), (date '2026-06-30', 'Fraud', 1.0),
    (date '2025-07-01', 'Malware', 6.0), (date '2025-08-01', 'Phishing', 0.25), (date '2025-09-30', 'Phishing', 0.5)) t(on_day, kind, amount)`);
});
afterAll(() => db.close());

const metric: MetricDefinition = {
  meta: { id: 'TST-01', title: 'By kind', definition: 'Amount by kind', unit: 'gbp', decimals: 2, direction: 'neutral', grain: 'quarter', owner: 'Test', target: null, tolerance: null, caveats: [], breakdown: true, datasets: [] },
  sql: `with cases as (select * from cases),
    final as (select kind as key, sum(amount) as value from cases where on_day between $start and $end group by kind order by value desc, key)
    select * from final`,
  sqlPath: 'queries/metrics/TST-01.sql',
  sqlSha256: '',
  definitionSha256: '',
};

describe('a breakdown measured for its period and its comparisons', () => {
  it("lists the period's keys in its SQL's order, with each comparison's value found by key", async () => {
    const run = await runMetrics(db, [metric], { period: parsePeriod('2026-27-Q2', '2026-10-14'), asOf: '2026-10-14' });
    const [result] = run.results;
    expect(result!.breakdown).toEqual([
      { key: 'Phishing', value: 5, previous: 2, year_ago: 0.75 },
      { key: 'Malware', value: 3, previous: null, year_ago: 6 },
      { key: 'Hacking', value: 1, previous: 4, year_ago: null },
    ]);
    // Totals of every row each period gave, Fraud (not in this period) included in the previous one's.
    expect([result!.value, result!.previous, result!.year_ago]).toEqual([9, 7, 6.75]);
    expect([result!.change, result!.year_change]).toEqual([2, 2.25]);
  });
});
