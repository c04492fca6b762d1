import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import type { MetricResult } from '../metrics/runMetrics.ts';
import { formatChange, formatFigure } from './format.ts';
import { renderSparkline } from './sparkline.ts';
import { summarize } from './summarize.ts';
import type { Restatement } from './restatements.ts';
import type { Manifest } from './writePack.ts';

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
}

const SECTIONS = [
  { key: 'crime', anchor: 'crime', title: 'Crime and victim care', intro: 'How much cyber-dependent crime is reported and of what kind, how quickly victims are contacted, and what outcomes follow.', charts: ['trend-crimes', 'by-category', 'by-victim-type', 'contact-28-days', 'outcomes'] },
  { key: 'volunteers', anchor: 'volunteers', title: 'Cyber specials and volunteers', intro: 'HMICFRS asked every force to evaluate whether its cyber specials and volunteers are used effectively: how many are active, how many are deployed, and for how long.', charts: ['hours-by-activity', 'deployment-trend'] },
  { key: 'protect', anchor: 'protect', title: 'Protect and Prevent events', intro: 'Prevention events for small businesses, charities and the public: how many were held, how many people they reached, and how they were rated.', charts: ['events-by-audience', 'reach-by-audience'] },
  { key: 'actions', anchor: 'actions', title: 'Action tracker', intro: 'What the board, HMICFRS and the force strategy committed to: what is open and what is overdue.', charts: [] },
];

const COUNT_FIELDS = ['rows_read', 'rows_loaded', 'rows_quarantined', 'rows_excluded', 'rows_duplicate'] as const;

const RAG = { Green: { symbol: '✓', cls: 'green' }, Amber: { symbol: '▲', cls: 'amber' }, Red: { symbol: '✕', cls: 'red' } };

type Display = { value?: string; previous?: string; year_ago?: string };

/** A figure as this edition shows it: the public edition's controlled display when there is one. */
export function showFigure(m: MetricResult, field: 'value' | 'previous' | 'year_ago'): string {
  const display = (m as MetricResult & { display?: Display }).display?.[field];
  if (display === undefined) return formatFigure(m[field], m.unit, m.decimals);
  // A controlled figure ("<5", "[c]", "n/a") reads as it is; a shown one gets its unit.
  return m[field] !== null && /^-?[\d,.]+$/.test(display) ? formatFigure(m[field], m.unit, m.decimals) : display;
}

type Handlebars = typeof import('handlebars');

function templates(reportsDir: string): ReturnType<Handlebars['compile']> {
  // Required on first use, so commands that render nothing start faster.
  const hb = (createRequire(import.meta.url)('handlebars') as Handlebars).create();
  const partials = join(reportsDir, 'templates', 'partials');
  for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
    hb.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'));
  }
  return hb.compile(readFileSync(join(reportsDir, 'templates', 'layout.hbs'), 'utf8'));
}

export function renderPack(input: RenderInput): string {
  const { manifest, charts } = input;
  const { pack } = manifest;
  const kindWord = pack.period.includes('-Q') ? 'quarter' : /^\d{4}-\d{2}$/.test(pack.period) && Number(pack.period.slice(5)) <= 12 ? 'month' : 'year';
  const metrics = manifest.metrics;
  const chartById = new Map(charts.map((c) => [c.id, c]));
  const small = pack.disclosure?.min_count ?? 5;
  const view = {
    css: readFileSync(join(input.reportsDir, 'styles', 'pack.css'), 'utf8'),
    version: pack.version,
    force: pack.force,
    board: 'Strategic Cyber Crime Board',
    marking: pack.marking,
    editionLabel: pack.edition === 'board' ? 'Board edition (exact figures)' : 'Public edition (small numbers suppressed)',
    period: { label: pack.label, start: pack.start, end: pack.end, kindWord },
    asOf: pack.as_of,
    generatedAt: pack.generated_at,
    partial: pack.partial ? `${pack.label} ends on ${pack.end}, after the as-of date ${pack.as_of}: its figures will change.` : null,
    warnings: manifest.warnings.filter((w) => !w.includes('partial period')),
    summary: summarize(metrics, {
      periodLabel: pack.label,
      kindWord,
      partial: pack.partial,
      warnings: [],
      dataQuality: manifest.data_quality,
      covered: { previous: manifest.comparisons.previous.covered, year_ago: manifest.comparisons.year_ago.covered },
      show: showFigure,
    }),
    // Breakdowns are read as charts with data tables; their totals repeat other rows.
    scorecard: metrics.filter((m) => !m.breakdown).map((m) => ({
      id: m.id,
      anchor: `score-${m.id}`,
      citation: (m as { citation_id?: string }).citation_id ?? null,
      title: m.title,
      value: showFigure(m, 'value'),
      previous: m.previous === null && !hasDisplay(m, 'previous') ? '–' : showFigure(m, 'previous'),
      change: formatChange(m.change, m.unit, m.decimals, m.change_pct),
      yearAgo: m.year_ago === null && !hasDisplay(m, 'year_ago') ? '–' : showFigure(m, 'year_ago'),
      target: m.target === null ? '–' : formatFigure(m.target, m.unit, m.decimals),
      rag: m.rag,
      ragSymbol: m.rag ? RAG[m.rag].symbol : '',
      ragClass: m.rag ? RAG[m.rag].cls : 'none',
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
    sections: SECTIONS.map((s) => {
      const inSection = metrics.filter((m) => m.section === s.key);
      return {
        anchor: s.anchor,
        title: s.title,
        intro: s.intro,
        metrics: inSection.filter((m) => !m.breakdown).map((m) => ({ value: showFigure(m, 'value'), title: m.title, context: `previous ${showFigure(m, 'previous')}; a year earlier ${showFigure(m, 'year_ago')}` })),
        charts: s.charts.map((id) => chartById.get(id)).filter((c): c is PackChart => c !== undefined),
        empty: s.key === 'actions' && inSection.every((m) => m.value === null) ? 'The action tracker is not loaded for this pack.' : null,
      };
    }),
    quality: manifest.data_quality.map((c) => ({ id: c.id, title: c.title, result: c.status === 'pass' ? 'No issues found' : c.count === null ? `Fewer than ${small} found` : `${c.count} found`, description: c.description })),
    caveats: metrics.flatMap((m) => m.caveats.map((text) => ({ id: m.id, text }))),
    methodology: metrics.map((m) => ({ id: m.id, title: m.title, definition: m.definition, unit: m.unit, direction: m.direction === 'up' ? 'higher' : m.direction === 'down' ? 'lower' : 'neither higher nor lower (no judgement)', owner: m.owner, sqlPath: m.sql_path ?? `queries/metrics/${m.id}.sql`, sqlSha: m.sql_sha256.slice(0, 16), sql: input.sql[m.id] ?? '' })),
    // A public manifest names no export file and no load time (leanManifest.ts).
    inputs: manifest.inputs.map((i) => ({ ...i, file: i.file ?? `${i.dataset} export`, loaded_at: i.loaded_at ?? '–', ...Object.fromEntries(COUNT_FIELDS.map((f) => [f, i.display?.[f] ?? (i[f] === null ? `<${small}` : i[f].toLocaleString('en-GB'))])) })),
  };
  return templates(input.reportsDir)(view);
}

function restatementAnchor(id: string, r: Restatement): string {
  return `restated-${id}-${r.figure}`;
}

function hasDisplay(m: MetricResult, field: 'previous' | 'year_ago'): boolean {
  return (m as MetricResult & { display?: Display }).display?.[field] !== undefined;
}
