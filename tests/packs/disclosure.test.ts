import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MetricResult } from '../../pipelines/metrics/runMetrics.ts';
import { metricResult } from '../charts/sampleMetrics.ts';
import { applyDisclosureControl, type PublicMetricResult } from '../../pipelines/packs/disclosure.ts';

// Disclosure control for the public edition (docs/metrics.md): every expected figure below is
// worked out by hand from the rule, and a reader who knows every shown figure, every sum
// and the algorithm must not be able to work a hidden count back out.

function metric(id: string, extra: Partial<MetricResult> = {}): MetricResult {
  return metricResult(id, {
    title: `Measure ${id}`,
    definition: `Definition of ${id}.`,
    owner: 'Owner',
    caveats: ['A caveat.'],
    value: 20,
    previous: 10,
    year_ago: 8,
    change: 10,
    change_pct: 100,
    year_change: 12,
    year_change_pct: 150,
    sql_sha256: 'a'.repeat(64),
    definition_sha256: 'b'.repeat(64),
    ...extra,
  });
}

/** 13 monthly points ending 2025-09, as runMetrics gives them. */
function series(values: (number | null)[]): MetricResult['series'] {
  return values.map((value, i) => {
    const month = new Date(Date.UTC(2024, 8 + i, 1)).toISOString().slice(0, 7);
    return { period: month, start: `${month}-01`, end: `${month}-28`, value };
  });
}

/** Breakdown rows; a breakdown metric below gives previous and year_ago only where it gives their rows. */
function breakdown(values: number[], previous?: number[]): MetricResult['breakdown'] {
  return values.map((value, i) => ({ key: `k${i}`, value, previous: previous?.[i] ?? null, year_ago: null }));
}

const noPast = { previous: null, year_ago: null, change: null, change_pct: null, year_change: null, year_change_pct: null };

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Every number anywhere in the object, with its path; `decimals` is metadata, not a figure. */
function numbers(x: unknown, path = ''): [string, number][] {
  if (typeof x === 'number') return path.endsWith('.decimals') ? [] : [[path, x]];
  if (Array.isArray(x)) return x.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object') for (const v of Object.values(x)) deepFreeze(v);
  return Object.freeze(x);
}

const one = (m: MetricResult, thresholds?: Parameters<typeof applyDisclosureControl>[1]) => applyDisclosureControl([m], thresholds)[0]!;

/**
 * What a reader can work out about the hidden cells of tables that share one total (a
 * breakdown; the months of a quarter), by brute force over every possible total. A "<5"
 * cell is 1-4. A "[c]" cell is 5 or more and, cells being chosen smallest first, at most
 * the smallest non-zero cell shown in its table; where no non-zero cell is left shown it
 * may also be a small count shown "[c]" as a last resort, so 1 or more, as is a "[c]"
 * total. For integer ranges, the sums a set of cells can make are every whole number
 * between their least and greatest sums.
 */
function readerSees(tables: { displays: string[]; values: (number | null)[] }[], total: { display: string; value: number | null }, m = 5, cap = 200): Set<number>[][] {
  const ranges = tables.map(({ displays, values }) => {
    const shown = values.filter((v): v is number => v !== null && v > 0);
    const top = shown.length ? Math.min(...shown) : cap;
    return displays.map((d, i): [number, number] => (values[i] !== null ? [values[i]!, values[i]!] : d === `<${m}` ? [1, m - 1] : shown.length ? [m, top] : [1, cap]));
  });
  const totals = total.value !== null ? [total.value] : total.display === `<${m}` ? Array.from({ length: m - 1 }, (_, i) => i + 1) : Array.from({ length: cap }, (_, i) => i + 1);
  const possible = ranges.map((r) => r.map(() => new Set<number>()));
  for (const t of totals) {
    const each = ranges.map((r) =>
      r.map(([lo, hi], i) => {
        const others = r.filter((_, j) => j !== i);
        const [olo, ohi] = [sum(others.map((o) => o[0])), sum(others.map((o) => o[1]))];
        const vs: number[] = [];
        for (let v = lo; v <= Math.min(hi, cap); v++) if (t - v >= olo && t - v <= ohi) vs.push(v);
        return vs;
      }),
    );
    if (each.some((cells) => cells.some((vs) => vs.length === 0))) continue; // this total is impossible
    for (const [k, cells] of each.entries()) for (const [i, vs] of cells.entries()) for (const v of vs) possible[k]![i]!.add(v);
  }
  return possible;
}

