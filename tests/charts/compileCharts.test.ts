import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledChart } from '../../pipelines/charts/compileChart.ts';
import { loadChartSpec } from '../../pipelines/charts/chartSpecs.ts';
import { compileCharts, compileOne } from '../../pipelines/charts/compileCharts.ts';
import { loadPackDefinition } from '../../pipelines/packs/packDefinition.ts';
import type { MetricResult } from '../../pipelines/metrics/runMetrics.ts';
import { breakdown, emptyMetrics, metricResult, sampleMetrics, scaledMetrics, series } from './sampleMetrics.ts';

// The pack's eight charts from metric results: clean (no Vega-Lite or Vega warnings,
// nothing spilling out of the chart, no label cut short), accessible, byte-for-byte
// repeatable, with data tables and descriptions that say what the chart shows.

const REPORTS = resolve(import.meta.dirname, '../../reports');
const PERIODS = { current: 'Q2 2025-26 (July to September 2025)', previous: 'Q1 2025-26 (April to June 2025)' };
const BOARD = loadPackDefinition(resolve(REPORTS, 'packs'), 'board');
const CHART_IDS = BOARD.sections.flatMap((s) => s.charts ?? []);
const boardCharts = () => CHART_IDS.map((id) => loadChartSpec(REPORTS, id));
const chartSpec = (id: string) => loadChartSpec(REPORTS, id);
const PACK_ORDER = ['trend-crimes', 'by-category', 'by-victim-type', 'contact-28-days', 'outcomes', 'hours-by-activity', 'deployment-trend', 'events-by-audience', 'reach-by-audience'];

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function byId(charts: CompiledChart[], id: string): CompiledChart {
  return charts.find((c) => c.id === id)!;
}

let sample: CompiledChart[];
beforeAll(async () => {
  sample = await compileCharts(boardCharts(), sampleMetrics(), PERIODS);
});

