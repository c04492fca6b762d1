import type { MetricDefinition } from '../metrics/catalog.ts';
import { placeKey, readPopulation } from '../metrics/population.ts';
import { formatFigure } from './format.ts';
import type { PackMetric } from './manifest.ts';
import type { FigureRate } from './comparisonShape.ts';

export type { FigureRate };

/**
 * A pack's own rates per 100,000 residents: for each figure whose metadata defines a rate, the
 * figure over the published population of the pack's place (the force, the area, or the region
 * when every force's population is published). Worked from the figure as this edition shows it,
 * so a withheld count has no rate (the rate would give it back), and a place with no published
 * population has none ("rate not available"), never an estimate.
 */

/** `onlyKnown`: a force's own pack gives rates once its population is in the reference data, and says nothing before. */
export function addRates(metrics: PackMetric[], catalog: Pick<MetricDefinition, 'meta'>[], referenceDir: string, places: string[], onlyKnown = false): PackMetric[] {
  const population = readPopulation(referenceDir);
  const found = places.map((p) => population.get(placeKey(p)) ?? null);
  if (onlyKnown && found.some((p) => p === null)) return metrics;
  const total = found.every((p) => p !== null) ? found.reduce((a, p) => a + p!.population, 0) : null;
  const source = found[0] ? `${found[0].source} (${found[0].year})` : null;
  return metrics.map((m) => {
    const rate = catalog.find((c) => c.meta.id === m.id)?.meta.rate;
    if (!rate) return m;
    const shown = (m as { display?: { value: string } }).display?.value;
    const withheld = shown !== undefined && !/^\d[\d,]*$/.test(shown);
    if (withheld) return { ...m, rate: { value: null, display: '[c]', population: total, source } };
    if (total === null || m.value === null) return { ...m, rate: { value: null, display: 'n/a', population: total, source } };
    const value = Math.round(((m.value * rate.per) / total) * 10) / 10;
    return { ...m, rate: { value, display: formatFigure(value, 'count', 1), population: total, source } };
  });
}
