import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { parsePeriod } from '../../pipelines/lib/periods.ts';
import { UsageError } from '../../pipelines/lib/errors.ts';
import { buildModels } from '../../pipelines/model/buildModels.ts';
import { loadCatalog } from '../../pipelines/metrics/catalog.ts';
import { runMetricsWithMonths } from '../../pipelines/metrics/runMetrics.ts';
import { addSignals, signalMonths } from '../../pipelines/metrics/signals.ts';
import { createTestEnv, csv, type TestEnv } from '../support/env.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Signals on a built series: crimes each month alternate 1 and 3 from July 2025 to June 2026
// (the 12-month baseline before Q2 2026-27: mean 2, every moving range 2, limits
// 2 ± 2.66 × 2 = -3.32 to 7.32), then July 2026 has 2, August 8 (above 7.32) and September 3.

const MONTHS = ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09'];
const COUNTS = [1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 2, 8, 3];

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ clock: { now: () => new Date('2026-10-14T12:00:00Z') } });
  const rows = MONTHS.flatMap((m, i) => Array.from({ length: COUNTS[i]! }, (_, k) => `C${i}-${k},${String(k + 1).padStart(2, '0')}/${m.slice(5)}/${m.slice(0, 4)},NFIB52A,Individual`));
  expect((await env.ingestText('incidents.csv', csv('Crime Reference,Date Reported,NFIB Code,Victim Type', ...rows))).rows_loaded).toBe(37);
  await buildModels(env.db, env.config.queriesDir);
});
afterAll(() => env.close());

describe('signals on monthly series', () => {
  it('judges the period against limits from the months before it, and keeps no monthly values', async () => {
    const catalog = loadCatalog(env.config.queriesDir).filter((m) => m.meta.id === 'INC-01');
    const period = parsePeriod('2026-27-Q2', '2026-10-14');
    const spc = { baselineMonths: 12 };
    const { run, monthly } = await runMetricsWithMonths(env.db, catalog, { period, asOf: '2026-10-14', alsoMonths: signalMonths(period, '2026-10-14', spc) });
    await addSignals(env.db, catalog, run, spc, monthly);
    expect(run.results[0]!.spc).toEqual({
      baseline: { from: '2025-07', to: '2026-06', months: 12 },
      mean: 2,
      upper: 7.3,
      lower: -3.3,
      signal: { months: ['2026-08'], rules: ['beyond_limits'], side: 'high', meaning: 'neutral' },
    });
  });

  it('starts the baseline at the first month the data covers, and judges nothing on fewer than 12 months', async () => {
    const catalog = loadCatalog(env.config.queriesDir).filter((m) => m.meta.id === 'INC-01');
    // Q1 2026-27: 24 baseline months asked for, April 2024 to March 2026, but the data starts in July 2025: 9 months.
    const period = parsePeriod('2026-27-Q1', '2026-10-14');
    const spc = { baselineMonths: 24 };
    const { run, monthly } = await runMetricsWithMonths(env.db, catalog, { period, asOf: '2026-10-14', alsoMonths: signalMonths(period, '2026-10-14', spc) });
    await addSignals(env.db, catalog, run, spc, monthly);
    expect(run.results[0]!.spc).toBeUndefined();
  });

  it('takes a baseline of 12 to 24 months from the configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boardpack-spc-'));
    try {
      writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ spc: { baseline_months: 18 } }));
      expect(loadConfig({ cwd: dir }).spc).toEqual({ baselineMonths: 18 });
      writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ spc: { baseline_months: 6 } }));
      expect(() => loadConfig({ cwd: dir })).toThrow(UsageError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
