import type { Comparison } from './comparisonShape.ts';

/**
 * A regional pack's comparison as the reader sees it: one table per figure, a row per force and
 * the region last, with the rate per 100,000 residents and the most similar group's average where
 * there are figures to give them; otherwise the words say why ("rate not available").
 */

export interface ComparisonTable {
  id: string;
  caption: string;
  columns: string[];
  rows: { cells: string[]; total: boolean }[];
  notes: string[];
}

const WORDS: Record<string, string> = { 'n/a': 'not available', '[c]': 'withheld' };

export function comparisonTables(comparison: Comparison | undefined, metricIds: string[], periodLabel: string): ComparisonTable[] {
  if (!comparison) return [];
  return metricIds.flatMap((id) => {
    const metric = comparison.metrics.find((m) => m.id === id);
    if (!metric) return [];
    const rated = metric.rate_definition !== null;
    const grouped = rated || metric.unit === 'percent';
    const columns = ['Force', metric.title, ...(rated ? ['Per 100,000 residents'] : []), ...(grouped ? [rated ? 'Most similar group average per 100,000' : 'Most similar group average'] : [])];
    const rows = comparison.places.map((place) => {
      const f = comparison.figures.find((x) => x.metric === id && x.place === place.name);
      const cells = [place.name, withUnit(words(f?.display ?? 'n/a'), metric.unit)];
      if (rated) cells.push(f?.rate_display === 'n/a' ? 'rate not available' : words(f?.rate_display ?? 'n/a'));
      if (grouped) cells.push(place.kind === 'region' ? '–' : groupWords(f?.msg ?? null));
      return { cells, total: place.kind === 'region' };
    });
    const notes: string[] = [];
    if (rated) {
      notes.push(metric.rate_definition!);
      const sources = [...new Set(comparison.places.filter((p) => p.population !== null).map((p) => `${p.population_source ?? 'source not recorded'}${p.population_year ? ` (${p.population_year})` : ''}`))];
      if (sources.length) notes.push(`Population: ${sources.join('; ')}.`);
      const missing = comparison.places.filter((p) => p.population === null).map((p) => p.name);
      if (missing.length) notes.push(`No published population estimate is held for ${missing.join(', ')}, so no rate is given there rather than an estimate.`);
    }
    if (grouped) notes.push("A force's most similar group average is the average of the forces in its most similar group (as published) whose figures are in this pack, named in brackets.");
    return [{ id: `compare-${id}`, caption: `${metric.title} by force: ${periodLabel}`, columns, rows, notes }];
  });
}

/** A public display is the bare number: the percentage gets its sign, as the board edition's has. */
function withUnit(shown: string, unit: string): string {
  return unit === 'percent' && /^[\d.,]+$/.test(shown) ? `${shown} %` : shown;
}

function words(display: string): string {
  return WORDS[display] ?? display;
}

function groupWords(msg: { display: string; peers: string[] } | null): string {
  if (!msg || msg.display === 'n/a') return 'not available';
  return `${words(msg.display)}${msg.peers.length ? ` (${msg.peers.join(', ')})` : ''}`;
}
