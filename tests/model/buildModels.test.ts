import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadContracts } from '../../pipelines/ingest/contracts.ts';
import { ensureSchema, writeReferenceTables } from '../../pipelines/ingest/schema.ts';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { buildModels } from '../../pipelines/model/buildModels.ts';

// The models are made in one round trip on each connection; a model that does not run is still
// named by its file, and a reader made before or after sees every model.

let db: Db;
let queries: string;
beforeEach(async () => {
  db = await createDb(':memory:');
  const config = loadConfig();
  const contracts = loadContracts(config);
  await ensureSchema(db, contracts);
  await writeReferenceTables(db, contracts);
  queries = mkdtempSync(join(tmpdir(), 'models-'));
  cpSync(config.queriesDir, queries, { recursive: true });
});
afterEach(() => {
  db.close();
  rmSync(queries, { recursive: true, force: true });
});

describe('buildModels', () => {
  it('makes every model, on both connections', async () => {
    const before = await db.reader();
    const { names } = await buildModels(db, queries);
    expect(names).toContain('stg_incidents');
    const after = await db.reader();
    for (const conn of [db, before, after]) {
      const views = (await conn.all<{ v: string }>(`select view_name as v from duckdb_views() where temporary order by 1`)).map((r) => r.v);
      for (const name of names) expect(views).toContain(name);
    }
  });

  it('names the model file that does not run', async () => {
    writeFileSync(join(queries, 'models', 'stg_zz_broken.sql'), 'select * form stg_incidents');
    await expect(buildModels(db, queries)).rejects.toThrow(/^The model queries\/models\/stg_zz_broken\.sql does not run \(Parser Error: syntax error at or near "stg_incidents"\); fix the SQL\.$/);
  });
});