describe('applyDisclosureControl: counts', () => {
  it('shows 1 to 4 as "<5", keeps 0 and 5, and removes the changes and RAG that would give a hidden count away', () => {
    const [four, zero, five] = applyDisclosureControl([
      metric('INC-01', { value: 4, previous: 10, year_ago: 0, change: -6, change_pct: -60, year_change: 4, year_change_pct: null, rag: 'Red' }),
      metric('INC-03', { value: 0, previous: 3, year_ago: 0, change: -3, change_pct: -100, year_change: 0, year_change_pct: null }),
      metric('VOL-05', { value: 5, previous: 10, year_ago: 0, change: -5, change_pct: -50, year_change: 5, year_change_pct: null }),
    ]);
    expect(four).toMatchObject({ value: null, previous: 10, year_ago: 0, change: null, change_pct: null, year_change: null, year_change_pct: null, rag: null, suppressed: true });
    expect(four!.display).toEqual({ value: '<5', previous: '10', year_ago: '0' });
    expect(zero).toMatchObject({ value: 0, previous: null, year_ago: 0, change: null, change_pct: null, year_change: 0, suppressed: false });
    expect(zero!.display).toEqual({ value: '0', previous: '<5', year_ago: '0' });
    expect(five).toMatchObject({ value: 5, previous: 10, year_ago: 0, change: -5, change_pct: -50, year_change: 5, suppressed: false });
    expect(five!.display).toEqual({ value: '5', previous: '10', year_ago: '0' });
  });

  it('leaves no count of 1 to 4 as a number anywhere in the result', () => {
    const input = [
      metric('INC-01', { value: 7, previous: 3, year_ago: 1, change: 4, change_pct: 133.3, year_change: 6, year_change_pct: 600, series: series([2, 0, 1, 6, 5, 3, 9, 4, 0, 7, 1, 2, 4]) }),
      metric('INC-02', { value: 7, previous: 3, year_ago: 1, change: 4, change_pct: 133.3, year_change: 6, year_change_pct: 600, breakdown: breakdown([4, 0, 3, 0], [1, 2, 0, 0])!.map((r) => ({ ...r, year_ago: r.key === 'k0' ? 1 : 0 })) }),
      metric('ACT-01', { value: 2, previous: null, year_ago: null, change: null, change_pct: null, year_change: null, year_change_pct: null, numerator: 2, denominator: 3 }),
      metric('INC-05', { unit: 'percent', decimals: 1, value: 25, previous: 50, numerator: 3, denominator: 12, change: -25, year_change: null, year_change_pct: null, change_pct: -50, year_ago: null }),
    ];
    const out = applyDisclosureControl(input);
    expect(numbers(out).filter(([, v]) => Number.isInteger(v) && v >= 1 && v <= 4)).toEqual([]);
    // The percentage itself is published (denominator 12 >= 10); its numerator of 3 is not.
    expect(out[3]).toMatchObject({ value: 25, numerator: null, denominator: 12, previous: null, change: null });
  });

  it('honours thresholds from its parameters', () => {
    const m = one(metric('INC-01', { value: 7, previous: 10, year_ago: 9, series: series([9, 10, 12, 0, 11, 10, 15, 10, 10, 10, 10, 10, 7]) }), { minCount: 10 });
    expect(m).toMatchObject({ value: null, previous: 10, year_ago: null, change: null, year_change: null, suppressed: true });
    expect(m.display).toEqual({ value: '<10', previous: '10', year_ago: '<10' });
    expect(m.series!.map((p) => p.display)).toEqual(['<10', '10', '12', '0', '11', '10', '15', '10', '10', '10', '10', '10', '<10']);
    expect(one(metric('INC-05', { unit: 'percent', decimals: 1, value: 60, numerator: 9, denominator: 15 }), { minDenominator: 20 }).value).toBeNull();
    expect(one(metric('INC-04', { unit: 'gbp', decimals: 2, value: 900, denominator: 7 }), { minCrimesForMoney: 8 }).value).toBeNull();
    expect(() => applyDisclosureControl([], { minCount: 0 })).toThrow(/minCount must be a whole number/);
  });

  it('never changes its input', () => {
    const input = [
      metric('INC-01', { value: 3, series: series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3]) }),
      metric('INC-02', { ...noPast, value: 3, breakdown: breakdown([1, 2, 0]) }),
      metric('INC-05', { unit: 'percent', decimals: 1, value: 50, numerator: 4, denominator: 8 }),
    ];
    const copy = structuredClone(input);
    const out = applyDisclosureControl(deepFreeze(input));
    expect(input).toEqual(copy);
    expect(out[0]).not.toBe(input[0]);
    expect(out[0]!.series![0]).not.toBe(input[0]!.series![0]);
  });
});

