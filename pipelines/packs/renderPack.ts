import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricResult } from '../metrics/runMetrics.ts';
import { datasetWords } from './datasetWords.ts';
import { formatChange, formatFigure, unitWords } from './format.ts';
import { renderSparkline } from './sparkline.ts';
import { summarize } from './summarize.ts';
import { packTemplate } from './templates.ts';
import { actionLogView } from './actionLogView.ts';
import { comparisonTables } from './comparisonView.ts';
import { signalStatus } from './signalWords.ts';
import { methodNotes } from './methodNotes.ts';
import { commentaryView } from './commentaryView.ts';
import type { CommentaryBlock } from './commentary.ts';
import type { Restatement } from './restatements.ts';
import type { Manifest } from './manifest.ts';
import type { PackDefinition, TableDefinition } from './packDefinition.ts';

/**
 * The packs stage's renderer: the manifest (and the charts compiled from it) through the
 * Handlebars templates in `reports/templates` into one self-contained HTML file. Every
 * value from the data goes through `{{ }}` and is escaped; only SVG the pipeline drew
 * itself is inlined with `{{{ }}}`.
 */

export interface PackChart {
  id: string;
  title: string;
  description: string;
  svg: string;
  table: { caption: string; columns: string[]; rows: string[][] };
}

export interface RenderInput {
  manifest: Manifest;
  charts: PackChart[];
  /** Metric SQL by id, for the methodology appendix. */
  sql: Record<string, string>;
  reportsDir: string;
  /** The pack definition: title, headline metrics, sections in order. */
  definition: PackDefinition;
  /** The commentary blocks this edition carries (issue 13). */
  commentary?: CommentaryBlock[];
  /** Where compiled templates are kept (templates.ts); null compiles them in this process only. */
  templatesKept?: string | null;
}

const COUNT_FIELDS = ['rows_read', 'rows_loaded', 'rows_quarantined', 'rows_excluded', 'rows_duplicate'] as const;

const RAG = { Green: { symbol: '✓', cls: 'green' }, Amber: { symbol: '▲', cls: 'amber' }, Red: { symbol: '✕', cls: 'red' } };

type Display = { value?: string; previous?: string; year_ago?: string };

/** A figure as this edition shows it: the public edition's controlled display when there is one. */
export function showFigure(m: MetricResult, field: 'value' | 'previous' | 'year_ago'): string {
  const display = (m as MetricResult & { display?: Display }).display?.[field];
  if (display === undefined) return formatFigure(m[field], m.unit, m.decimals);
  // A controlled figure ("<5", "[c]") reads as it is, a missing one in the board edition's words; a shown one gets its unit.
  return m[field] !== null && /^-?[\d,.]+$/.test(display) ? formatFigure(m[field], m.unit, m.decimals) : display === 'n/a' ? 'not available' : display;
}

