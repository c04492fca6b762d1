import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, describePolicy } from '../../pipelines/lib/publicationPolicy.ts';
import { loadCatalog } from '../../pipelines/metrics/catalog.ts';
import { loadRelations } from '../../pipelines/metrics/relations.ts';
import type { PublicPack } from '../../pipelines/packs/auditModel.ts';
import { settleComparison } from '../../pipelines/packs/comparison.ts';
import type { Comparison } from '../../pipelines/packs/comparisonShape.ts';
import { applyDisclosureControl } from '../../pipelines/packs/disclosure.ts';
import { protectPublic } from '../../pipelines/packs/protectPublic.ts';
import { metricResult } from '../charts/sampleMetrics.ts';
import { feasibleValues } from './feasible.ts';

// Property: whatever the four forces' counts, the public regional pack, after its primary control
// and the intruder audit, leaves no force's small count (1 to 4) recoverable by subtracting the
// others from the regional total: brute force over every combination consistent with what is
// shown still allows at least four values. And no rate or group average is shown that rests on a
// withheld count (with the population published, a rate is its count).

const queries = resolve(import.meta.dirname, '../../queries');
const catalog = loadCatalog(queries);
const relations = loadRelations(catalog);
const FORCES = ['West Mercia', 'West Midlands', 'Staffordshire', 'Warwickshire'];
const POPULATION = [1_300_000, 2_950_000, 1_150_000, 600_000];
const REGION = 'West Midlands region';

async function publish(counts: number[]): Promise<{ pack: PublicPack; comparison: Comparison }> {
  const policy = defaultPolicy();
  const total = counts.reduce((a, n) => a + n, 0);
  const control = (value: number) => applyDisclosureControl([metricResult('INC-01', { value, previous: null, year_ago: null })], policy, [])[0]!;
  const region = control(total);
  const comparison: Comparison = {
    metrics: [{ id: 'INC-01', title: 'Crimes reported', unit: 'count', decimals: 0, rate_definition: 'per 100,000' }],
    places: [
      ...FORCES.map((name, i) => ({ name, code: `F${i}`, kind: 'force' as const, population: POPULATION[i]!, population_year: 'test', population_source: 'test', peers: FORCES.filter((f) => f !== name) })),
      { name: REGION, code: 'R', kind: 'region' as const, population: POPULATION.reduce((a, n) => a + n, 0), population_year: 'test', population_source: 'test', peers: [] },
    ],
    figures: [...counts, total].map((n, i) => {
      const shown = control(n);
      return { metric: 'INC-01', place: i < FORCES.length ? FORCES[i]! : REGION, value: shown.value, numerator: null, denominator: null, display: shown.display.value, rate: null, rate_display: 'n/a', msg: null };
    }),
  };
  settleComparison(comparison, catalog);
  const pack: PublicPack = {
    name: '2026-27-Q2-regional-public',
    manifest: {
      pack: { period: '2026-27-Q2', as_of: '2026-10-14', force: REGION, scope: { forces: FORCES }, disclosure: describePolicy(policy) },
      comparisons: { previous: { id: '2026-27-Q1' }, year_ago: { id: '2025-26-Q2' } },
      snapshot: { id: 'one' },
      metrics: [region as unknown as PublicPack['manifest']['metrics'][number]],
      comparison,
    },
  };
  await protectPublic({ current: pack, issued: [], relations, policy, home: 'West Mercia' });
  settleComparison(comparison, catalog);
  return { pack, comparison };
}

describe("a force's small count in the public regional pack", () => {
  it('cannot be worked out from the total and the other forces, nor from a rate or an average', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 14 }), { minLength: 4, maxLength: 4 }), async (counts) => {
        const { pack, comparison } = await publish(counts);
        const shown = FORCES.map((f) => comparison.figures.find((x) => x.place === f)!.display);
        const total = pack.manifest.metrics[0]!.display.value;
        counts.forEach((n, i) => {
          if (n >= 1 && n <= 4) expect(feasibleValues(shown, total, i).size, `${FORCES[i]} ${n} of ${counts} shown as ${shown} / ${total}`).toBeGreaterThanOrEqual(4);
        });
        for (const f of comparison.figures) {
          if (!/^\d+$/.test(f.display)) expect(f.rate_display, f.place).toBe('[c]');
          // A group average is shown only where every member's count is shown.
          if (f.msg && /\d/.test(f.msg.display)) expect(f.msg.peers.every((p) => /^\d+$/.test(comparison.figures.find((x) => x.place === p)!.display))).toBe(true);
        }
      }),
      { numRuns: 40, seed: 15 },
    );
  });
});