describe('applyDisclosureControl: percentages, averages and money', () => {
  it('suppresses a percentage over 9 and keeps one over 10, with its numerator, denominator, previous and changes', () => {
    const base = { unit: 'percent' as const, decimals: 1, direction: 'up' as const, target: 90, rag: 'Red' as const, previous: 50, year_ago: 40, change: 16.7, change_pct: 33.4, year_change: 26.7, year_change_pct: 66.8 };
    const nine = one(metric('INC-05', { ...base, value: 66.7, numerator: 6, denominator: 9, series: series([50, 60, null, 70, 80, 90, 100, 0, 10, 20, 30, 40, 66.7]) }));
    expect(nine).toMatchObject({ value: null, numerator: null, denominator: null, previous: null, year_ago: null, change: null, change_pct: null, year_change: null, year_change_pct: null, rag: null, suppressed: true, target: 90 });
    expect(nine.display).toEqual({ value: '[c]', previous: '[c]', year_ago: '[c]' });
    // Month by month the denominators are not known, so every point is suppressed.
    expect(nine.series!.every((p) => p.value === null)).toBe(true);
    expect(nine.series![2]!.display).toBe('n/a');
    expect(nine.series![7]!.display).toBe('[c]');
    const ten = one(metric('INC-05', { ...base, value: 70, numerator: 7, denominator: 10 }));
    expect(ten).toMatchObject({ value: 70, numerator: 7, denominator: 10, rag: 'Red', suppressed: false, previous: null, year_ago: null, change: null, year_change_pct: null });
    expect(ten.display).toEqual({ value: '70.0', previous: '[c]', year_ago: '[c]' });
  });

  it('treats medians and hours per volunteer the same way, and shows an undefined value as n/a', () => {
    expect(one(metric('INC-06', { unit: 'days', decimals: 1, value: 6.5, denominator: 9 })).display.value).toBe('[c]');
    expect(one(metric('INC-06', { unit: 'days', decimals: 1, value: 6.5, denominator: 10 })).display.value).toBe('6.5');
    expect(one(metric('VOL-04', { unit: 'hours', decimals: 1, value: 12.5, numerator: 100, denominator: 8 }))).toMatchObject({ value: null, numerator: null, denominator: null });
    expect(one(metric('TRN-05', { unit: 'score', decimals: 2, value: 4.25, numerator: 212.5, denominator: 50 }))).toMatchObject({ value: 4.25, numerator: 212.5, denominator: 50 });
    const none = one(metric('INC-07', { unit: 'percent', decimals: 1, value: null, previous: null, year_ago: null, numerator: 0, denominator: 0 }));
    expect(none).toMatchObject({ value: null, suppressed: false, numerator: 0, denominator: 0 });
    expect(none.display).toEqual({ value: 'n/a', previous: 'n/a', year_ago: 'n/a' });
  });

  it("suppresses money made of 4 crimes' losses and keeps it for 5; a sum of £0 is shown", () => {
    const base = { unit: 'gbp' as const, decimals: 2, value: 13350.79, previous: 500, year_ago: 0, change: 12850.79, change_pct: 2570.2, year_change: 13350.79, year_change_pct: null };
    const four = one(metric('INC-04', { ...base, denominator: 4 }));
    expect(four).toMatchObject({ value: null, denominator: null, previous: null, year_ago: 0, change: null, year_change: null, suppressed: true });
    expect(four.display).toEqual({ value: '[c]', previous: '[c]', year_ago: '0.00' });
    const five = one(metric('INC-04', { ...base, denominator: 5 }));
    expect(five).toMatchObject({ value: 13350.79, denominator: 5, previous: null, year_ago: 0, change: null, year_change: 13350.79, suppressed: false });
    expect(five.display).toEqual({ value: '13,350.79', previous: '[c]', year_ago: '0.00' });
    expect(one(metric('INC-04', { ...base, value: 0, denominator: 0 }))).toMatchObject({ value: 0, suppressed: false });
    expect(one(metric('INC-04', { ...base, denominator: null })).value).toBeNull();
  });

  it('shows a sum of hours (VOL-02) as it is: docs/metrics.md sets no rule for it', () => {
    const hours = one(metric('VOL-02', { unit: 'hours', decimals: 1, value: 3.5, previous: 2, series: series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3.5]) }));
    expect(hours).toMatchObject({ value: 3.5, previous: 2, change: 10, suppressed: false });
    expect(hours.display.value).toBe('3.5');
  });
});

