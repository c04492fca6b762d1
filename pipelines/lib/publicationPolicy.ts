import { UsageError } from './errors.ts';
import { nearest } from './schemas.ts';
import type { PeriodKind } from './periods.ts';

/**
 * The publication policy of the public edition, as data in boardpack.config.json under
 * "disclosure" (docs/disclosure.md). The three thresholds are the older keys and keep
 * their meaning; the rest say what is published and how it is protected:
 *  - method: "suppression" (small counts "<5", more cells "[c]" so none can be worked back)
 *    or "rounding" (counts to base `round_base`, "<5" for 1-4, percentages only from
 *    denominators of at least min_denominator, shown to whole numbers);
 *  - periods: the kinds of period the public edition publishes (month, quarter, year);
 *  - metrics: the metrics it publishes (all when absent);
 *  - min_range: how many values a protected count must still be able to take for an
 *    intruder who combines everything published (default min_count - 1, so "<5" stays 1-4).
 */

export type Method = 'suppression' | 'rounding';

export interface Policy {
  minCount: number;
  minDenominator: number;
  minCrimesForMoney: number;
  method: Method;
  roundBase: number;
  periods: PeriodKind[];
  /** Null: every metric of the catalogue. */
  metrics: string[] | null;
  minRange: number;
}

export const POLICY_KEYS = ['min_count', 'min_denominator', 'min_crimes_for_money', 'method', 'round_base', 'periods', 'metrics', 'min_range'] as const;
const KINDS: PeriodKind[] = ['month', 'quarter', 'year'];

export function defaultPolicy(): Policy {
  return { minCount: 5, minDenominator: 10, minCrimesForMoney: 5, method: 'suppression', roundBase: 5, periods: [...KINDS], metrics: null, minRange: 4 };
}

/** Reads the "disclosure" object of the configuration (snake_case keys); every key optional. */
export function policySetting(value: unknown): Policy {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new UsageError('Configuration "disclosure" must be an object like {"min_count": 5, "method": "suppression", "periods": ["quarter", "year"]}.');
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(record).find((k) => !(POLICY_KEYS as readonly string[]).includes(k));
  if (unknown) {
    const near = nearest(unknown, [...POLICY_KEYS]);
    throw new UsageError(`Configuration "disclosure.${unknown}" is not a setting; ${near ? `did you mean "${near}"?` : `use ${POLICY_KEYS.join(', ')}.`}`);
  }
  const base = defaultPolicy();
  const whole = (key: string, fallback: number) => {
    const v = record[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`Configuration "disclosure.${key}" must be a whole number of 1 or more (default ${fallback}).`);
    return v;
  };
  const minCount = whole('min_count', base.minCount);
  const method = record.method ?? base.method;
  if (method !== 'suppression' && method !== 'rounding') throw new UsageError('Configuration "disclosure.method" must be "suppression" or "rounding".');
  const periods = record.periods ?? base.periods;
  if (!Array.isArray(periods) || periods.length === 0 || !periods.every((p) => KINDS.includes(p as PeriodKind))) {
    throw new UsageError('Configuration "disclosure.periods" must be a list of one or more of "month", "quarter", "year".');
  }
  const metrics = record.metrics ?? null;
  if (metrics !== null && !(Array.isArray(metrics) && metrics.every((m) => typeof m === 'string' && /^[A-Z]{3}-\d{2}$/.test(m)))) {
    throw new UsageError('Configuration "disclosure.metrics" must be a list of metric IDs like ["INC-01", "INC-02"].');
  }
  return {
    minCount,
    minDenominator: whole('min_denominator', base.minDenominator),
    minCrimesForMoney: whole('min_crimes_for_money', base.minCrimesForMoney),
    method,
    roundBase: whole('round_base', base.roundBase),
    periods: periods as PeriodKind[],
    metrics: metrics as string[] | null,
    minRange: whole('min_range', Math.max(minCount - 1, 1)),
  };
}

/** The policy as the snapshot records it: the three thresholds always, the rest only where not the default, so older snapshot IDs still hold. */
export function policyToSettings(p: Policy): Record<string, unknown> {
  const d = { ...defaultPolicy(), minRange: Math.max(p.minCount - 1, 1) };
  const out: Record<string, unknown> = { min_count: p.minCount, min_denominator: p.minDenominator, min_crimes_for_money: p.minCrimesForMoney };
  if (p.method !== d.method) out.method = p.method;
  if (p.roundBase !== d.roundBase) out.round_base = p.roundBase;
  if (p.periods.join() !== d.periods.join()) out.periods = p.periods;
  if (p.metrics !== null) out.metrics = p.metrics;
  if (p.minRange !== d.minRange) out.min_range = p.minRange;
  return out;
}

/** Refuses a public pack for a kind of period the policy does not publish (exit 2). */
export function checkPublishedPeriod(policy: Policy, kind: PeriodKind, periodId: string): void {
  if (policy.periods.includes(kind)) return;
  const plural = (k: PeriodKind) => (k === 'month' ? 'months' : k === 'quarter' ? 'quarters' : 'financial years');
  throw new UsageError(`The public edition is not published for ${periodId}: the publication policy publishes ${policy.periods.map(plural).join(' and ')} only; build the board edition, or another period.`);
}

/** What the public manifest records of the policy. */
export function describePolicy(p: Policy) {
  return {
    method: p.method,
    min_count: p.minCount,
    min_denominator: p.minDenominator,
    min_crimes_for_money: p.minCrimesForMoney,
    ...(p.method === 'rounding' ? { round_base: p.roundBase } : {}),
    periods: p.periods,
    metrics: p.metrics ?? 'all',
    min_range: p.minRange,
  };
}