export function renderPack(input: RenderInput): string {
  const { manifest, charts } = input;
  const { pack } = manifest;
  const kindWord = pack.period.includes('-Q') ? 'quarter' : /^\d{4}-\d{2}$/.test(pack.period) && Number(pack.period.slice(5)) <= 12 ? 'month' : 'year';
  const metrics = manifest.metrics;
  const chartById = new Map(charts.map((c) => [c.id, c]));
  const small = pack.disclosure?.min_count ?? 5;
  // Commentary beside its section, metric or the summary.
  const notes = commentaryView(
    input.commentary ?? [],
    input.definition.sections.map((s) => s.id),
    metrics.map((m) => m.id),
  );
  const view = {
    css: readFileSync(join(input.reportsDir, 'styles', 'pack.css'), 'utf8'),
    version: pack.version,
    // Whose pack: the force (an area pack's too, the area in its title), or the region and its forces.
    force: pack.scope?.kind === 'region' ? pack.force : (pack.scope?.forces[0] ?? pack.force),
    publisher: pack.scope?.kind === 'region' ? `${pack.force}: ${listWords(pack.scope.forces)}` : `${pack.scope?.forces[0] ?? pack.force} Police and Crime Commissioner`,
    board: pack.area ? `${input.definition.title}: ${pack.area}` : input.definition.title,
    marking: pack.marking,
    editionLabel: pack.edition === 'board' ? 'Board edition (exact figures)' : 'Public edition (small numbers suppressed)',
    period: { label: pack.label, start: pack.start, end: pack.end, kindWord },
    asOf: pack.as_of,
    // The public edition explains its withheld figures ("How to read this pack").
    disclosure: pack.disclosure ? { minCount: pack.disclosure.min_count, belowMin: pack.disclosure.min_count - 1, minDenominator: pack.disclosure.min_denominator, minCrimesForMoney: pack.disclosure.min_crimes_for_money } : null,
    generatedAt: pack.generated_at,
    partial: pack.partial ? `${pack.label} ends on ${pack.end}, after the as-of date ${pack.as_of}: its figures will change.` : null,
    warnings: manifest.warnings.filter((w) => !w.includes('partial period')),
    statement: notes.statement,
    summary: summarize(metrics, {
      headline: input.definition.headline,
      signals: pack.edition === 'board',
      periodLabel: pack.label,
      kindWord,
      partial: pack.partial,
      warnings: [],
      dataQuality: manifest.data_quality,
      covered: { previous: manifest.comparisons.previous.covered, year_ago: manifest.comparisons.year_ago.covered },
      show: showFigure,
    }),
    // Breakdowns are read as charts with data tables; their totals repeat other rows.
    scorecard: metrics
      .filter((m) => !m.breakdown)
      .map((m) => ({
        id: m.id,
        anchor: `score-${m.id}`,
        citation: (m as { citation_id?: string }).citation_id ?? null,
        title: m.title,
        value: showFigure(m, 'value'),
        provisional: m.provisional === true,
        previous: m.previous === null && !hasDisplay(m, 'previous') ? '–' : showFigure(m, 'previous'),
        change: formatChange(m.change, m.unit, m.decimals, m.change_pct),
        yearAgo: m.year_ago === null && !hasDisplay(m, 'year_ago') ? '–' : showFigure(m, 'year_ago'),
        target: m.target === null ? '–' : formatFigure(m.target, m.unit, m.decimals),
        rag: m.rag,
        ragSymbol: m.rag ? RAG[m.rag].symbol : '',
        ragClass: m.rag ? RAG[m.rag].cls : 'none',
        // Board content hook (issue 13): a measure with no target shows its statistical signal instead of a RAG.
        signal: m.rag ? null : signalStatus(m),
        sparkline: m.series ? renderSparkline(m.series.map((p) => p.value)) : null,
        restated: Object.fromEntries((m.restatements ?? []).map((r) => [r.figure, { anchor: restatementAnchor(m.id, r), reported: r.reported_display }])),
      })),
    restatements: metrics.flatMap((m) =>
      (m.restatements ?? []).map((r) => ({
        id: m.id,
        title: m.title,
        anchor: restatementAnchor(m.id, r),
        label: r.label,
        reported: r.reported_display,
        reportedIn: `${r.reported_in.pack}, generated ${r.reported_in.generated_at.slice(0, 10)}`,
        now: r.now_display,
        reasons: r.reasons,
      })),
    ),
    sections: input.definition.sections.map((s) => {
      const inSection = s.metrics.map((id) => metrics.find((m) => m.id === id)).filter((m): m is MetricResult => m !== undefined);
      return {
        anchor: s.id,
        title: s.title,
        intro: s.introduction ?? null,
        metrics: inSection
          .filter((m) => !m.breakdown)
          .map((m) => ({
            value: showFigure(m, 'value'),
            provisional: m.provisional === true,
            title: m.title,
            context: `previous ${showFigure(m, 'previous')}; a year earlier ${showFigure(m, 'year_ago')}${rateWords(m)}`,
            commentary: notes.metric(m.id),
          })),
        commentary: notes.section(
          s.id,
          inSection.filter((m) => m.breakdown).map((m) => m.id),
        ),
        charts: (s.charts ?? []).map((id) => chartById.get(id)).filter((c): c is PackChart => c !== undefined),
        tables: (s.tables ?? [])
          .map((t) =>
            breakdownTable(
              t,
              metrics.find((m) => m.id === t.metric),
              pack.label,
            ),
          )
          .filter((t) => t !== null),
        empty: s.empty !== undefined && inSection.every((m) => m.value === null) ? s.empty : null,
        // The action log table, where the pack definition asks for it.
        actionLog: s.action_log ? actionLogView(manifest) : null,
        // A regional pack's forces side by side.
        comparisons: comparisonTables(manifest.comparison, s.comparison ?? [], pack.label),
      };
    }),
    quality: manifest.data_quality.map((c) => ({ id: c.id, title: c.title, result: c.status === 'pass' ? 'No issues found' : c.count === null ? `Fewer than ${small} found` : `${c.count} found`, description: c.description })),
    caveats: metrics.flatMap((m) => m.caveats.map((text) => ({ id: m.id, text }))),
    methodNotes: methodNotes(manifest),
    methodology: metrics.map((m) => ({
      target: targetWords(m),
      id: m.id,
      title: m.title,
      definition: m.definition,
      unit: unitWords(m.unit),
      direction: m.direction === 'up' ? 'higher' : m.direction === 'down' ? 'lower' : 'neither higher nor lower (no judgement)',
      owner: m.owner,
      sqlSha: m.sql_sha256,
      sql: input.sql[m.id] ?? '',
    })),
    // A public manifest names no export file and no load time (leanManifest.ts).
    inputs: manifest.inputs.map((i) => ({
      ...i,
      file: i.file ?? `${datasetWords(i.dataset)} export`,
      loaded_at: i.loaded_at ?? '–',
      dataset: datasetWords(i.dataset),
      ...Object.fromEntries(COUNT_FIELDS.map((f) => [f, i.display?.[f] ?? (i[f] === null ? `<${small}` : i[f].toLocaleString('en-GB'))])),
    })),
  };
  return packTemplate(input.reportsDir, input.templatesKept)(view);
}

