import { describe, expect, it } from 'vitest';
import { isPartial, monthsEnding, parsePeriod, previousPeriod, yearAgo } from '../../pipelines/lib/periods.ts';

// Periods of docs/metrics.md, with boundaries worked out by hand.

const span = (p: { id: string; start: string; end: string }) => [p.id, p.start, p.end];

describe('parsePeriod', () => {
  it('reads months, financial quarters and financial years', () => {
    expect(span(parsePeriod('2025-09', '2025-10-14'))).toEqual(['2025-09', '2025-09-01', '2025-09-30']);
    expect(span(parsePeriod('2024-02', '2025-10-14'))).toEqual(['2024-02', '2024-02-01', '2024-02-29']);
    expect(span(parsePeriod('2025-26-Q1', '2025-10-14'))).toEqual(['2025-26-Q1', '2025-04-01', '2025-06-30']);
    expect(span(parsePeriod('2025-26-Q2', '2025-10-14'))).toEqual(['2025-26-Q2', '2025-07-01', '2025-09-30']);
    expect(span(parsePeriod('2025-26-Q3', '2025-10-14'))).toEqual(['2025-26-Q3', '2025-10-01', '2025-12-31']);
    expect(span(parsePeriod('2025-26-q4', '2025-10-14'))).toEqual(['2025-26-Q4', '2026-01-01', '2026-03-31']);
    expect(span(parsePeriod('2025-26', '2025-10-14'))).toEqual(['2025-26', '2025-04-01', '2026-03-31']);
    expect(span(parsePeriod('2099-00', '2025-10-14'))).toEqual(['2099-00', '2099-04-01', '2100-03-31']);
  });

  it('resolves relative names against as_of; a period ending on as_of is complete', () => {
    expect(parsePeriod('last-complete-month', '2025-10-14').id).toBe('2025-09');
    expect(parsePeriod('last-complete-month', '2025-09-30').id).toBe('2025-09');
    expect(parsePeriod('last-complete-quarter', '2025-10-14').id).toBe('2025-26-Q2');
    expect(parsePeriod('last-complete-quarter', '2025-06-30').id).toBe('2025-26-Q1');
    expect(parsePeriod('last-complete-quarter', '2026-01-01').id).toBe('2025-26-Q3');
    expect(parsePeriod('current-quarter', '2026-02-10').id).toBe('2025-26-Q4');
    expect(parsePeriod('current-financial-year', '2026-03-31').id).toBe('2025-26');
    expect(parsePeriod('current-financial-year', '2026-04-01').id).toBe('2026-27');
  });

  it('rejects unknown and empty period text with the accepted forms', () => {
    const forms = 'use a month (2025-09), a financial quarter (2025-26-Q2), a financial year (2025-26) or one of last-complete-month, last-complete-quarter, current-quarter, current-financial-year.';
    expect(() => parsePeriod('Q2', '2025-10-14')).toThrow(`"Q2" is not a period; ${forms}`);
    expect(() => parsePeriod('', '2025-10-14')).toThrow(`The period is empty; ${forms}`);
    expect(() => parsePeriod('2025-27-Q1', '2025-10-14')).toThrow('"2025-27-Q1" is not a financial quarter: a financial year runs 2025-26;');
    expect(() => parsePeriod('2025-13', '2025-10-14')).toThrow('"2025-13" is not a period: 13 is neither a month (01-12) nor the year after 2025;');
    expect(() => parsePeriod('last-complete-month', '14/10/2025')).toThrow('"14/10/2025" is not a date; give --as-of as yyyy-mm-dd.');
  });
});

describe('comparisons and series', () => {
  it('gives the previous period of the same kind across year boundaries', () => {
    expect(previousPeriod(parsePeriod('2025-01', '2025-10-14')).id).toBe('2024-12');
    expect(previousPeriod(parsePeriod('2025-26-Q1', '2025-10-14')).id).toBe('2024-25-Q4');
    expect(span(previousPeriod(parsePeriod('2025-26-Q4', '2025-10-14')))).toEqual(['2025-26-Q3', '2025-10-01', '2025-12-31']);
    expect(previousPeriod(parsePeriod('2025-26', '2025-10-14')).id).toBe('2024-25');
  });

  it('gives the same period a year earlier, including a leap-year February', () => {
    expect(span(yearAgo(parsePeriod('2025-02', '2025-10-14')))).toEqual(['2024-02', '2024-02-01', '2024-02-29']);
    expect(yearAgo(parsePeriod('2025-26-Q4', '2025-10-14')).id).toBe('2024-25-Q4');
    expect(span(yearAgo(parsePeriod('2025-26', '2025-10-14')))).toEqual(['2024-25', '2024-04-01', '2025-03-31']);
  });

  it('lists 13 months ending with the period end, oldest first', () => {
    const months = monthsEnding('2025-09-30', 13).map((m) => m.id);
    expect(months).toEqual(['2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09']);
  });

  it('flags a period that ends after as_of as partial', () => {
    const q = parsePeriod('2025-26-Q2', '2025-10-14');
    expect([isPartial(q, '2025-09-29'), isPartial(q, '2025-09-30'), isPartial(q, '2025-10-14')]).toEqual([true, false, false]);
  });
});
