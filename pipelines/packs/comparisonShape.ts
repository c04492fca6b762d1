import type { MetricResult } from '../metrics/runMetrics.ts';

/** The shape of a regional pack's comparison in the manifest (computed in comparison.ts, shown by comparisonView.ts). */

export interface ComparisonPlace {
  name: string;
  code: string;
  kind: 'force' | 'region';
  population: number | null;
  population_year: string | null;
  population_source: string | null;
  /** Most similar group: every member named in the reference data, loaded here or not. */
  peers: string[];
}

export interface ComparisonFigure {
  metric: string;
  place: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  display: string;
  rate: number | null;
  rate_display: string;
  /** The most similar group's average (of rates, or of the figure where it has no rate): forces only. */
  msg: { value: number | null; display: string; peers: string[] } | null;
  citation_id?: string;
}

export interface Comparison {
  metrics: { id: string; title: string; unit: MetricResult['unit']; decimals: number; rate_definition: string | null }[];
  places: ComparisonPlace[];
  figures: ComparisonFigure[];
}

/** A figure's rate per 100,000 residents of the pack's place (rates.ts). */
export interface FigureRate {
  value: number | null;
  display: string;
  population: number | null;
  /** The estimate and its source, in words. */
  source: string | null;
}
