import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATASETS } from '../../pipelines/ingest/contracts.ts';
import { createTestEnv, type TestEnv } from '../support/env.ts';
import { artefactDir } from '../support/artefacts.ts';

// Golden folders: each case under tests/golden/ingest is input exports plus an
// expected.json written by hand. On a mismatch the test writes expected-changed.json
// under the test artefacts folder (tests/support/artefacts.ts) to diff against.

const ROOT = resolve('tests/golden/ingest');
const cases = readdirSync(ROOT)
  .filter((name) => existsSync(join(ROOT, name, 'expected.json')))
  .sort();

let env: TestEnv | undefined;
afterEach(() => env?.close());

async function json(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await env!.db.connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

async function observe(files: string[]): Promise<unknown> {
  const reports = await env!.ingest(files);
  const tables: Record<string, unknown> = {};
  for (const dataset of DATASETS) {
    const key = env!.contracts.datasets[dataset].key;
    const rows = await json(
      `select t.* exclude (force, _load_id, _file_sha256, _line), t._line::integer as _line, f.file_name as file
       from "${dataset}" t join ingested_files f on f.load_id = t._load_id order by t."${key}", t._line`,
    );
    if (rows.length > 0) tables[dataset] = rows;
  }
  return {
    files: reports.map((r) => ({
      file: r.file,
      dataset: r.dataset,
      status: r.status,
      ...(r.error ? { error: r.error } : {}),
      encoding: r.encoding ?? null,
      delimiter: r.delimiter ?? null,
      rows_read: r.rows_read,
      rows_loaded: r.rows_loaded,
      rows_quarantined: r.rows_quarantined,
      rows_excluded: r.rows_excluded,
      rows_duplicate: r.rows_duplicate,
      rows_blank: r.rows_blank,
      keys_replaced: r.keys_replaced,
      columns_dropped: r.columns_dropped,
      columns_ignored: r.columns_ignored,
      quarantine_by_reason: r.quarantine_by_reason,
      warnings: r.warnings,
    })),
    quarantine: await json(`select file_name as file, line::integer as line, field, raw_value, reason, detail from quarantine order by load_id, line, field`),
    history: await json(
      `${DATASETS.map(
        (d) => `select '${d}' as dataset, h."${env!.contracts.datasets[d].key}" as key, f.file_name as file, h._line::integer as line, h._load_id as load
        from "${d}_versions" h join ingested_files f on f.load_id = h._load_id`,
      ).join(' union all ')} order by load, line`,
    ).then((rows) => rows.map(({ load: _load, ...row }) => row)),
    tables,
  };
}

describe('golden ingest cases', () => {
  it.each(cases)('%s', async (name) => {
    const dir = join(ROOT, name);
    const setup = existsSync(join(dir, 'case.json')) ? (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { config?: Record<string, unknown> }) : {};
    env = await createTestEnv({ config: setup.config });
    const inputs = readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .map((f) => join(dir, f));
    const actual = await observe(inputs);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as unknown;
    const changed = join(artefactDir('golden', 'ingest', name), 'expected-changed.json');
    if (JSON.stringify(actual) !== JSON.stringify(expected)) writeFileSync(changed, `${JSON.stringify(actual, null, 2)}\n`);
    else rmSync(changed, { force: true });
    expect(actual).toEqual(expected);
  });
});
