import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchema, writeReferenceTables } from '../../pipelines/ingest/schema.ts';
import { unlessCurrent } from '../../pipelines/ingest/schemaState.ts';
import { createTestEnv, type TestEnv } from '../support/env.ts';

// The set-up every ingest runs is skipped only where the database has exactly it already.

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('unlessCurrent', () => {
  it('runs the set-up the first time, not again for the same SQL, and again when the SQL changes', async () => {
    const ran: string[] = [];
    const setUp = (sql: string) => unlessCurrent(env.db, 'probe', sql, async () => void ran.push(sql));
    await setUp('select 1');
    await setUp('select 1');
    await setUp('select 2');
    await setUp('select 2');
    await setUp('select 1');
    expect(ran).toEqual(['select 1', 'select 2', 'select 1']);
  });
});

describe('ensureSchema and writeReferenceTables', () => {
  it('adds the column of a field a contract gained, on a database set up before it', async () => {
    await ensureSchema(env.db, env.contracts);
    await writeReferenceTables(env.db, env.contracts);
    const columns = async () => (await env.rows<{ c: string }>(`select column_name as c from information_schema.columns where table_name = 'incidents_versions'`)).map((r) => r.c);
    expect(await columns()).not.toContain('case_notes');
    const incidents = env.contracts.datasets.incidents;
    const gained = { ...env.contracts, datasets: { ...env.contracts.datasets, incidents: { ...incidents, fields: [...incidents.fields, { name: 'case_notes', required: false, type: 'text' as const, aliases: ['Case Notes'] }] } } };
    await ensureSchema(env.db, gained);
    expect(await columns()).toContain('case_notes');
    const [table] = await env.rows<{ n: number }>(`select count(*)::integer as n from information_schema.columns where table_name in ('incidents', 'incidents_history') and column_name = 'case_notes'`);
    expect(table!.n).toBe(2);
  });

  it('writes the reference tables again when a reference list changes', async () => {
    await writeReferenceTables(env.db, env.contracts);
    const areas = async () => (await env.rows<{ area: string }>('select area from ref_areas order by area')).map((r) => r.area);
    const before = await areas();
    const changed = { ...env.contracts, reference: { ...env.contracts.reference, areas: [...env.contracts.reference.areas, 'Zzz Test Area'] } };
    await writeReferenceTables(env.db, changed);
    expect(await areas()).toEqual([...before, 'Zzz Test Area']);
    await writeReferenceTables(env.db, env.contracts);
    expect(await areas()).toEqual(before);
  });
});
