import type { Direction, Unit } from './catalog.ts';

export type Rag = 'Green' | 'Amber' | 'Red';

/**
 * docs/metrics.md: Green at or beyond target; Amber within 10 percentage points (or 10 % of
 * target for non-percentages) short of it; Red beyond. The tolerance can be configured.
 */
export function ragFor(value: number | null, target: number | null, direction: Direction, unit: Unit, tolerance: number | null): Rag | null {
  if (value === null || target === null || direction === 'neutral') return null;
  const allowed = tolerance ?? (unit === 'percent' ? 10 : Math.abs(target) * 0.1);
  const shortBy = direction === 'up' ? target - value : value - target;
  if (shortBy <= 0) return 'Green';
  return shortBy <= allowed ? 'Amber' : 'Red';
}
