import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../pipelines/metrics/catalog.ts';
import { loadRelations } from '../../pipelines/metrics/relations.ts';
import { buildAuditModel, type PublicFigure, type PublicPack } from '../../pipelines/packs/auditModel.ts';
import { auditRanges } from '../../pipelines/packs/intruderAudit.ts';
import { defaultPolicy } from '../../pipelines/lib/publicationPolicy.ts';
import { protectPublic } from '../../pipelines/packs/protectPublic.ts';

// The intruder audit, route by route, on public packs written out by hand. Each case is one
// of the routes the audit of the sample found (issue 18); the expected ranges are worked out
// by hand below each. Then the build's step (protectPublic) must leave every hidden small
// count of the pack it builds as wide as "<5" says: 1 to 4.

const relations = loadRelations(loadCatalog(resolve(import.meta.dirname, '../../queries')));
const policy = defaultPolicy();
const NA = 'n/a';

function fig(id: string, unit: string, value: string, extra: Partial<PublicFigure> = {}): PublicFigure {
  return { id, unit, decimals: unit === 'percent' ? 1 : 0, display: { value, previous: NA, year_ago: NA }, numerator: null, denominator: null, ...extra };
}

function rows(keys: string[], values: string[]): PublicFigure['breakdown'] {
  return keys.map((key, i) => ({ key, display: { value: values[i]!, previous: NA, year_ago: NA } }));
}

function pack(period: string, metrics: PublicFigure[], extra: { previous?: string; snapshot?: string; inputs?: NonNullable<PublicPack['manifest']['inputs']> } = {}): PublicPack {
  return {
    name: `${period}-public`,
    manifest: {
      pack: { period, as_of: '2026-10-14', disclosure: { method: 'suppression', min_count: 5 } },
      comparisons: { previous: { id: extra.previous ?? 'none' }, year_ago: { id: 'none-2' } },
      snapshot: { id: extra.snapshot ?? 'snap-a' },
      metrics,
      ...(extra.inputs ? { inputs: extra.inputs } : {}),
    },
  };
}

async function rangeOf(packs: PublicPack[], cell: string): Promise<[number, number | null]> {
  const audit = await auditRanges(buildAuditModel(packs, relations), policy);
  const found = audit.cells.find((c) => c.cell === cell);
  if (!found) throw new Error(`${cell} was not audited`);
  return [found.lo, found.hi];
}

const OUTCOMES = ['Judicial (1-8)', 'Evidential difficulties (14-16)', 'Investigation complete, no suspect (18)', 'Filed by NFIB (19)', 'Other outcomes'];
const VICTIMS = ['Individual', 'Business', 'Charity', 'Public sector', 'Education', 'Other'];

