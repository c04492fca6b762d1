import type { Config } from '../lib/config.ts';
import type { Db } from '../lib/db.ts';
import type { Period } from '../lib/periods.ts';
import { viewScope, type Scope } from '../model/scope.ts';
import type { MetricDefinition } from '../metrics/catalog.ts';
import { placeKey, readMostSimilarGroups, readPopulation } from '../metrics/population.ts';
import type { Relations } from '../metrics/relations.ts';
import { runMetrics, type MetricResult, type MetricRun } from '../metrics/runMetrics.ts';
import { NOT_AVAILABLE, SUPPRESSED } from './disclosure.ts';
import { formatFigure } from './format.ts';
import { controlForPublic } from './publicEdition.ts';
import type { Comparison, ComparisonFigure, ComparisonPlace } from './comparisonShape.ts';

export type { Comparison, ComparisonFigure, ComparisonPlace };

/**
 * The regional pack's comparison: chosen figures for each force of the region side by side
 * with the regional total, a rate per 100,000 residents where the metric defines one (from the
 * published population in the reference data; none where it is missing), and each force
 * against the average of the forces of its most similar group that are loaded here.
 *
 * The public edition shows each force's figure under the same disclosure rules as the pack's
 * own; a rate or an average is shown only where every count it rests on is shown, since with
 * the population published a rate gives its count straight back.
 */

export interface CompareRequest {
  catalog: MetricDefinition[];
  forces: { name: string; code: string }[];
  region: { name: string; code: string };
  /** The region's own figures as this edition publishes them, the total beside the forces. */
  regionResults: MetricResult[];
  period: Period;
  asOf: string;
  throughLoadId: number;
  edition: 'board' | 'public';
}

export async function compareForces(db: Db, request: CompareRequest, config: Config, relations: Relations): Promise<Comparison> {
  const population = readPopulation(config.referenceDir);
  const groups = readMostSimilarGroups(config.referenceDir);
  const regionScope: Scope = { forces: request.forces.map((f) => f.name) };
  const runs = new Map<string, MetricResult[]>();
  try {
    for (const force of request.forces) {
      await viewScope(db, request.throughLoadId, { forces: [force.name] });
      const run = await runMetrics(db, request.catalog, { period: request.period, asOf: request.asOf, targets: {} });
      runs.set(force.name, publish(run, request.edition, config, relations));
    }
  } finally {
    await viewScope(db, request.throughLoadId, regionScope);
  }
  runs.set(
    request.region.name,
    request.regionResults.filter((m) => request.catalog.some((c) => c.meta.id === m.id)),
  );
  const pop = (name: string) => population.get(placeKey(name)) ?? null;
  const forcesPopulation = request.forces.map((f) => pop(f.name)?.population ?? null);
  const places: ComparisonPlace[] = [
    ...request.forces.map((f) => {
      const p = pop(f.name);
      const group = groups.get(placeKey(f.name));
      return { name: f.name, code: f.code, kind: 'force' as const, population: p?.population ?? null, population_year: p?.year ?? null, population_source: p?.source ?? null, peers: group?.peers ?? [] };
    }),
    {
      name: request.region.name,
      code: request.region.code,
      kind: 'region',
      // The region's population is its forces' only when every one is published.
      population: forcesPopulation.every((n) => n !== null) ? forcesPopulation.reduce<number>((a, n) => a + n!, 0) : null,
      population_year: sameYear(request.forces.map((f) => pop(f.name)?.year ?? null)),
      population_source: pop(request.forces[0]!.name)?.source ?? null,
      peers: [],
    },
  ];
  const figures: ComparisonFigure[] = [];
  for (const metric of request.catalog) {
    for (const place of places) {
      const m = runs.get(place.name)?.find((r) => r.id === metric.meta.id);
      const display = (m as { display?: { value: string } } | undefined)?.display?.value ?? formatFigure(m?.value ?? null, metric.meta.unit, metric.meta.decimals);
      figures.push({ metric: metric.meta.id, place: place.name, value: m?.value ?? null, numerator: m?.numerator ?? null, denominator: m?.denominator ?? null, display, rate: null, rate_display: NOT_AVAILABLE, msg: null });
    }
  }
  settleComparison({ places, figures }, request.catalog);
  return {
    metrics: request.catalog.map((c) => ({ id: c.meta.id, title: c.meta.title, unit: c.meta.unit, decimals: c.meta.decimals, rate_definition: c.meta.rate?.definition ?? null })),
    places,
    figures,
  };
}