describe('the eight charts', () => {
  it('come in pack order', () => {
    expect(sample.map((c) => c.id)).toEqual(PACK_ORDER);
    expect(CHART_IDS).toEqual(PACK_ORDER);
  });

  it.each([
    ['the sample quarter', sampleMetrics],
    ['a large force (five-digit counts)', () => scaledMetrics()],
    ['national data over years (seven-digit counts)', () => scaledMetrics(10_000)],
    ['an empty period', emptyMetrics],
  ] as [string, () => MetricResult[]][])('compile with no Vega-Lite or Vega warnings and nothing cut off: %s', async (_, metrics) => {
    const charts = await compileCharts(boardCharts(), metrics(), PERIODS);
    for (const chart of charts) {
      expect(chart.warnings, chart.id).toEqual([]);
      expect(chart.svg, chart.id).not.toContain('\u2026');
      // Drawn wide (screens from 40rem, and paper) and narrow (phones): see narrowCharts.test.ts.
      expect(chart.svg, chart.id).toMatch(/^<svg [^>]*class="marks chart-wide"[^>]*width="720"/);
      expect(chart.svg, chart.id).toMatch(/<svg [^>]*class="marks chart-narrow"[^>]*width="296"/);
    }
  });

  it('each have an accessible name and description that are the chart title and description', () => {
    for (const chart of sample) {
      const open = /^<svg\b[^>]*>/.exec(chart.svg)![0];
      expect(open, chart.id).toContain('role="img"');
      expect(open, chart.id).toContain('focusable="false"');
      const labelledBy = /aria-labelledby="([^"]+)"/.exec(open)![1]!.split(' ');
      expect(labelledBy, chart.id).toEqual([`chart-${chart.id}-title`, `chart-${chart.id}-desc`]);
      const rest = chart.svg.slice(open.length);
      const title = new RegExp(`^<title id="${labelledBy[0]}">([^<]*)</title><desc id="${labelledBy[1]}">([^<]*)</desc>`).exec(rest);
      expect(title, `${chart.id}: <title> and <desc> are the first children`).not.toBeNull();
      expect(unescapeXml(title![1]!)).toBe(chart.title);
      expect(unescapeXml(title![2]!)).toBe(chart.description);
      expect(chart.title.trim(), chart.id).not.toBe('');
      expect(chart.description.length, chart.id).toBeGreaterThan(40);
      // The visible title is the same text.
      expect(rest, chart.id).toContain(`>${chart.title}</text>`);
    }
  });

  it('render to byte-identical SVG every time, alone or after other charts', async () => {
    const again = await compileCharts(boardCharts(), sampleMetrics(), PERIODS);
    expect(again.map((c) => c.svg)).toEqual(sample.map((c) => c.svg));
    const alone = await compileOne(chartSpec('outcomes'), sampleMetrics(), PERIODS);
    expect(alone.svg).toBe(byId(sample, 'outcomes').svg);
  });

  it('never share an element id, so all eight can sit on one page', () => {
    const ids = sample.flatMap((c) => [...c.svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
    expect(new Set(ids).size).toBe(ids.length);
    for (const chart of sample) {
      for (const ref of chart.svg.matchAll(/url\(#([^)]+)\)/g)) expect(ref[1]!.startsWith(`chart-${chart.id}-`), chart.id).toBe(true);
    }
  });

  it('use only the Okabe-Ito blue, vermillion and black for marks', () => {
    for (const chart of sample) {
      const marks = chart.svg.slice(chart.svg.indexOf('role-mark'));
      const colours = new Set([...marks.matchAll(/(?:fill|stroke)="(#[0-9a-fA-F]{3,6})"/g)].map((m) => m[1]!.toUpperCase()));
      for (const c of colours) expect(['#0072B2', '#D55E00', '#000000', '#000', '#FFFFFF', '#FFF', '#DDDDDD', '#DDD', '#595959', '#333333'], `${chart.id} ${c}`).toContain(c);
    }
  });
});

describe('data tables', () => {
  it('list a breakdown as it came, with this period and the previous one', () => {
    const table = byId(sample, 'hours-by-activity').table;
    expect(table.caption).toBe(`Volunteer hours by activity: ${PERIODS.current} and ${PERIODS.previous}`);
    expect(table.columns).toEqual(['Activity', PERIODS.current, PERIODS.previous]);
    const vol08 = sampleMetrics().find((m) => m.id === 'VOL-08')!;
    expect(table.rows).toEqual(vol08.breakdown!.map((r) => [r.key, r.value!.toFixed(1), r.previous!.toFixed(1)]));
    expect(table.rows[0]).toEqual(['Protect presentation', '86.5', '83.0']);
  });

  it('list every breakdown chart row for row with its metric', () => {
    for (const [id, metricId] of [
      ['by-category', 'INC-02'],
      ['by-victim-type', 'INC-09'],
      ['outcomes', 'INC-10'],
      ['reach-by-audience', 'TRN-06'],
    ]) {
      const metric = sampleMetrics().find((m) => m.id === metricId)!;
      const rows = byId(sample, id!).table.rows;
      expect(
        rows.map((r) => r[0]),
        id,
      ).toEqual(metric.breakdown!.map((r) => r.key));
      expect(
        rows.map((r) => Number(r[1]!.replace(/,/g, ''))),
        id,
      ).toEqual(metric.breakdown!.map((r) => r.value));
    }
    expect(byId(sample, 'reach-by-audience').table.columns).toEqual(['Audience', PERIODS.current]);
  });

  it('list a series month by month, with whether the target was met', () => {
    const table = byId(sample, 'contact-28-days').table;
    expect(table.caption).toBe('Victims contacted within 28 days, September 2024 to September 2025');
    expect(table.columns).toEqual(['Month', 'Contacted within 28 days (%)', 'Met the 90 % target']);
    expect(table.rows).toHaveLength(13);
    expect(table.rows[0]).toEqual(['September 2024', 'No figure', '']);
    expect(table.rows[1]).toEqual(['October 2024', '89.1', 'No']);
    expect(table.rows[4]).toEqual(['January 2025', '75.0', 'No']);
    expect(byId(sample, 'trend-crimes').table.rows.map((r) => r[1])).toEqual(['0', '55', '46', '48', '36', '59', '51', '49', '50', '40', '46', '53', '40']);
  });
});

describe('a series with missing months', () => {
  const months = ['2025-06', '2025-07', '2025-08', '2025-09'];
  function withContact(values: (number | null)[]): MetricResult[] {
    return sampleMetrics().map((m) => (m.id === 'INC-05' ? { ...m, series: series(values, months) } : m));
  }

  it('draws a gap, not a zero, where a month has no figure', async () => {
    const chart = await compileOne(chartSpec('contact-28-days'), withContact([80, null, 95, 70]), PERIODS);
    expect(chart.warnings).toEqual([]);
    const line = /class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/.exec(chart.svg)![1]!;
    const d = /\sd="([^"]+)"/.exec(line)![1]!;
    // Two runs of line (June alone; August to September), so two move-tos and one line-to.
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
    const points = /class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/.exec(chart.svg)![1]!;
    expect(points.match(/<path /g)).toHaveLength(3);
    expect(chart.table.rows[1]).toEqual(['July 2025', 'No figure', '']);
    expect(chart.description).toContain('No figure for July 2025.');
  });
});

describe('descriptions, worked by hand', () => {
  it('name the lowest, highest and latest month, the gaps and the target', async () => {
    const chart = await compileOne(
      chartSpec('contact-28-days'),
      sampleMetrics().map((m) => (m.id === 'INC-05' ? { ...m, series: series([80, null, 95, 70.5, 95], ['2025-05', '2025-06', '2025-07', '2025-08', '2025-09']) } : m)),
      PERIODS,
    );
    // Figures: 80, -, 95, 70.5, 95. Lowest 70.5 (August); highest 95 twice (July, September);
    // latest September 95. Target 90 (up): met by 95, 95 = 2 of the 4 months with a figure.
    expect(chart.description).toBe(
      'Share of victims contacted within 28 days of their report, each month from May 2025 to September 2025: ' +
        'lowest 70.5 % in August 2025, highest 95.0 % in July 2025 and September 2025, 95.0 % in September 2025. ' +
        'No figure for June 2025. The target of 90 % was met in 2 of the 4 months with a figure.',
    );
  });

  it('give a breakdown its total, the comparison, the three largest and the empty groups', async () => {
    const metrics = sampleMetrics().map((m) =>
      m.id === 'INC-10'
        ? metricResult('INC-10', {
            value: 9,
            breakdown: breakdown([
              ['Judicial (1-8)', 2, 1],
              ['Evidential difficulties (14-16)', 4, 6],
              ['Investigation complete, no suspect (18)', 2, 0],
              ['Filed by NFIB (19)', 0, 1],
              ['Other outcomes', 1, 2],
            ]),
          })
        : m,
    );
    const chart = await compileOne(chartSpec('outcomes'), metrics, { current: 'This quarter', previous: 'Last quarter' });
    // Total 2 + 4 + 2 + 0 + 1 = 9; previous 1 + 6 + 0 + 1 + 2 = 10. Largest 4, then the two 2s
    // in the metric's order (Judicial before Investigation complete). Filed by NFIB is 0.
    expect(chart.description).toBe(
      'Crimes given an outcome in this quarter by outcome group: 9 in all, against 10 in last quarter. ' +
        'Largest: Evidential difficulties (14-16) 4 (previously 6), Judicial (1-8) 2 (previously 1), ' +
        'Investigation complete, no suspect (18) 2 (previously 0). Filed by NFIB (19): none.',
    );
    expect(chart.table.rows).toEqual([
      ['Judicial (1-8)', '2', '1'],
      ['Evidential difficulties (14-16)', '4', '6'],
      ['Investigation complete, no suspect (18)', '2', '0'],
      ['Filed by NFIB (19)', '0', '1'],
      ['Other outcomes', '1', '2'],
    ]);
  });

  it('read a count series as the board would say it', () => {
    expect(byId(sample, 'trend-crimes').description).toBe('Crimes reported each month from September 2024 to September 2025: lowest 0 in September 2024, highest 59 in February 2025, 40 in September 2025.');
    expect(byId(sample, 'reach-by-audience').description).toBe(`People reached at Protect and Prevent events in ${PERIODS.current} by audience: 1,827 in all. Largest: General public 662, SME 358, Older people 287.`);
  });
});

describe('compileCharts refuses what it cannot draw', () => {
  it('names a missing metric', async () => {
    const metrics = sampleMetrics().filter((m) => m.id !== 'INC-09');
    await expect(compileCharts(boardCharts(), metrics)).rejects.toThrow('chart by-victim-type needs metric INC-09');
  });
});
