import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../lib/errors.ts';
import { sha256Text } from '../lib/hashing.ts';
import { checkAgainstSchema } from '../lib/schemas.ts';

/**
 * The metric catalogue: every `queries/metrics/<ID>.sql` with its metadata twin
 * `<ID>.json`. An analyst adds a metric by adding the two files; this module only
 * reads and checks them.
 */

export type Unit = 'count' | 'percent' | 'gbp' | 'days' | 'hours' | 'score';
export type Direction = 'up' | 'down' | 'neutral';

export interface MetricMeta {
  id: string;
  title: string;
  definition: string;
  unit: Unit;
  decimals: number;
  /** Which way is good: up (higher is better), down, or neutral (no judgement). */
  direction: Direction;
  grain: string;
  owner: string;
  target: number | null;
  /** How far short of target is still Amber; null means docs/metrics.md's default (10 points, or 10 % of target). */
  tolerance: number | null;
  caveats: string[];
  /** Rows of (key, value) instead of one value. */
  breakdown?: boolean;
  /** Give a 13-month monthly series for trend charts. */
  series?: boolean;
  /** Measured at as_of rather than over the period (ACT-01, ACT-02). */
  at_as_of?: boolean;
  /** The datasets the SQL reads: citations name their files, restatements look in them. */
  datasets: string[];
  /** For a breakdown: the metric whose value its parts add up to. */
  parts_of?: string;
  /** A rate per 100,000 residents, with its definition in words (regional and area comparison). */
  rate?: { per: number; definition: string };
}

export interface MetricDefinition {
  meta: MetricMeta;
  sql: string;
  sqlPath: string;
  sqlSha256: string;
  definitionSha256: string;
}

const UNITS: Unit[] = ['count', 'percent', 'gbp', 'days', 'hours', 'score'];
const DIRECTIONS: Direction[] = ['up', 'down', 'neutral'];
const ID = /^[A-Z]{3}-\d{2}$/;

export function loadCatalog(queriesDir: string): MetricDefinition[] {
  const dir = join(queriesDir, 'metrics');
  const files = readdirSync(dir);
  const problems: string[] = [];
  const metrics: MetricDefinition[] = [];
  for (const file of files.filter((f) => f.endsWith('.json') && !files.includes(f.replace(/\.json$/, '.sql')))) {
    problems.push(`${file} has no SQL twin ${file.replace(/\.json$/, '.sql')}`);
  }
  for (const file of files.filter((f) => f.endsWith('.sql')).sort()) {
    const id = basename(file, '.sql');
    const metaPath = join(dir, `${id}.json`);
    if (!existsSync(metaPath)) {
      problems.push(`${file} has no metadata twin ${id}.json`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(metaPath, 'utf8'));
    } catch (error) {
      problems.push(`${id}.json is not valid JSON (${(error as Error).message})`);
      continue;
    }
    // Keys and types against schemas/metric.schema.json: one sentence naming the file and key (exit 2).
    const meta = checkAgainstSchema<MetricMeta>('metric', parsed, metaPath);
    const issue = checkMeta(id, meta);
    if (issue) {
      problems.push(`${id}.json ${issue}`);
      continue;
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    metrics.push({
      meta: { ...meta, caveats: meta.caveats ?? [] },
      sql,
      sqlPath: `queries/metrics/${file}`,
      sqlSha256: sha256Text(sql),
      definitionSha256: sha256Text(meta.definition),
    });
  }
  if (problems.length > 0) throw new UsageError(`The metric catalogue in ${dir} has problems: ${problems.join('; ')}; fix the files.`);
  // In ID order; a pack definition puts them in its own order.
  return metrics.sort((a, b) => a.meta.id.localeCompare(b.meta.id));
}

/** Returns what is wrong with a metadata twin, or null. */
export function checkMeta(id: string, meta: MetricMeta): string | null {
  if (!ID.test(id)) return `names an id "${id}" that is not of the form ABC-01`;
  if (meta.id !== id) return `has id "${meta.id}", not "${id}"`;
  for (const key of ['title', 'definition', 'grain', 'owner'] as const) {
    if (typeof meta[key] !== 'string' || meta[key].trim() === '') return `needs a "${key}" in words`;
  }
  if (!UNITS.includes(meta.unit)) return `has unit "${meta.unit}"; use one of ${UNITS.join(', ')}`;
  if (!Number.isInteger(meta.decimals) || meta.decimals < 0 || meta.decimals > 4) return 'needs "decimals" from 0 to 4';
  if (!DIRECTIONS.includes(meta.direction)) return `has direction "${meta.direction}"; use up, down or neutral`;
  if (meta.target !== null && typeof meta.target !== 'number') return 'needs "target" as a number or null';
  if (meta.tolerance !== null && typeof meta.tolerance !== 'number') return 'needs "tolerance" as a number or null';
  if (meta.target !== null && meta.direction === 'neutral') return 'has a target but a neutral direction; say whether up or down is good';
  if (meta.caveats !== undefined && !(Array.isArray(meta.caveats) && meta.caveats.every((c) => typeof c === 'string'))) return 'needs "caveats" as a list of sentences';
  if (meta.parts_of !== undefined && !meta.breakdown) return `names "parts_of" but is not a breakdown; remove "parts_of" or add "breakdown": true`;
  return null;
}