/**
 * Rates and most-similar-group averages from the figures as published: a hidden count hides
 * its rate, and an average resting on a hidden figure is hidden. Run again after the intruder
 * audit hides more.
 */
export function settleComparison(comparison: Pick<Comparison, 'places' | 'figures'>, catalog: Pick<MetricDefinition, 'meta'>[]): void {
  for (const f of comparison.figures) {
    const meta = catalog.find((c) => c.meta.id === f.metric)?.meta;
    const place = comparison.places.find((p) => p.name === f.place);
    const hidden = f.value === null && f.display !== NOT_AVAILABLE && f.display !== '';
    if (!meta?.rate) Object.assign(f, { rate: null, rate_display: NOT_AVAILABLE });
    else if (hidden) Object.assign(f, { rate: null, rate_display: SUPPRESSED });
    else if (f.value === null || !place?.population) Object.assign(f, { rate: null, rate_display: NOT_AVAILABLE });
    else {
      const rate = Math.round(((f.value * meta.rate.per) / place.population) * 10) / 10;
      Object.assign(f, { rate, rate_display: formatFigure(rate, 'count', 1) });
    }
  }
  for (const f of comparison.figures) {
    const place = comparison.places.find((p) => p.name === f.place);
    const meta = catalog.find((c) => c.meta.id === f.metric)?.meta;
    if (place?.kind !== 'force' || !meta || (meta.unit !== 'percent' && !meta.rate)) continue;
    const peers = comparison.figures.filter((g) => g.metric === f.metric && place.peers.some((p) => placeKey(p) === placeKey(g.place)));
    if (peers.length === 0) {
      f.msg = { value: null, display: NOT_AVAILABLE, peers: [] };
      continue;
    }
    // Averaged unrounded (count over population), then rounded once, as the rates are.
    const of = (g: ComparisonFigure) => {
      if (!meta.rate) return g.value;
      const population = comparison.places.find((p) => p.name === g.place)?.population;
      return g.rate === null || g.value === null || !population ? null : (g.value * meta.rate.per) / population;
    };
    if (peers.some((g) => of(g) === null && (meta.rate ? g.rate_display : g.display) === SUPPRESSED)) {
      f.msg = { value: null, display: SUPPRESSED, peers: peers.map((g) => g.place) };
      continue;
    }
    const known = peers.filter((g) => of(g) !== null);
    const value = known.length === 0 ? null : Math.round((known.reduce((a, g) => a + of(g)!, 0) / known.length) * 10) / 10;
    f.msg = { value, display: value === null ? NOT_AVAILABLE : formatFigure(value, meta.rate ? 'count' : meta.unit, 1), peers: known.map((g) => g.place) };
  }
}

function publish(run: MetricRun, edition: 'board' | 'public', config: Config, relations: Relations): MetricResult[] {
  if (edition === 'board') return run.results;
  return controlForPublic(run, [], [], config.disclosure, relations).run.results;
}

function sameYear(years: (string | null)[]): string | null {
  const set = new Set(years);
  return set.size === 1 ? [...set][0]! : null;
}

/** Each force's figure is cited as the region's, then the force's code: WMR-WM-2026-27-Q2-INC-01. */
export function citeComparison(comparison: Comparison, regionCode: string, period: string): Comparison {
  const code = new Map(comparison.places.map((p) => [p.name, p.kind === 'region' ? regionCode : `${regionCode}-${p.code}`]));
  return { ...comparison, figures: comparison.figures.map((f) => ({ ...f, citation_id: `${code.get(f.place)}-${period}-${f.metric}` })) };
}
