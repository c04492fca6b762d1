import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../../pipelines/metrics/catalog.ts';
import { runMetrics, type MetricResult } from '../../pipelines/metrics/runMetrics.ts';
import { buildModels } from '../../pipelines/model/buildModels.ts';
import { parsePeriod } from '../../pipelines/lib/periods.ts';
import { createTestEnv, type TestEnv } from '../support/env.ts';
import { artefactDir } from '../support/artefacts.ts';

// Golden metric cases: each folder under tests/golden/metrics holds small exports, a
// case.json (period, as_of, the hand working) and an expected.json written by hand from
// docs/metrics.md, never copied from the code's output. expected.json pins only some keys of
// some metrics: { "INC-05": { "value": 60, "numerator": 3, ... } }; a breakdown pins the
// row fields its rows name. A case with "steps" ingests in stages and checks each stage
// against its own file (a later export restating a past period). On a mismatch the test
// writes <expect>-changed.json under the test artefacts folder (tests/support/artefacts.ts) to diff against.

const ROOT = resolve('tests/golden/metrics');
const cases = readdirSync(ROOT)
  .filter((name) => existsSync(join(ROOT, name, 'case.json')))
  .sort();

interface Step {
  ingest: string[];
  expect: string;
}

interface Case {
  why: string;
  period: string;
  as_of: string;
  files?: string[];
  config?: Record<string, unknown>;
  steps?: Step[];
  working?: string[];
}

type Pinned = Record<string, Record<string, unknown>>;

let env: TestEnv | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The actual values of exactly the keys `expected` pins, so the two compare like for like. */
function pick(results: MetricResult[], expected: Pinned): Pinned {
  const actual: Pinned = {};
  for (const [id, keys] of Object.entries(expected)) {
    const result = results.find((r) => r.id === id) as unknown as Record<string, unknown> | undefined;
    if (!result) {
      actual[id] = { missing: `no queries/metrics/${id}.sql in the catalogue` };
      continue;
    }
    const picked: Record<string, unknown> = {};
    for (const [key, want] of Object.entries(keys)) {
      if (!(key in result)) {
        picked[key] = `<no ${key} in the result>`;
      } else if (key === 'breakdown' && Array.isArray(want) && Array.isArray(result.breakdown)) {
        const fields = [...new Set((want as Record<string, unknown>[]).flatMap((row) => Object.keys(row)))];
        picked[key] = (result.breakdown as Record<string, unknown>[]).map((row) => Object.fromEntries(fields.map((f) => [f, row[f]])));
      } else {
        picked[key] = result[key];
      }
    }
    actual[id] = picked;
  }
  return actual;
}

describe('golden metric cases', () => {
  it.each(cases)('%s', async (name) => {
    const dir = join(ROOT, name);
    const setup = readJson<Case>(join(dir, 'case.json'));
    const csvs = readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .sort();
    const steps: Step[] = setup.steps ?? [{ ingest: setup.files ?? csvs, expect: 'expected.json' }];
    env = await createTestEnv({ config: setup.config });
    const period = parsePeriod(setup.period, setup.as_of);

    const actuals: Record<string, Pinned> = {};
    const expecteds: Record<string, Pinned> = {};
    const ingestProblems: string[] = [];
    for (const step of steps) {
      const reports = await env.ingest(step.ingest.map((f) => join(dir, f)));
      for (const r of reports) {
        if (r.status !== 'loaded' || r.rows_quarantined > 0) {
          ingestProblems.push(`${r.file}: ${r.status}, ${r.rows_quarantined} quarantined${r.error ? ` (${r.error})` : ''}`);
        }
      }
      await buildModels(env.db, env.config.queriesDir);
      const catalog = loadCatalog(env.config.queriesDir);
      const run = await runMetrics(env.db, catalog, { period, asOf: setup.as_of, targets: env.config.targets });

      const expectedPath = join(dir, step.expect);
      const expected = readJson<Pinned>(expectedPath);
      const actual = pick(run.results, expected);
      const changed = join(artefactDir('golden', 'metrics', name), step.expect.replace(/\.json$/, '-changed.json'));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) writeFileSync(changed, `${JSON.stringify(actual, null, 2)}\n`);
      else rmSync(changed, { force: true });
      actuals[step.expect] = actual;
      expecteds[step.expect] = expected;
    }

    // Every export of a golden case is clean: a quarantined row would silently change the figures.
    expect(ingestProblems, 'ingest problems').toEqual([]);
    expect(actuals).toEqual(expecteds);
  });
});
