import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { periodContaining } from '../../pipelines/lib/periods.ts';
import { buildModels } from '../../pipelines/model/buildModels.ts';
import { loadContracts } from '../../pipelines/ingest/contracts.ts';
import { ensureSchema, writeReferenceTables } from '../../pipelines/ingest/schema.ts';

// The SQL period calendar and the TypeScript periods must name every month alike.

let db: Db;
beforeAll(async () => {
  db = await createDb(':memory:');
  const config = loadConfig();
  const contracts = loadContracts(config);
  await ensureSchema(db, contracts);
  await writeReferenceTables(db, contracts);
  await buildModels(db, config.queriesDir);
});
afterAll(() => db.close());

describe('calendar_months', () => {
  it('agrees with periods.ts on every month, and has the financial-year edges right', async () => {
    const rows = await db.all<{ month_id: string; month_end: Date; financial_year: string; financial_quarter: string }>('select * from calendar_months order by month_start');
    expect(rows).toHaveLength(21 * 12);
    for (const row of rows) {
      const start = `${row.month_id}-01`;
      expect([row.month_id, row.month_end.toISOString().slice(0, 10), row.financial_year, row.financial_quarter]).toEqual([
        periodContaining('month', start).id,
        periodContaining('month', start).end,
        periodContaining('year', start).id,
        periodContaining('quarter', start).id,
      ]);
    }
    const byId = Object.fromEntries(rows.map((r) => [r.month_id, r]));
    expect([byId['2025-03']!.financial_quarter, byId['2025-04']!.financial_quarter, byId['2024-02']!.month_end.toISOString().slice(0, 10)]).toEqual(['2024-25-Q4', '2025-26-Q1', '2024-02-29']);
  });
});
