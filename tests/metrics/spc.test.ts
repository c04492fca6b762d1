import { describe, expect, it } from 'vitest';
import { xmr } from '../../pipelines/metrics/spc.ts';

// XmR limits and the Making Data Count special-cause rules on series worked by hand.
// BASE alternates 10, 12 for twelve months: mean 11; every moving range is 2, so the mean
// moving range is 2 and the limits are 11 ± 2.66 × 2 = 5.68 and 16.32. Alternating points
// never make a run on one side of the mean nor a rise or fall twice in a row.
const BASE = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12];
const flagged = (values: number[]) => {
  const r = xmr(values, { baseline: 12 })!;
  return r.points.flatMap((p, i) => (p.rules.length ? [[i, p.rules.join('+'), p.side]] : []));
};

describe('xmr', () => {
  it('takes the mean and natural process limits (2.66 × mean moving range) from the baseline only', () => {
    const r = xmr([...BASE, 30, 40], { baseline: 12 })!;
    expect(r.mean).toBe(11);
    expect(r.mr_bar).toBe(2);
    expect(r.upper).toBeCloseTo(16.32, 10);
    expect(r.lower).toBeCloseTo(5.68, 10);
    expect(r.baseline).toBe(12);
    // Another worked baseline: 4, 8, 6 -> mean 6; ranges 4, 2 -> 3; limits 6 ± 7.98.
    const small = xmr([4, 8, 6], { baseline: 3 })!;
    expect([small.mean, small.mr_bar, small.upper, small.lower].map((v) => Number(v.toFixed(2)))).toEqual([6, 3, 13.98, -1.98]);
  });

  it('flags a point beyond the limits, and not one just inside', () => {
    // 16 < 16.32: inside; 17 > 16.32: high; 5 < 5.68: low.
    expect(flagged([...BASE, 16, 17, 5])).toEqual([
      [13, 'beyond_limits', 'high'],
      [14, 'beyond_limits', 'low'],
    ]);
  });

  it('flags a shift of seven or more points on one side of the mean, every point of it', () => {
    // The last baseline point (12, index 11) starts the run above 11: indices 11 to 18, eight points.
    expect(flagged([...BASE, 12, 13, 12, 14, 12, 13, 12])).toEqual([11, 12, 13, 14, 15, 16, 17, 18].map((i) => [i, 'shift', 'high']));
    // Six points above (indices 11 to 16), then 10 below: no shift.
    expect(flagged([...BASE, 12, 13, 12, 14, 12, 10])).toEqual([]);
    // A point exactly on the mean (11) breaks the run: 12 (11), 13, 12, then 11, then 12, 13, 14: runs of 3 and 3.
    expect(flagged([...BASE, 13, 12, 11, 12, 13, 14])).toEqual([]);
  });

  it('flags a trend of six rises (seven points) in a row, up or down, and not five', () => {
    // 9, 10, 11, 11.5, 12, 13, 14 (indices 12 to 18): six rises. 11 sits on the mean, so no shift.
    expect(flagged([...BASE, 9, 10, 11, 11.5, 12, 13, 14])).toEqual([12, 13, 14, 15, 16, 17, 18].map((i) => [i, 'trend', 'high']));
    // Five rises (9 to 13) are not a trend.
    expect(flagged([...BASE, 9, 10, 11, 11.5, 12, 13])).toEqual([]);
    // Falling: 12 (index 11), 11.9, 11.5, 11, 10.5, 10, 9: six falls from index 11 to 17. 11 on the mean breaks any shift.
    expect(flagged([...BASE, 11.9, 11.5, 11, 10.5, 10, 9])).toEqual([11, 12, 13, 14, 15, 16, 17].map((i) => [i, 'trend', 'low']));
    // An equal value breaks a trend: 9, 10, 11, 11, 12, 13, 14 has runs of 2 and 3 rises.
    expect(flagged([...BASE, 9, 10, 11, 11, 12, 13, 14])).toEqual([]);
  });

  it('finds nothing in a quiet series', () => {
    expect(flagged([...BASE, 11.5, 10.5, 11])).toEqual([]);
  });

  it('needs two baseline points', () => {
    expect(xmr([5], { baseline: 12 })).toBeNull();
  });
});
