import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../lib/errors.ts';
import { checkAgainstSchema, nearest, shownPath } from '../lib/schemas.ts';

/**
 * A chart is one Vega-Lite spec, `reports/charts/<id>.json`, with a `boardpack` block
 * (schemas/chart.schema.json) that names what feeds it (a metric's monthly series, a breakdown
 * metric, or a query file) and the words that describe it. The block is read here, once, and
 * taken off the spec before Vega-Lite sees it.
 */

export interface ChartBlock {
  title: string;
  from: { series?: string; breakdown?: string; query?: string };
  compare_previous?: boolean;
  describe: { lead: string; by?: string };
  table?: { key_header?: string; value_header?: string };
}

export interface ChartSpec {
  id: string;
  file: string;
  kind: 'series' | 'breakdown' | 'query';
  /** The metric that feeds it, or null for a query file. */
  metric: string | null;
  /** For a query-fed chart: queries/charts/<query>.sql. */
  query: string | null;
  block: ChartBlock;
  /** The Vega-Lite spec without the block. */
  spec: TopLevelSpec;
}

export function chartsDir(reportsDir: string): string {
  return join(reportsDir, 'charts');
}

export function loadChartSpec(reportsDir: string, id: string, usedBy = 'the pack definition'): ChartSpec {
  const dir = chartsDir(reportsDir);
  const file = join(dir, `${id}.json`);
  if (!existsSync(file)) {
    const known = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => basename(f, '.json'))
      : [];
    const near = nearest(id, known);
    throw new UsageError(`${usedBy} names the chart "${id}", but there is no ${shownPath(file)}${near ? `; did you mean "${near}"?` : '; add the chart spec or remove it from the section.'}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${shownPath(file)} is not valid JSON (${(error as Error).message}); fix the file.`);
  }
  if (parsed.boardpack === undefined) {
    throw new UsageError(`${shownPath(file)} has no "boardpack" block saying what feeds the chart; add one, e.g. "boardpack": {"title": "...", "from": {"breakdown": "INC-02"}, "describe": {"lead": "Crimes reported"}}.`);
  }
  const { boardpack, ...spec } = parsed;
  const block = checkAgainstSchema<ChartBlock>('chart', boardpack, file, 'boardpack');
  const kind = block.from.series !== undefined ? 'series' : block.from.breakdown !== undefined ? 'breakdown' : 'query';
  return {
    id,
    file,
    kind,
    metric: block.from.series ?? block.from.breakdown ?? null,
    query: block.from.query ?? null,
    block,
    spec: spec as unknown as TopLevelSpec,
  };
}
