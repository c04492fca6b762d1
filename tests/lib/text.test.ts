import { describe, expect, it } from 'vitest';
import { formatCount } from '../../pipelines/lib/text.ts';

describe('formatCount', () => {
  it('writes counts as en-GB does, commas between thousands', () => {
    expect([0, 7, 999, 1000, 48470, 1000000, 1234567, -1500, -999].map(formatCount)).toEqual(['0', '7', '999', '1,000', '48,470', '1,000,000', '1,234,567', '-1,500', '-999']);
  });

  it('agrees with toLocaleString for whole numbers and leaves fractions to it', () => {
    for (const n of [5, 12, 123, 4096, 65536, 999999, 10000000, 2 ** 40, -(2 ** 31)]) expect(formatCount(n)).toBe(n.toLocaleString('en-GB'));
    expect(formatCount(1234.5)).toBe('1,234.5');
  });
});
