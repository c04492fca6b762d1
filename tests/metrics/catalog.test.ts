import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkMeta, loadCatalog, type MetricDefinition, type MetricMeta } from '../../pipelines/metrics/catalog.ts';
import { UsageError } from '../../pipelines/lib/errors.ts';
import { ensureSchema, writeReferenceTables } from '../../pipelines/ingest/schema.ts';
import { buildModels } from '../../pipelines/model/buildModels.ts';
import { runSql } from '../../pipelines/metrics/runSql.ts';
import { createTestEnv } from '../support/env.ts';
import { loadPackDefinition } from '../../pipelines/packs/packDefinition.ts';

// The metric catalogue of docs/metrics.md: every core ID present once, with metadata that
// matches its definition; the catalogue refuses broken twins; every SQL file keeps the
// house style.

const QUERIES = resolve(import.meta.dirname, '../../queries');
const BOARD = loadPackDefinition(resolve(import.meta.dirname, '../../reports/packs'), 'board');
/** The board pack's section of a metric (the pack definition holds sections, not the metric). */
const sectionOf = (id: string) => BOARD.sections.find((s) => s.metrics.includes(id))?.id;
const METRICS = join(QUERIES, 'metrics');

/** The core metrics of docs/metrics.md with the unit, decimals and direction their definitions give. */
const CORE: Record<string, Pick<MetricMeta, 'unit' | 'decimals' | 'direction'> & { section: string }> = {
  'INC-01': { unit: 'count', decimals: 0, direction: 'neutral', section: 'crime' },
  'INC-02': { unit: 'count', decimals: 0, direction: 'neutral', section: 'crime' },
  'INC-03': { unit: 'count', decimals: 0, direction: 'neutral', section: 'crime' },
  'INC-04': { unit: 'gbp', decimals: 2, direction: 'neutral', section: 'crime' },
  'INC-05': { unit: 'percent', decimals: 1, direction: 'up', section: 'crime' },
  'INC-06': { unit: 'days', decimals: 1, direction: 'down', section: 'crime' },
  'INC-07': { unit: 'percent', decimals: 1, direction: 'neutral', section: 'crime' },
  'INC-08': { unit: 'percent', decimals: 1, direction: 'neutral', section: 'crime' },
  'VOL-01': { unit: 'count', decimals: 0, direction: 'neutral', section: 'volunteers' },
  'VOL-02': { unit: 'hours', decimals: 1, direction: 'neutral', section: 'volunteers' },
  'VOL-03': { unit: 'percent', decimals: 1, direction: 'up', section: 'volunteers' },
  'VOL-04': { unit: 'hours', decimals: 1, direction: 'neutral', section: 'volunteers' },
  'VOL-05': { unit: 'count', decimals: 0, direction: 'neutral', section: 'volunteers' },
  'VOL-06': { unit: 'count', decimals: 0, direction: 'neutral', section: 'volunteers' },
  'VOL-07': { unit: 'count', decimals: 0, direction: 'down', section: 'volunteers' },
  'TRN-01': { unit: 'count', decimals: 0, direction: 'neutral', section: 'protect' },
  'TRN-02': { unit: 'count', decimals: 0, direction: 'neutral', section: 'protect' },
  'TRN-03': { unit: 'count', decimals: 0, direction: 'neutral', section: 'protect' },
  'TRN-04': { unit: 'percent', decimals: 1, direction: 'neutral', section: 'protect' },
  'TRN-05': { unit: 'score', decimals: 2, direction: 'neutral', section: 'protect' },
  'ACT-01': { unit: 'count', decimals: 0, direction: 'neutral', section: 'actions' },
  'ACT-02': { unit: 'count', decimals: 0, direction: 'down', section: 'actions' },
};
// Targets are the board's, kept in configuration (queries/targets.json per force), never in a metric's metadata (issue 13).
const TARGETS: Record<string, { target: number; tolerance: number }> = {};
const SERIES = ['INC-01', 'INC-05', 'TRN-02', 'VOL-02', 'VOL-03'];
const AT_AS_OF = ['ACT-01', 'ACT-02'];
const BREAKDOWN = ['INC-02'];

/**
 * Metrics added beyond docs/metrics.md for the pack's charts: each a breakdown with every
 * category listed in the order a reader expects (the contract's order of docs/datasets.md).
 */