describe('the intruder audit finds each route of issue 18, and the build closes it', () => {
  it('percentage times denominator: 5.4 % of 37 outcomes can only be 2 judicial ones', async () => {
    // 100 N / 37 rounds to 5.4 only for N = 2 (1/37 = 2.7 %, 3/37 = 8.1 %); then "Other"
    // = 37 - 2 - 20 - 10 - 0 = 5.
    const current = () => pack('2026-07', [fig('INC-07', 'percent', '5.4'), fig('INC-10', 'count', '37', { breakdown: rows(OUTCOMES, ['<5', '20', '10', '0', '[c]']) })]);
    expect(await rangeOf([current()], 'INC-10[Judicial (1-8)]@2026-07')).toEqual([2, 2]);
    expect(await rangeOf([current()], 'INC-10[Other outcomes]@2026-07')).toEqual([5, 5]);
    const built = current();
    const audit = await protectPublic({ current: built, issued: [], relations, policy });
    expect(audit.added.length).toBeGreaterThan(0);
    expect(await rangeOf([built], 'INC-10[Judicial (1-8)]@2026-07')).toEqual([1, 4]);
  });

  it("percentage times denominator, the percentage's own numerator: 11.8 % of 34 repeat victims can only be 4", async () => {
    // The numerator is left out (a small count) beside 11.8 % and a base of 34: 4/34 = 11.76 %, 3/34 = 8.8 %, 5/34 = 14.7 %.
    const current = () => pack('2026-08', [fig('INC-08', 'percent', '11.8', { denominator: 34 })]);
    expect(await rangeOf([current()], 'INC-08.numerator@2026-08')).toEqual([4, 4]);
    const built = current();
    const audit = await protectPublic({ current: built, issued: [], relations, policy });
    // The percentage goes (it is the smaller figure), so nothing is left to take 4 from.
    expect(audit.added.map((a) => a.figure)).toEqual(['INC-08%@2026-08']);
    expect(built.manifest.metrics[0]!.display.value).toBe('[c]');
    expect((await auditRanges(buildAuditModel([built], relations), policy)).ok).toBe(true);
  });

  it('stock and flow: 54 active volunteers falling to 52 with joiners and leavers "<5"', async () => {
    // 52 = 54 + J - L with J, L in 1-4: L = J + 2, so J is 1 or 2 and L 3 or 4.
    const current = () => pack('2026-08', [fig('VOL-01', 'count', '52', { display: { value: '52', previous: '54', year_ago: NA } }), fig('VOL-05', 'count', '<5'), fig('VOL-06', 'count', '<5')], { previous: '2026-07' });
    expect(await rangeOf([current()], 'VOL-05@2026-08')).toEqual([1, 2]);
    expect(await rangeOf([current()], 'VOL-06@2026-08')).toEqual([3, 4]);
    const built = current();
    await protectPublic({ current: built, issued: [], relations, policy });
    expect(await rangeOf([built], 'VOL-05@2026-08')).toEqual([1, 4]);
    expect(await rangeOf([built], 'VOL-06@2026-08')).toEqual([1, 4]);
  });

  it('a quarter minus its two published months: 31 - 10 - 8 = 13 businesses in September, then 1 each', async () => {
    // September 2025: 40 crimes, Individual 24, Business [c], three "<5": 24 + 13 + 3 x 1 = 40 is
    // the only way once Business is 13.
    const month = (period: string, business: string, total: string, individual: string, small: string) => pack(period, [fig('INC-09', 'count', total, { breakdown: rows(VICTIMS, [individual, business, small, small, small, '0']) })]);
    const issued = [month('2025-07', '10', '30', '20', '0'), month('2025-08', '8', '28', '20', '0'), month('2025-09', '[c]', '40', '24', '<5')];
    const quarter = () => pack('2025-26-Q2', [fig('INC-09', 'count', '98', { breakdown: rows(VICTIMS, ['64', '31', '<5', '<5', '<5', '0']) })]);
    expect(await rangeOf([...issued, quarter()], 'INC-09[Business]@2025-09')).toEqual([13, 13]);
    expect(await rangeOf([...issued, quarter()], 'INC-09[Charity]@2025-09')).toEqual([1, 1]);
    const built = quarter();
    await protectPublic({ current: built, issued, relations, policy });
    expect(built.manifest.metrics[0]!.breakdown!.find((r) => r.key === 'Business')!.display.value).toBe('[c]');
    expect(await rangeOf([...issued, built], 'INC-09[Charity]@2025-09')).toEqual([1, 4]);
  });

  it('a year minus its quarters gives the last quarter, and its small cell', async () => {
    // Joiners: Q1 to Q3 printed 6, 7 and 5; a year of 21 leaves Q4 = 21 - 18 = 3, pinning its "<5".
    const q = (period: string, v: string) => pack(period, [fig('VOL-05', 'count', v)]);
    const issued = [q('2025-26-Q1', '6'), q('2025-26-Q2', '7'), q('2025-26-Q3', '5'), q('2025-26-Q4', '<5')];
    const year = () => pack('2025-26', [fig('VOL-05', 'count', '21')]);
    expect(await rangeOf([...issued, year()], 'VOL-05@2025-26-Q4')).toEqual([3, 3]);
    const built = year();
    await protectPublic({ current: built, issued, relations, policy });
    expect(built.manifest.metrics[0]!.display.value).toBe('[c]');
    expect(await rangeOf([...issued, built], 'VOL-05@2025-26-Q4')).toEqual([1, 4]);
  });

  it('a restatement difference: 31 crimes reported, now 33, gives 2 late crimes', async () => {
    const before = pack('2026-07', [fig('INC-01', 'count', '31')], { snapshot: 'old' });
    const now = () => pack('2026-07', [fig('INC-01', 'count', '33')], { snapshot: 'new' });
    const renamed = { ...before, name: '2026-07-public-first' };
    const model = buildAuditModel([renamed, now()], relations);
    const audit = await auditRanges(model, policy);
    expect(audit.violations.map((v) => [v.cell, v.lo, v.hi, v.routes])).toEqual([['restated:INC-01@2026-07:1', 2, 2, ['restatement difference']]]);
    const built = now();
    await protectPublic({ current: built, issued: [renamed], relations, policy });
    expect(built.manifest.metrics[0]!.display.value).toBe('[c]');
    expect((await auditRanges(buildAuditModel([renamed, built], relations), policy)).ok).toBe(true);
  });

  it('a restated sum of money is hidden unless it moved by at least five crimes', async () => {
    // £94,585.78 over 30 crimes, then £117,475.71 over 32: £22,889.93 lost by 2 crimes.
    const money = (value: string, crimes: number, snapshot: string, name: string) => ({ ...pack('2026-27-Q1', [fig('INC-04', 'gbp', value, { decimals: 2, denominator: crimes })], { snapshot }), name });
    const built = money('117,475.71', 32, 'new', '2026-27-Q1-public');
    const audit = await protectPublic({ current: built, issued: [money('94,585.78', 30, 'old', 'first')], relations, policy });
    expect(built.manifest.metrics[0]!.display.value).toBe('[c]');
    expect(audit.added.map((a) => a.figure)).toEqual(['INC-04@2026-27-Q1']);
    const fine = money('117,475.71', 36, 'new', '2026-27-Q1-public');
    await protectPublic({ current: fine, issued: [money('94,585.78', 30, 'old', 'first')], relations, policy });
    expect(fine.manifest.metrics[0]!.display.value).toBe('117,475.71');
  });

  it('the reconciliation identity of the inputs table: 100 read = 97 loaded + quarantined "<5" gives 3', async () => {
    const input = () => ({ sha256: 'a'.repeat(64), display: { rows_read: '100', rows_loaded: '97', rows_quarantined: '<5', rows_excluded: '0', rows_duplicate: '0' } });
    const current = () => pack('2026-07', [], { inputs: [input()] });
    expect(await rangeOf([current()], 'input:aaaaaaaaaaaa.rows_quarantined')).toEqual([3, 3]);
    const built = current();
    await protectPublic({ current: built, issued: [], relations, policy });
    expect(built.manifest.inputs![0]!.display!.rows_loaded).toBe('[c]');
    expect(await rangeOf([built], 'input:aaaaaaaaaaaa.rows_quarantined')).toEqual([1, 4]);
  });

  it('refuses, naming the figure and the route, when only earlier packs give a small count away', async () => {
    // The quarter (issued) says 7 businesses; July and August "<5"; September, being built, 0.
    // So July + August = 7: each 3 or 4, and nothing September prints can change that.
    const month = (period: string) => pack(period, [fig('INC-09', 'count', '24', { breakdown: rows(VICTIMS, ['[c]', '<5', '0', '0', '0', '0']) })]);
    const issued = [pack('2025-26-Q2', [fig('INC-09', 'count', '68', { breakdown: rows(VICTIMS, ['61', '7', '0', '0', '0', '0']) })]), month('2025-07'), month('2025-08')];
    const september = pack('2025-09', [fig('INC-09', 'count', '20', { breakdown: rows(VICTIMS, ['20', '0', '0', '0', '0', '0']) })]);
    await expect(protectPublic({ current: september, issued, relations, policy })).rejects.toThrow(
      /^The public pack 2025-09-public was not written: INC-09\[Business\]@2025-0[78] \(shown <5\) can be worked out as 3 to 4 through breakdown total and months of a quarter, .*no figure of this pack is left to hide/,
    );
  });
});
