import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../ingest/contracts.ts';
import { UsageError } from '../lib/errors.ts';

/**
 * Published reference figures for fair comparison between places: ONS mid-year population
 * estimates by police force area and local policing area (`population.csv`), and each force's
 * most similar group (`most_similar_groups.csv`). Only published figures are shipped; a place
 * missing from the file has no rate, and the pack says "rate not available" rather than guess.
 */

export interface Population {
  place: string;
  kind: 'force' | 'area';
  population: number;
  /** The estimate's reference date in words, e.g. "mid-2024". */
  year: string;
  /** Publisher, table and release. */
  source: string;
}

export function readPopulation(referenceDir: string): Map<string, Population> {
  const rows = readOptional(referenceDir, 'population.csv', ['place', 'kind', 'population', 'year', 'source']);
  const out = new Map<string, Population>();
  rows.forEach((r, i) => {
    const population = Number(r.population);
    if (!Number.isInteger(population) || population <= 0 || (r.kind !== 'force' && r.kind !== 'area')) {
      throw new UsageError(`population.csv line ${i + 2}: "kind" must be force or area and "population" a whole number above 0 (a published estimate); fix the row or remove it.`);
    }
    out.set(key(r.place!), { place: r.place!, kind: r.kind, population, year: r.year ?? '', source: r.source ?? '' });
  });
  return out;
}

/** Each force's most similar group: the peers it is compared with. */
export function readMostSimilarGroups(referenceDir: string): Map<string, { peers: string[]; source: string }> {
  const out = new Map<string, { peers: string[]; source: string }>();
  for (const r of readOptional(referenceDir, 'most_similar_groups.csv', ['force', 'peer', 'source'])) {
    const entry = out.get(key(r.force!)) ?? { peers: [], source: r.source ?? '' };
    entry.peers.push(r.peer!);
    out.set(key(r.force!), entry);
  }
  return out;
}

/** Place names are matched as people write them: case and runs of spaces do not matter. */
export function placeKey(place: string): string {
  return key(place);
}

function key(place: string): string {
  return place.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** An optional reference file's rows (none when absent), each with the columns it must have. */
function readOptional(dir: string, file: string, columns: string[]): Record<string, string>[] {
  const path = join(dir, file);
  if (!existsSync(path)) return [];
  const rows = readCsv(path);
  const missing = columns.filter((c) => rows.length > 0 && !(c in rows[0]!));
  if (missing.length > 0) throw new UsageError(`${file} in the reference folder lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; its header must be ${columns.join(',')}.`);
  return rows;
}
