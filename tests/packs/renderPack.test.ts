import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../pipelines/lib/config.ts';
import type { MetricResult } from '../../pipelines/metrics/runMetrics.ts';
import { metricResult } from '../charts/sampleMetrics.ts';
import { renderPack } from '../../pipelines/packs/renderPack.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';
import { loadPackDefinition } from '../../pipelines/packs/packDefinition.ts';
import { packTemplate } from '../../pipelines/packs/templates.ts';

// The rendered pack's structure, accessibility attributes and escaping, from a small manifest.

const HOSTILE = `<script>alert("x")</script> {{constructor}} =HYPERLINK("http://evil.invalid","click") 'quoted' </style>`;

function metric(id: string, section: string, extra: Partial<MetricResult> = {}): MetricResult {
  return metricResult(id, {
    title: `Measure ${id}`,
    definition: `Definition of ${id}.`,
    section,
    owner: 'Owner',
    value: 10,
    previous: 8,
    year_ago: 5,
    change: 2,
    change_pct: 25,
    year_change: 5,
    year_change_pct: 100,
    sql_sha256: 'a'.repeat(64),
    definition_sha256: 'b'.repeat(64),
    ...extra,
  });
}

function manifest(): Manifest {
  return {
    pack: {
      period: '2025-26-Q2',
      label: 'Q2 2025-26 (July to September 2025)',
      start: '2025-07-01',
      end: '2025-09-30',
      edition: 'board',
      as_of: '2025-10-14',
      generated_at: '2025-10-14T12:00:00.000Z',
      version: '0.1.0',
      force: 'West Mercia',
      partial: false,
      marking: 'OFFICIAL-SENSITIVE',
      name: 'board',
      title: 'Strategic Cyber Crime Board',
      definition_sha256: 'f'.repeat(64),
    },
    comparisons: { previous: { id: '2025-26-Q1', start: '2025-04-01', end: '2025-06-30', covered: true }, year_ago: { id: '2024-25-Q2', start: '2024-07-01', end: '2024-09-30', covered: true } },
    inputs: [{ dataset: 'incidents', file: HOSTILE, sha256: 'c'.repeat(64), loaded_at: '2025-10-14T12:00:00Z', rows_read: 3, rows_loaded: 3, rows_quarantined: 0, rows_excluded: 0, rows_duplicate: 0 }],
    snapshot: {
      id: 'd'.repeat(16),
      through_load_id: 1,
      queries_sha256: 'e'.repeat(64),
      version: '0.1.0',
      files: [{ load_id: 1, dataset: 'incidents', file: HOSTILE, sha256: 'c'.repeat(64), loaded_at: '2025-10-14T12:00:00.000Z', archive_path: 'cc/c.csv' }],
      settings: { force: 'West Mercia', force_code: 'WM', targets: {}, data_quality: { max_age_days: 45 }, disclosure: { min_count: 5, min_denominator: 10, min_crimes_for_money: 5 }, ingest: { max_quarantine_share: 0.1 }, aliases: {} },
    },
    metrics: [
      metric('INC-01', 'crime', { series: [1, 2, 3].map((v, i) => ({ period: `2025-0${i + 7}`, start: '', end: '', value: v })) }),
      metric('INC-02', 'crime', { breakdown: [{ key: 'Hacking - server', value: 10, previous: 8, year_ago: 5 }] }),
      metric('INC-05', 'crime', { unit: 'percent', decimals: 1, value: 70, previous: 80, change: -10, direction: 'up', target: 90, rag: 'Red', caveats: [HOSTILE] }),
      metric('VOL-03', 'volunteers', { unit: 'percent', decimals: 1, value: 70, direction: 'up', target: 75, rag: 'Amber' }),
      metric('TRN-01', 'protect'),
      metric('ACT-01', 'actions', { value: null, previous: null, year_ago: null, change: null, change_pct: null }),
    ],
    data_quality: [{ id: 'DQ-01', title: 'A check', description: 'What it means.', dataset: 'all', severity: 'warning', status: 'warn', count: 2, examples: [] }],
    warnings: [],
  };
}

const definition = loadPackDefinition(join(packageRoot, 'reports', 'packs'), 'board');
const render = (m = manifest()) => renderPack({ manifest: m, charts: [], sql: { 'INC-01': `select 1 -- ${HOSTILE}` }, reportsDir: join(packageRoot, 'reports'), definition });

