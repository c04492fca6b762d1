import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../lib/errors.ts';
import { sha256Text } from '../lib/hashing.ts';
import { checkAgainstSchema, nearest, shownPath } from '../lib/schemas.ts';
import type { ChartSpec } from '../charts/chartSpecs.ts';
import type { MetricDefinition } from '../metrics/catalog.ts';

/**
 * A pack definition, `reports/packs/<name>.json`: the pack's title, the editions it may be
 * built in, the headline metrics of the executive summary and its sections in order, each
 * with its measures, charts and tables. Analysts reshape a pack by editing this file; no
 * TypeScript holds a list of sections, charts or metric IDs.
 */

export interface HeadlineDefinition {
  metric: string;
  /** Read after the figure: "146 cyber-dependent crimes were reported in ...". */
  says?: string;
}

export interface TableDefinition {
  metric: string;
  title: string;
  key_header: string;
}

export interface SectionDefinition {
  id: string;
  title: string;
  introduction?: string;
  metrics: string[];
  charts?: string[];
  tables?: TableDefinition[];
  empty?: string;
  /** Show the action log (open actions, and those completed in the period) in this section. */
  action_log?: boolean;
  /** Regional packs: these figures side by side for each force and the region (comparison.ts). */
  comparison?: string[];
}

export interface PackDefinition {
  name: string;
  /** Where it was read from, for messages. */
  file: string;
  sha256: string;
  title: string;
  description?: string;
  editions: ('board' | 'public')[];
  /** Whose figures: the configured force (default), one of its areas (--area), or its region. */
  scope?: 'force' | 'area' | 'region';
  headline: HeadlineDefinition[];
  sections: SectionDefinition[];
}

type PackFile = Omit<PackDefinition, 'name' | 'file' | 'sha256'>;

/** Reads `<packsDir>/<name>.json` (the configuration's packs folder, or a snapshot's restored one). */
export function loadPackDefinition(packsDir: string, name: string): PackDefinition {
  const dir = packsDir;
  const file = join(dir, `${name}.json`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !existsSync(file)) {
    const known = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => basename(f, '.json'))
      : [];
    const near = nearest(name, known);
    throw new UsageError(`There is no pack definition "${name}"${near ? `; did you mean "${near}"?` : known.length ? `; the packs are ${known.join(', ')}.` : `; add ${shownPath(file)}.`}`);
  }
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${shownPath(file)} is not valid JSON (${(error as Error).message}); fix the file.`);
  }
  const definition = checkAgainstSchema<PackFile>('pack', parsed, file);
  return { ...definition, name, file, sha256: sha256Text(text) };
}

/** Every metric the pack shows, in pack order: sections' measures, then what its charts and tables need. */
export function metricsOfPack(definition: PackDefinition, charts: ChartSpec[]): string[] {
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
  };
  for (const section of definition.sections) for (const id of section.metrics) add(id);
  for (const chart of charts) if (chart.metric) add(chart.metric);
  for (const section of definition.sections) for (const t of section.tables ?? []) add(t.metric);
  for (const section of definition.sections) for (const id of section.comparison ?? []) add(id);
  for (const h of definition.headline) add(h.metric);
  return ids;
}

/** The section each metric is shown in: the first that lists it, or the one whose chart or table needs it. */
export function sectionOfMetrics(definition: PackDefinition, charts: ChartSpec[]): Record<string, string> {
  const of: Record<string, string> = {};
  const byId = new Map(charts.map((c) => [c.id, c]));
  for (const section of definition.sections) {
    const needs = [...section.metrics, ...(section.charts ?? []).map((id) => byId.get(id)?.metric), ...(section.tables ?? []).map((t) => t.metric), ...(section.comparison ?? [])];
    for (const id of needs) if (id && of[id] === undefined) of[id] = section.id;
  }
  return of;
}

/**
 * Cross-checks a definition against the metric catalogue and its charts, naming the file and
 * key: every metric exists, tables show breakdowns, charts are fed as their metric allows,
 * a query-fed chart (not under disclosure control) is never in a pack with a public edition.
 */
export function checkPackDefinition(definition: PackDefinition, catalog: MetricDefinition[], charts: ChartSpec[]): void {
  const file = shownPath(definition.file);
  const ids = catalog.map((m) => m.meta.id);
  const meta = new Map(catalog.map((m) => [m.meta.id, m.meta]));
  const known = (id: string, key: string) => {
    if (meta.has(id)) return;
    const near = nearest(id, ids);
    throw new UsageError(`${file}: "${key}" names the metric ${id}, which has no queries/metrics/${id}.sql${near ? `; did you mean ${near}?` : '; add the metric or remove it here.'}`);
  };
  for (const [i, h] of definition.headline.entries()) known(h.metric, `headline[${i}].metric`);
  const seen = new Set<string>();
  definition.sections.forEach((section, s) => {
    if (seen.has(section.id)) throw new UsageError(`${file}: "sections[${s}].id" repeats the section id "${section.id}"; give each section its own id.`);
    seen.add(section.id);
    for (const [i, id] of section.metrics.entries()) known(id, `sections[${s}].metrics[${i}]`);
    for (const [i, id] of (section.comparison ?? []).entries()) known(id, `sections[${s}].comparison[${i}]`);
    if (section.comparison && definition.scope !== 'region') {
      throw new UsageError(`${file}: "sections[${s}].comparison" compares the forces of a region, but the pack's "scope" is not "region"; set "scope": "region" or remove the comparison.`);
    }
    (section.tables ?? []).forEach((t, i) => {
      known(t.metric, `sections[${s}].tables[${i}].metric`);
      if (!meta.get(t.metric)?.breakdown) throw new UsageError(`${file}: "sections[${s}].tables[${i}].metric" names ${t.metric}, which is not a breakdown; a table shows a breakdown metric's categories.`);
    });
  });
  for (const chart of charts) {
    const where = `${shownPath(chart.file)}: "boardpack.from"`;
    if (chart.metric === null) {
      if (definition.editions.includes('public')) {
        throw new UsageError(`${where} feeds the chart from a query file, which disclosure control cannot check, and ${file} has a public edition; feed the chart from a metric, or build this pack in the board edition only.`);
      }
      continue;
    }
    const m = meta.get(chart.metric);
    if (!m) {
      const near = nearest(chart.metric, ids);
      throw new UsageError(`${where} names the metric ${chart.metric}, which has no queries/metrics/${chart.metric}.sql${near ? `; did you mean ${near}?` : '.'}`);
    }
    if (chart.kind === 'series' && (!m.series || m.breakdown)) throw new UsageError(`${where} asks for the monthly series of ${chart.metric}, whose metadata does not have "series": true; add it, or feed the chart from a breakdown.`);
    if (chart.kind === 'breakdown' && !m.breakdown) throw new UsageError(`${where} asks for the breakdown of ${chart.metric}, whose metadata does not have "breakdown": true.`);
  }
}
