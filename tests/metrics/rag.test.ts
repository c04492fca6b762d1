import { describe, expect, it } from 'vitest';
import { ragFor } from '../../pipelines/metrics/rag.ts';
import { round } from '../../pipelines/metrics/runMetrics.ts';

// RAG of docs/metrics.md: Green at or beyond target, Amber within 10 percentage points
// (or 10 % of target for non-percentages) short of it, Red beyond.

describe('ragFor', () => {
  it('judges a percentage with a higher-is-better target of 90 (INC-05)', () => {
    expect([95, 90, 89.9, 80, 79.9].map((v) => ragFor(v, 90, 'up', 'percent', null))).toEqual(['Green', 'Green', 'Amber', 'Amber', 'Red']);
  });

  it('uses 10 % of target for other units, and judges lower-is-better the other way', () => {
    // Target 200 hours, lower is better: Amber up to 220.
    expect([150, 200, 220, 220.1].map((v) => ragFor(v, 200, 'down', 'hours', null))).toEqual(['Green', 'Green', 'Amber', 'Red']);
    // Target 50 count, higher is better: Amber down to 45.
    expect([45, 44].map((v) => ragFor(v, 50, 'up', 'count', null))).toEqual(['Amber', 'Red']);
  });

  it('takes a configured tolerance, and gives no RAG without a value, a target or a direction', () => {
    expect(ragFor(72, 75, 'up', 'percent', 2)).toBe('Red');
    expect(ragFor(73, 75, 'up', 'percent', 2)).toBe('Amber');
    expect([ragFor(null, 75, 'up', 'percent', null), ragFor(70, null, 'up', 'percent', null), ragFor(70, 75, 'neutral', 'percent', null)]).toEqual([null, null, null]);
  });
});

describe('round', () => {
  it('rounds half away from zero on the decimal value, not its binary neighbour', () => {
    expect([round(1.005, 2), round(0.15, 1), round(-2.5, 0), round(12.345, 2), round(-0.05, 1), round(7, 1)]).toEqual([1.01, 0.2, -3, 12.35, -0.1, 7]);
  });
});