describe('applyDisclosureControl: secondary suppression', () => {
  const displays = (m: PublicMetricResult, c: 'value' | 'previous' = 'value') => m.breakdown!.map((r) => r.display[c]);

  it('hides the next smallest cell with a single small one, so the total does not give it back', () => {
    // 12 + 3 + 0 + 7 + 20 = 42: "<5" for 3, then 7; the reader has 42 - 32 = 10 for the two.
    const m = one(metric('INC-02', { ...noPast, value: 42, breakdown: breakdown([12, 3, 0, 7, 20]) }));
    expect(displays(m)).toEqual(['12', '<5', '0', '[c]', '20']);
    expect(m.breakdown!.map((r) => r.value)).toEqual([12, null, 0, null, 20]);
    expect(m).toMatchObject({ value: 42, suppressed: false });
    expect(readerSees([{ displays: displays(m), values: m.breakdown!.map((r) => r.value) }], { display: '42', value: 42 })[0]![1]!.size).toBeGreaterThan(1);
  });

  it('hides a third cell when two would still give the small one away', () => {
    // 1 and 5 leave 35 - 29 = 6 = 1 + 5 exactly (the "[c]" is at least 5); with 9 hidden too, 15 has many splits.
    expect(displays(one(metric('INC-02', { ...noPast, value: 35, breakdown: breakdown([1, 5, 9, 20]) })))).toEqual(['<5', '[c]', '[c]', '20']);
    // 3 and the first 5 leave 8; a "[c]" is at most the smallest cell shown (the other 5), so 5 + 3: hide that 5 too.
    expect(displays(one(metric('INC-02', { ...noPast, value: 43, breakdown: breakdown([3, 5, 5, 30]) })))).toEqual(['<5', '[c]', '[c]', '30']);
    // Two 1s leave 2 = 1 + 1: the 10 goes as well.
    expect(displays(one(metric('INC-02', { ...noPast, value: 12, breakdown: breakdown([1, 1, 10]) })))).toEqual(['<5', '<5', '[c]']);
  });

  it('hides the total when every non-zero cell is hidden and still given away, and the metric equal to it (INC-01) with it', () => {
    // 4 + 4 = 8 leaves both at 4; nothing else to hide, so the total goes; then INC-01 (the same 8)
    // goes with it, and then the quarter's one non-zero month, which would be the 8 again.
    const months = [6, 7, 5, 9, 10, 12, 8, 6, 11, 9, 8, 0, 0]; // the quarter: 8 + 0 + 0; the one before: 6 + 11 + 9 = 26
    const [inc01, inc02] = applyDisclosureControl([
      metric('INC-01', { value: 8, previous: 26, year_ago: null, change: -18, series: series(months) }),
      metric('INC-02', { value: 8, previous: 26, year_ago: null, change: -18, breakdown: breakdown([4, 4, 0], [20, 6, 0]) }),
    ]);
    expect(displays(inc02!)).toEqual(['<5', '<5', '0']);
    expect(inc02).toMatchObject({ value: null, suppressed: true, change: null, previous: 26 });
    expect(inc02!.display.value).toBe('[c]');
    expect(inc01).toMatchObject({ value: null, suppressed: true, change: null, previous: 26 });
    expect(inc01!.display.value).toBe('[c]');
    expect(inc01!.series!.slice(-3).map((p) => p.display)).toEqual(['[c]', '0', '0']);
    expect(inc01!.series!.slice(0, -3).every((p) => p.value !== null)).toBe(true);
  });

  it('shows a small total as "[c]" when its small cells would give it back: four 1s make exactly "<5"', () => {
    // Four non-zero cells under a total of at most 4 must each be 1. Nothing is left shown to hide,
    // so the totals (INC-02 and the same 4 in INC-01) are shown "[c]", which may be anything from 1.
    const months = [6, 7, 5, 9, 10, 12, 8, 6, 11, 9, 2, 1, 1];
    const [inc01, inc02] = applyDisclosureControl([metric('INC-01', { ...noPast, value: 4, series: series(months) }), metric('INC-02', { ...noPast, value: 4, breakdown: breakdown([1, 1, 0, 1, 1]) })]);
    expect(displays(inc02!)).toEqual(['<5', '<5', '0', '<5', '<5']);
    expect([inc01!.display.value, inc02!.display.value]).toEqual(['[c]', '[c]']);
    expect(inc01!.series!.slice(-3).map((p) => p.display)).toEqual(['<5', '<5', '<5']);
  });

  it('hides a month when the quarter would give a small month back, and does the same for the previous quarter', () => {
    const months = [8, 9, 10, 11, 12, 13, 30, 14, 2, 20, 10, 3, 12]; // quarter 10 + 3 + 12 = 25; previous 14 + 2 + 20 = 36
    const m = one(metric('INC-01', { value: 25, previous: 36, year_ago: 27, change: -11, series: series(months) }));
    expect(m).toMatchObject({ value: 25, previous: 36, change: -11, suppressed: false });
    expect(m.series!.map((p) => p.display)).toEqual(['8', '9', '10', '11', '12', '13', '30', '[c]', '<5', '20', '[c]', '<5', '12']);
  });

  it('protects the previous and year-ago columns of a breakdown the same way', () => {
    const m = one(metric('INC-02', { ...noPast, value: 30, previous: 17, change: 13, breakdown: breakdown([10, 10, 10], [2, 15, 0]) }));
    expect(displays(m)).toEqual(['10', '10', '10']);
    // 2 is hidden, so 15 goes too: 17 is then "<5" + "[c]" (1 + 16 .. 4 + 13), and the total can stay.
    expect(displays(m, 'previous')).toEqual(['<5', '[c]', '0']);
    expect(m).toMatchObject({ value: 30, previous: 17, change: 13, suppressed: false });
  });

  it('leaves no hidden cell that a reader could work out, whatever the counts and minCount (property)', () => {
    const count = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 25 }));
    const minCount = fc.constantFrom(5, 5, 3, 10);
    fc.assert(
      fc.property(fc.array(count, { minLength: 1, maxLength: 6 }), fc.array(count, { minLength: 13, maxLength: 13 }), minCount, (cells, early, m) => {
        const total = sum(cells);
        // INC-01's last three months make up the quarter INC-02 breaks down.
        const split = [Math.floor(total / 2), total - Math.floor(total / 2) - Math.floor(total / 3), Math.floor(total / 3)];
        const months = [...early.slice(0, 10), ...split];
        const [inc01, inc02] = applyDisclosureControl([metric('INC-01', { ...noPast, value: total, series: series(months) }), metric('INC-02', { ...noPast, value: total, breakdown: breakdown(cells) })], { minCount: m });
        expect(numbers([inc01, inc02]).filter(([, v]) => Number.isInteger(v) && v >= 1 && v < m)).toEqual([]);
        // INC-01 and INC-02 give the same total; the reader uses whichever is shown.
        const shownTotal = inc01!.value ?? inc02!.value;
        const totalDisplay = inc02!.display.value;
        const quarter = inc01!.series!.slice(-3);
        const tables = [
          { displays: inc02!.breakdown!.map((r) => r.display.value), values: inc02!.breakdown!.map((r) => r.value), truth: cells },
          { displays: quarter.map((p) => p.display), values: quarter.map((p) => p.value), truth: split },
        ];
        const possible = readerSees(tables, { display: totalDisplay, value: shownTotal }, m);
        for (const [k, t] of tables.entries()) {
          for (const [i, v] of t.values.entries()) {
            if (v !== null) continue;
            expect(possible[k]![i]!.has(t.truth[i]!), 'the truth is among what the reader sees as possible').toBe(true);
            if (t.displays[i] === `<${m}`) expect(possible[k]![i]!.size, `table ${k} cell ${i} of ${JSON.stringify(t.truth)}`).toBeGreaterThan(1);
          }
        }
        // The brief's plainer test: a hidden cell is never the only unknown beside a shown total.
        for (const t of tables) {
          const hidden = t.values.filter((v) => v === null).length;
          if (hidden > 0) expect(hidden >= 2 || shownTotal === null).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('comparison periods judged by their own denominators', () => {
  it('shows a previous or year-ago percentage whose denominator is at least 10, and hides one under 10', () => {
    const [m] = applyDisclosureControl([
      metric('INC-05', { unit: 'percent', decimals: 1, value: 60, previous: 50, year_ago: 40, change: 10, year_change: 20, numerator: 6, denominator: 10, previous_denominator: 10, year_ago_denominator: 9 }),
    ]);
    expect(m).toMatchObject({ value: 60, previous: 50, year_ago: null, change: 10, year_change: null, previous_denominator: null, year_ago_denominator: null });
    expect(m!.display).toEqual({ value: '60.0', previous: '50.0', year_ago: '[c]' });
  });

  it('shows a previous money total over at least 5 crimes, and hides one over 4', () => {
    const [m] = applyDisclosureControl([metric('INC-04', { unit: 'gbp', decimals: 2, value: 900, previous: 500, year_ago: 300, denominator: 6, previous_denominator: 5, year_ago_denominator: 4 })]);
    expect(m).toMatchObject({ value: 900, previous: 500, year_ago: null });
  });
});