const EXTRA: Record<string, Pick<MetricMeta, 'unit' | 'decimals' | 'direction'> & { section: string } & { keys: string[] }> = {
  'INC-09': {
    unit: 'count',
    decimals: 0,
    direction: 'neutral',
    section: 'crime',
    keys: ['Individual', 'Business', 'Charity', 'Public sector', 'Education', 'Other'],
  },
  'INC-10': {
    unit: 'count',
    decimals: 0,
    direction: 'neutral',
    section: 'crime',
    keys: ['Judicial (1-8)', 'Evidential difficulties (14-16)', 'Investigation complete, no suspect (18)', 'Filed by NFIB (19)', 'Other outcomes'],
  },
  'VOL-08': {
    unit: 'hours',
    decimals: 1,
    direction: 'neutral',
    section: 'volunteers',
    keys: ['Protect presentation', 'Victim call-back', 'Investigation support', 'Digital forensics', 'Event support', 'Training received', 'Other'],
  },
  'TRN-06': {
    unit: 'count',
    decimals: 0,
    direction: 'neutral',
    section: 'protect',
    keys: ['SME', 'Charity', 'Education', 'Older people', 'Public sector', 'General public', 'Large business'],
  },
};

describe('the real catalogue', () => {
  const catalog = loadCatalog(QUERIES);
  const byId = new Map<string, MetricDefinition>(catalog.map((m) => [m.meta.id, m]));

  it('declares in each metric the datasets its SQL reads (the staged models it names)', () => {
    for (const { meta, sql } of catalog) {
      const read = [...new Set([...sql.matchAll(/\bstg_([a-z_]+)\b/g)].map((m) => m[1]!))].sort();
      expect([...meta.datasets].sort(), meta.id).toEqual(read);
    }
  });

  it('holds every core metric of docs/metrics.md exactly once', () => {
    const ids = catalog.map((m) => m.meta.id);
    for (const id of Object.keys(CORE))
      expect(
        ids.filter((i) => i === id),
        id,
      ).toHaveLength(1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every core metric valid metadata matching its definition', () => {
    for (const [id, expected] of Object.entries(CORE)) {
      const { meta } = byId.get(id)!;
      expect(checkMeta(id, meta), id).toBeNull();
      expect({ unit: meta.unit, decimals: meta.decimals, direction: meta.direction, section: sectionOf(id) }, id).toEqual(expected);
      expect({ target: meta.target, tolerance: meta.tolerance }, id).toEqual(TARGETS[id] ?? { target: null, tolerance: null });
      expect(Boolean(meta.series), `${id} series`).toBe(SERIES.includes(id));
      expect(Boolean(meta.at_as_of), `${id} at_as_of`).toBe(AT_AS_OF.includes(id));
      expect(Boolean(meta.breakdown), `${id} breakdown`).toBe(BREAKDOWN.includes(id));
      for (const key of ['title', 'definition', 'grain', 'owner'] as const) expect(meta[key].trim(), `${id} ${key}`).not.toBe('');
      expect(meta.caveats.length, `${id} caveats`).toBeGreaterThan(0);
      expect(
        meta.caveats.every((c) => /^[A-Z].*\.$/.test(c)),
        `${id} caveats are sentences`,
      ).toBe(true);
      expect(metric(id).sqlPath).toBe(`queries/metrics/${id}.sql`);
    }
  });

  it('ships only the targets metrics.md names, as configuration for the force, with who set them', () => {
    const shipped = JSON.parse(readFileSync(join(QUERIES, 'targets.json'), 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(shipped)).toEqual(['West Mercia']);
    const targets = Object.fromEntries(Object.entries(shipped['West Mercia']!).map(([id, t]) => [id, [t.target, t.tolerance]]));
    // metrics.md: INC-05 target 90 %, VOL-03 target 75 %; tolerance its default 10 points; no other target.
    expect(targets).toEqual({ 'INC-05': [90, 10], 'VOL-03': [75, 10] });
    for (const t of Object.values(shipped['West Mercia']!)) expect(typeof t.set_by).toBe('string');
  });

  it('holds the chart breakdowns beyond docs/metrics.md once each, with valid metadata', () => {
    for (const [id, { keys, ...expected }] of Object.entries(EXTRA)) {
      expect(Object.keys(CORE), id).not.toContain(id);
      const found = byId.get(id);
      expect(found, id).toBeDefined();
      const { meta } = found!;
      expect(checkMeta(id, meta), id).toBeNull();
      expect({ unit: meta.unit, decimals: meta.decimals, direction: meta.direction, section: sectionOf(id) }, id).toEqual(expected);
      expect({ target: meta.target, tolerance: meta.tolerance }, id).toEqual({ target: null, tolerance: null });
      expect(Boolean(meta.breakdown), `${id} breakdown`).toBe(true);
      expect(Boolean(meta.series), `${id} series`).toBe(false);
      expect(Boolean(meta.at_as_of), `${id} at_as_of`).toBe(false);
      for (const key of ['title', 'definition', 'grain', 'owner'] as const) expect(meta[key].trim(), `${id} ${key}`).not.toBe('');
      expect(
        meta.caveats.every((c) => /^[A-Z].*\.$/.test(c)),
        `${id} caveats are sentences`,
      ).toBe(true);
      expect(keys.length, `${id} keys`).toBeGreaterThan(0);
      expect(metric(id).sqlPath).toBe(`queries/metrics/${id}.sql`);
    }
  });

  function metric(id: string): MetricDefinition {
    return byId.get(id)!;
  }
});

describe('house style of every metric SQL file', () => {
  const files = readdirSync(METRICS)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const KEYWORDS = /\b(SELECT|FROM|WHERE|WITH|AS|AND|OR|NOT|IN|IS|NULL|JOIN|LEFT|INNER|ON|GROUP|ORDER|BY|HAVING|CASE|WHEN|THEN|ELSE|END|COUNT|SUM|DISTINCT|FILTER|BETWEEN|CAST|UNION|ALL|LIMIT|COALESCE)\b/;

  it('has SQL files to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(CORE).length);
  });

  for (const file of files) {
    const id = file.replace(/\.sql$/, '');
    const sql = readFileSync(join(METRICS, file), 'utf8');
    /** The SQL with comments and string literals blanked, so only code is checked. */
    const code = sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");

    it(`${file} opens with a comment naming ${id} and ends with select * from final`, () => {
      expect(sql.split('\n')[0]).toMatch(new RegExp(`^-- ${id} \\S`));
      expect(sql.trimEnd().endsWith('select * from final')).toBe(true);
      expect(code).toMatch(/^\s*with\s/);
      expect(code).toMatch(/\bfinal as \(/);
    });

    it(`${file} writes SQL keywords in lower case`, () => {
      expect(code.match(KEYWORDS)?.[0] ?? null).toBeNull();
    });

    it(`${file} names only $start, $end and $as_of as parameters`, () => {
      const params = [...code.matchAll(/\$(\w+)/g)].map((m) => m[1]);
      expect(params.length, 'a metric uses at least one parameter').toBeGreaterThan(0);
      for (const p of params) expect(['start', 'end', 'as_of'], `$${p}`).toContain(p);
      expect(code).not.toMatch(/\?|\$\d/);
    });
  }
});

describe('loadCatalog refuses a broken catalogue', () => {
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  /** A temporary queries folder holding a copy of the real metric files. */
  function copyOfQueries(): string {
    const dir = mkdtempSync(join(tmpdir(), 'boardpack-catalog-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'metrics'));
    for (const f of readdirSync(METRICS)) copyFileSync(join(METRICS, f), join(dir, 'metrics', f));
    return dir;
  }

  function editMeta(dir: string, id: string, edit: (meta: Record<string, unknown>) => void): void {
    const path = join(dir, 'metrics', `${id}.json`);
    const meta = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    edit(meta);
    writeFileSync(path, JSON.stringify(meta, null, 2));
  }

  function refusal(dir: string): UsageError {
    try {
      loadCatalog(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return error as UsageError;
    }
    throw new Error('loadCatalog accepted a broken catalogue');
  }

  it('loads an untouched copy with the same metrics', () => {
    const dir = copyOfQueries();
    expect(loadCatalog(dir).map((m) => m.meta.id)).toEqual(loadCatalog(QUERIES).map((m) => m.meta.id));
  });

  it('refuses a .sql without its .json twin, naming the file', () => {
    const dir = copyOfQueries();
    writeFileSync(join(dir, 'metrics', 'XYZ-99.sql'), '-- XYZ-99 Orphan.\nwith final as (select 1 as value)\n\nselect * from final\n');
    expect(refusal(dir).message).toContain('XYZ-99.sql has no metadata twin XYZ-99.json');
  });

  it('refuses a .json without its .sql twin, naming the file', () => {
    const dir = copyOfQueries();
    unlinkSync(join(dir, 'metrics', 'VOL-04.sql'));
    expect(refusal(dir).message).toContain('VOL-04.json has no SQL twin VOL-04.sql');
  });

  it('refuses an unknown unit, naming the file and the unit', () => {
    const dir = copyOfQueries();
    editMeta(dir, 'TRN-02', (m) => (m.unit = 'furlongs'));
    const message = refusal(dir).message;
    expect(message).toContain('TRN-02.json');
    expect(message).toContain('furlongs');
  });

  it('refuses a target on a metric with a neutral direction', () => {
    const dir = copyOfQueries();
    editMeta(dir, 'INC-03', (m) => (m.target = 50));
    expect(refusal(dir).message).toContain('INC-03.json has a target but a neutral direction');
  });

  it('refuses metadata whose id is not its file name', () => {
    const dir = copyOfQueries();
    editMeta(dir, 'VOL-07', (m) => (m.id = 'VOL-08'));
    expect(refusal(dir).message).toContain('VOL-07.json has id "VOL-08", not "VOL-07"');
  });

  it('refuses metadata that is not JSON', () => {
    const dir = copyOfQueries();
    writeFileSync(join(dir, 'metrics', 'ACT-02.json'), '{ "id": "ACT-02", ');
    expect(refusal(dir).message).toContain('ACT-02.json is not valid JSON');
  });
});

describe('every metric runs on empty tables', () => {
  it('gives counts of 0 and null (never NaN) for shares, averages and the medians', async () => {
    const env = await createTestEnv();
    try {
      await ensureSchema(env.db, env.contracts);
      await writeReferenceTables(env.db, env.contracts);
      await buildModels(env.db, QUERIES);
      for (const metric of loadCatalog(QUERIES)) {
        const rows = await runSql(env.db, metric.sql, { start: '2025-07-01', end: '2025-09-30', as_of: '2025-10-14' });
        const { id, unit, breakdown, at_as_of } = metric.meta;
        if (breakdown) {
          expect(rows.length, id).toBeGreaterThan(0);
          // The chart breakdowns list every category, in the reader's order, with zeros.
          if (EXTRA[id])
            expect(
              rows.map((r) => r.key),
              id,
            ).toEqual(EXTRA[id].keys);
          if (id === 'TRN-06')
            expect(
              rows.map((r) => r.events),
              'TRN-06 events',
            ).toEqual(rows.map(() => 0));
          for (const r of rows) expect(r.value, `${id} ${String(r.key)}`).toBe(0);
          continue;
        }
        expect(rows, id).toHaveLength(1);
        const value = rows[0]!.value;
        // Shares, averages and medians have no base; ACT-* have no tracker loaded.
        const expected = at_as_of || ['percent', 'days', 'score'].includes(unit) || id === 'VOL-04' ? null : 0;
        expect(value, id).toBe(expected);
      }
    } finally {
      env.close();
    }
  });
});

describe('TRN-06 events per audience', () => {
  it("counts the period's events beside the people reached, an event with 0 attendees included", async () => {
    const env = await createTestEnv();
    try {
      await env.ingest(join(resolve(import.meta.dirname, '../golden/metrics/chart-breakdowns-q2'), 'training_2025-10.csv'));
      await buildModels(env.db, QUERIES);
      const trn06 = loadCatalog(QUERIES).find((m) => m.meta.id === 'TRN-06')!;
      const rows = await runSql(env.db, trn06.sql, { start: '2025-07-01', end: '2025-09-30', as_of: '2025-10-14' });
      // Q2: EV-101 SME 40, EV-102 SME 0, EV-103 Older people 25, EV-104 General public 100; EV-105 is 01/10.
      expect(rows.map((r) => [r.key, r.value, r.events])).toEqual([
        ['SME', 40, 2],
        ['Charity', 0, 0],
        ['Education', 0, 0],
        ['Older people', 25, 1],
        ['Public sector', 0, 0],
        ['General public', 100, 1],
        ['Large business', 0, 0],
      ]);
    } finally {
      env.close();
    }
  });
});