/** A breakdown metric shown as a table in its section: each category this period and the previous one. */
function breakdownTable(table: TableDefinition, m: MetricResult | undefined, periodLabel: string): { id: string; title: string; caption: string; columns: string[]; rows: string[][] } | null {
  if (!m?.breakdown) return null;
  const shown = (r: NonNullable<MetricResult['breakdown']>[number], field: 'value' | 'previous') => {
    const display = (r as { display?: Display }).display?.[field];
    return r[field] === null && display !== undefined ? display : formatFigure(r[field], m.unit, m.decimals);
  };
  return {
    id: `table-${m.id}`,
    title: table.title,
    caption: `${table.title}: ${periodLabel}`,
    columns: [table.key_header, 'This period', 'Previous period'],
    rows: m.breakdown.map((r) => [r.key, shown(r, 'value'), shown(r, 'previous')]),
  };
}

/** The target in words, with who set it and when: the board's target, not the code's (issue 13). */
function targetWords(m: MetricResult): string {
  if (m.target === null) return 'No target set.';
  const tolerance = m.tolerance === null ? '' : `, Amber within ${formatFigure(m.tolerance, m.unit, m.decimals).replace(' %', ' points')}`;
  const who = m.target_set?.by ? ` Set by ${m.target_set.by}` : ' Who set it is not recorded';
  const when = m.target_set?.on ? ` on ${m.target_set.on}.` : m.target_set?.by ? ', date not recorded.' : '.';
  return `Target: ${formatFigure(m.target, m.unit, m.decimals)}${tolerance}.${who}${when}`;
}

function restatementAnchor(id: string, r: Restatement): string {
  return `restated-${id}-${r.figure}`;
}

function hasDisplay(m: MetricResult, field: 'previous' | 'year_ago'): boolean {
  return (m as MetricResult & { display?: Display }).display?.[field] !== undefined;
}

/** "; 4.4 per 100,000 residents" where the pack gives the figure a rate. */
function rateWords(m: MetricResult & { rate?: { display: string } }): string {
  if (!m.rate) return '';
  return m.rate.display === 'n/a' ? '; rate per 100,000 residents not available' : m.rate.display === '[c]' ? '' : `; ${m.rate.display} per 100,000 residents`;
}

/** "A, B and C". */
function listWords(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
