import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, WorkError } from '../../pipelines/lib/errors.ts';
import { loadCatalog, type MetricDefinition } from '../../pipelines/metrics/catalog.ts';
import { checkPartsAddUp, checkRatioLinks, loadRelations, parseRef } from '../../pipelines/metrics/relations.ts';
import type { MetricResult } from '../../pipelines/metrics/runMetrics.ts';
import { metricResult } from '../charts/sampleMetrics.ts';
import { readDisplay } from '../../pipelines/packs/auditModel.ts';
import { checkPublishedPeriod, defaultPolicy, policySetting, policyToSettings } from '../../pipelines/lib/publicationPolicy.ts';
import { roundCount } from '../../pipelines/packs/rounding.ts';

// Relations declared once in the metric metadata, and the publication policy as data.

const catalog = loadCatalog(resolve(import.meta.dirname, '../../queries'));

/** A metric result as runMetrics gives one (tests/charts/sampleMetrics.ts), with this file's placeholder texts. */
function result(id: string, extra: Partial<MetricResult>): MetricResult {
  return metricResult(id, { definition: id, owner: 'o', sql_sha256: 's', definition_sha256: 'd', sql_path: 'q', ...extra });
}

describe('relations declared in the metric metadata', () => {
  it('reads the shipped catalogue: each breakdown names its total, the ratios their parts, the stock its flows', () => {
    const r = loadRelations(catalog);
    expect(Object.fromEntries([...r.partsOf].map(([id, ref]) => [id, ref.metric]))).toEqual({
      'INC-02': 'INC-01',
      'INC-09': 'INC-01',
      'INC-10': 'INC-10',
      'TRN-06': 'TRN-02',
      'TRN-07': 'TRN-01',
      'VOL-08': 'VOL-02',
    });
    expect(r.numeratorOf.get('INC-07')).toEqual({ metric: 'INC-10', row: 'Judicial (1-8)', field: 'value' });
    expect(r.denominatorOf.get('VOL-03')).toEqual({ metric: 'VOL-01', field: 'value' });
    expect(r.stockFlow.get('VOL-01')).toEqual({ joiners: 'VOL-05', leavers: 'VOL-06' });
    expect([r.overTime.get('INC-01'), r.overTime.get('VOL-01'), r.overTime.get('INC-05')]).toEqual(['sum', 'end', 'none']);
  });

  it('parses figure references: a value, a row, a part', () => {
    expect(parseRef('INC-01')).toEqual({ metric: 'INC-01', field: 'value' });
    expect(parseRef('INC-10[Other outcomes]')).toEqual({ metric: 'INC-10', row: 'Other outcomes', field: 'value' });
    expect(parseRef('INC-07.denominator')).toEqual({ metric: 'INC-07', field: 'denominator' });
    expect(parseRef('inc-01')).toBeNull();
  });

  it('refuses a breakdown with no declared total, naming its metadata and its query (exit 2)', () => {
    const broken = catalog.map((m): MetricDefinition => (m.meta.id === 'INC-02' ? { ...m, meta: { ...m.meta, parts_of: undefined } as MetricDefinition['meta'] } : m));
    const error = (() => {
      try {
        loadRelations(broken);
      } catch (e) {
        return e as UsageError;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toMatch(/^queries\/metrics\/INC-02\.json is a breakdown but does not say what its rows add up to, so queries\/metrics\/INC-02\.sql could publish/);
  });

  it('refuses a total that names no metric (exit 2)', () => {
    const broken = catalog.map((m): MetricDefinition => (m.meta.id === 'INC-09' ? { ...m, meta: { ...m.meta, parts_of: 'INC-99' } as MetricDefinition['meta'] } : m));
    expect(() => loadRelations(broken)).toThrow(/^queries\/metrics\/INC-09\.json says "parts_of": "INC-99", which names no metric of the catalogue \(there is no queries\/metrics\/INC-99\.json\)/);
  });

  it('fails the build, naming both files, when the parts do not add up to the declared total in the board data (exit 1)', () => {
    const r = loadRelations(catalog);
    const rows = (values: number[]) => values.map((value, i) => ({ key: `k${i}`, value, previous: null, year_ago: null }));
    const ok = [result('INC-01', { value: 12 }), result('INC-09', { value: 12, breakdown: rows([5, 7]) })];
    expect(() => checkPartsAddUp(ok, r)).not.toThrow();
    const wrong = [result('INC-01', { value: 12 }), result('INC-09', { value: 11, breakdown: rows([5, 6]) })];
    expect(() => checkPartsAddUp(wrong, r)).toThrow(WorkError);
    expect(() => checkPartsAddUp(wrong, r)).toThrow(
      'The rows of queries/metrics/INC-09.sql add up to 11 for the period but queries/metrics/INC-01.json, which INC-09.json names as their total ("parts_of": "INC-01"), is 12; fix the declaration or the query.',
    );
    // VOL-08's hours are rounded row by row: half a step per row is not a mismatch.
    const hours = [result('VOL-02', { unit: 'hours', decimals: 1, value: 10.1 }), result('VOL-08', { unit: 'hours', decimals: 1, value: 10, breakdown: rows([5, 5]) })];
    expect(() => checkPartsAddUp(hours, r)).not.toThrow();
  });

  it("fails the build when a percentage's declared base is not the figure it names", () => {
    const r = loadRelations(catalog);
    const judicial = (n: number) => [{ key: 'Judicial (1-8)', value: n, previous: null, year_ago: null }];
    expect(() => checkRatioLinks([result('INC-07', { unit: 'percent', numerator: 2, denominator: 37 }), result('INC-10', { value: 37, breakdown: judicial(2) })], r)).not.toThrow();
    expect(() => checkRatioLinks([result('INC-07', { unit: 'percent', numerator: 2, denominator: 36 }), result('INC-10', { value: 37, breakdown: judicial(2) })], r)).toThrow(
      /^The denominator of queries\/metrics\/INC-07\.sql is 36 but queries\/metrics\/INC-10\.json, which INC-07\.json names as it \("denominator_is": "INC-10"\), gives 37/,
    );
  });
});

describe('the publication policy in configuration', () => {
  it('keeps the three thresholds and defaults the rest: suppression, every period, every metric, ranges of 4', () => {
    expect(policySetting({ min_count: 5 })).toEqual(defaultPolicy());
    expect(policySetting({ min_count: 10 }).minRange).toBe(9);
    expect(policyToSettings(defaultPolicy())).toEqual({ min_count: 5, min_denominator: 10, min_crimes_for_money: 5 });
    expect(policyToSettings(policySetting({ method: 'rounding', periods: ['quarter', 'year'] }))).toEqual({ min_count: 5, min_denominator: 10, min_crimes_for_money: 5, method: 'rounding', periods: ['quarter', 'year'] });
  });

  it('refuses unknown keys and values with one sentence naming the key (exit 2)', () => {
    expect(() => policySetting({ min_cuont: 5 })).toThrow('Configuration "disclosure.min_cuont" is not a setting; did you mean "min_count"?');
    expect(() => policySetting({ method: 'noise' })).toThrow('Configuration "disclosure.method" must be "suppression" or "rounding".');
    expect(() => policySetting({ periods: ['week'] })).toThrow(/disclosure\.periods/);
    expect(() => policySetting({ metrics: ['inc-1'] })).toThrow(/disclosure\.metrics/);
  });

  it('refuses a public pack for a kind of period the policy does not publish (exit 2)', () => {
    const quartersAndYears = policySetting({ periods: ['quarter', 'year'] });
    expect(() => checkPublishedPeriod(quartersAndYears, 'quarter', '2026-27-Q1')).not.toThrow();
    expect(() => checkPublishedPeriod(quartersAndYears, 'month', '2026-07')).toThrow(
      'The public edition is not published for 2026-07: the publication policy publishes quarters and financial years only; build the board edition, or another period.',
    );
  });
});

describe('rounding to base 5 and what a printed figure tells an intruder', () => {
  it('rounds counts to the nearest 5, "<5" for 1-4, 0 as 0, never below 5 for 5 or more', () => {
    expect([0, 1, 4, 5, 6, 7, 8, 12, 13].map((v) => roundCount(v, 5, 5).display)).toEqual(['0', '<5', '<5', '5', '5', '5', '10', '10', '15']);
  });

  it('reads "10" under rounding as 8 to 12, "5" as 5 to 7, "<5" as 1 to 4 and "[c]" as 1 or more', () => {
    expect(readDisplay('10', 'rounding', 5, 5)).toEqual({ lo: 8, hi: 12, check: 'rounded' });
    expect(readDisplay('5', 'rounding', 5, 5)).toEqual({ lo: 5, hi: 7, check: 'rounded' });
    expect(readDisplay('<5', 'suppression', 5, 5)).toEqual({ lo: 1, hi: 4, check: 'hidden' });
    expect(readDisplay('[c]', 'suppression', 5, 5)).toEqual({ lo: 1, hi: Infinity, check: 'hidden' });
    expect(readDisplay('1,114', 'suppression', 5, 5)).toEqual({ lo: 1114, hi: 1114, check: null });
  });
});