describe('renderPack', () => {
  it('has the pack structure: landmarks, language, marking, contents and every section', () => {
    const html = render();
    expect(html.startsWith('<!doctype html>\n<html lang="en-GB">')).toBe(true);
    expect(html.match(/<header class="marking-bar" role="banner"><p class="marking">OFFICIAL-SENSITIVE<\/p><\/header>/g)).toHaveLength(1);
    expect(html).toContain('<footer class="marking-bar marking-foot" role="contentinfo"><p class="marking">OFFICIAL-SENSITIVE</p>');
    expect(html.match(/<main id="main">/g)).toHaveLength(1);
    expect(html.match(/<h1 /g)).toHaveLength(1);
    const sections = [...html.matchAll(/<section id="([a-z-]+)"/g)].map((m) => m[1]);
    expect(sections).toEqual(['summary', 'scorecard', 'crime', 'volunteers', 'protect', 'actions', 'quality', 'methodology', 'inputs']);
    for (const id of sections) expect(html).toContain(`href="#${id}"`);
  });

  it('has one scorecard row per metric, with status as word and symbol, and a sparkline only where there is a series', () => {
    const html = render();
    // INC-02 is a breakdown: read as a chart, not a scorecard row.
    expect([...html.matchAll(/<tr id="score-([A-Z]{3}-\d{2})"/g)].map((m) => m[1])).toEqual(['INC-01', 'INC-05', 'VOL-03', 'TRN-01', 'ACT-01']);
    expect(html).toContain('<td class="rag rag-red"><span aria-hidden="true">✕</span> Red</td>');
    expect(html).toContain('<td class="rag rag-amber"><span aria-hidden="true">▲</span> Amber</td>');
    expect(html.match(/<svg [^>]*aria-hidden="true"/g)).toHaveLength(1);
    expect(html).toContain('The action tracker is not loaded for this pack.');
  });

  it('writes the executive summary from the figures', () => {
    const html = render();
    expect(html).toContain('<li>10 cyber-dependent crimes were reported in Q2 2025-26 (July to September 2025), up 2 (25.0 %) on the 8 of the previous quarter, and up 5 (100.0 %) on the 5 of the same quarter a year earlier.</li>');
    expect(html).toContain('<li>Measure INC-05 was 70.0 % against a target of 90.0 % (Red: more than the tolerance short of target).</li>');
    expect(html).toContain('<li>1 data-quality check found something to look at (a check): see Data quality and caveats.</li>');
  });

  it('keeps free text inert: no script, no template expansion, no formula, no closing style', () => {
    const html = render();
    expect(html).not.toContain('<script');
    expect(html.match(/<\/style>/g)).toHaveLength(2); // the pack's own screen and print styles
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; {{constructor}} &#x3D;HYPERLINK(&quot;http://evil.invalid&quot;,&quot;click&quot;) &#x27;quoted&#x27; &lt;/style&gt;');
    expect(html).not.toContain('<a href="http://evil.invalid');
  });

  it('is byte-identical for the same manifest', () => {
    expect(render()).toBe(render());
  });
});

describe('compiled templates kept for the next process (templates.ts)', () => {
  it('renders the same pack compiled here, compiled and kept, and loaded from what was kept', () => {
    const kept = mkdtempSync(join(tmpdir(), 'boardpack-templates-'));
    try {
      const renderWith = (templatesKept: string | null) => renderPack({ manifest: manifest(), charts: [], sql: {}, reportsDir: join(packageRoot, 'reports'), definition, templatesKept });
      const compiledHere = renderWith(null);
      expect(readdirSync(kept)).toEqual([]);
      const compiledAndKept = renderWith(kept);
      const files = readdirSync(kept);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^templates-[0-9a-f]{16}\.cjs$/);
      renderWith(null);
      // Nothing compiled in this process now: the kept file is loaded through Handlebars' runtime.
      const loaded = renderWith(kept);
      expect(compiledAndKept).toBe(compiledHere);
      expect(loaded).toBe(compiledHere);
      expect(loaded).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    } finally {
      rmSync(kept, { recursive: true, force: true });
    }
  });

  it('compiles an edited template again, and renders where nothing can be kept', () => {
    const reports = mkdtempSync(join(tmpdir(), 'boardpack-reports-'));
    try {
      mkdirSync(join(reports, 'templates', 'partials'), { recursive: true });
      writeFileSync(join(reports, 'templates', 'partials', 'who.hbs'), '<b>{{name}}</b>');
      writeFileSync(join(reports, 'templates', 'layout.hbs'), '<p>{{> who}} {{{raw}}}</p>');
      const kept = join(reports, 'kept');
      expect(packTemplate(reports, kept)({ name: '<i>', raw: '<i>' })).toBe('<p><b>&lt;i&gt;</b> <i></p>');
      writeFileSync(join(reports, 'templates', 'partials', 'who.hbs'), '<em>{{name}}</em>');
      expect(packTemplate(reports, kept)({ name: 'A & B', raw: '' })).toBe('<p><em>A &amp; B</em> </p>');
      expect(readdirSync(kept)).toHaveLength(2);
      // A file where the folder should be: nothing can be kept, and the template still renders.
      writeFileSync(join(reports, 'blocked'), '');
      expect(packTemplate(reports, join(reports, 'blocked', 'kept'))({ name: 'x', raw: '' })).toBe('<p><em>x</em> </p>');
    } finally {
      rmSync(reports, { recursive: true, force: true });
    }
  });
});
