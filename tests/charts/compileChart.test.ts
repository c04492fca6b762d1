import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { compileChart, composeSpec, type ChartOptions } from '../../pipelines/charts/compileChart.ts';
import { makeAccessible, scopeIds } from '../../pipelines/charts/makeAccessible.ts';
import { formatFigure, formatMonth, formatWithUnit, listNames, wrapLabel } from '../../pipelines/charts/formatFigures.ts';

// One chart: Vega-Lite and Vega warnings come back rather than being printed; a chart
// whose text spills out of its area or whose label Vega cut short says so; the SVG is
// made accessible and its ids scoped; figures print the same everywhere.

const ROWS = [
  { key: 'A', value: 3 },
  { key: 'B', value: 5 },
];

function bars(extra: Record<string, unknown> = {}): TopLevelSpec {
  return {
    width: 300,
    height: 120,
    autosize: { type: 'fit', contains: 'padding' },
    data: { name: 'values' },
    mark: { type: 'bar' },
    encoding: { y: { field: 'key', type: 'nominal' }, x: { field: 'value', type: 'quantitative' } },
    config: { aria: false },
    ...extra,
  } as TopLevelSpec;
}

const OPTIONS: ChartOptions = {
  id: 'test',
  title: 'A & B <chart>',
  description: 'Two bars: "B" is the larger.',
  table: {
    caption: 'Values',
    columns: [
      { header: 'Key', field: 'key' },
      { header: 'Value', field: 'value' },
    ],
  },
};

describe('compileChart', () => {
  it('renders a clean spec with no warnings, and tabulates its rows', async () => {
    const chart = await compileChart(bars(), ROWS, OPTIONS);
    expect(chart.warnings).toEqual([]);
    expect(chart.table).toEqual({
      caption: 'Values',
      columns: ['Key', 'Value'],
      rows: [
        ['A', '3'],
        ['B', '5'],
      ],
    });
    expect(chart.svg.startsWith('<svg ')).toBe(true);
  });

  it('returns Vega-Lite warnings instead of printing them', async () => {
    const spec = bars({ encoding: { y: { field: 'key', type: 'nominal' }, x: { field: 'value', type: 'quantitative' }, shape: { field: 'key', type: 'nominal' } } });
    const chart = await compileChart(spec, ROWS, OPTIONS);
    expect(chart.warnings.join('\n')).toMatch(/shape/i);
  });

  it('returns Vega runtime warnings instead of printing them', async () => {
    // A log scale is fine to Vega-Lite; only the data, a 0, makes Vega warn as it runs.
    const spec = bars({ mark: { type: 'point' }, encoding: { y: { field: 'key', type: 'nominal' }, x: { field: 'value', type: 'quantitative', scale: { type: 'log' } } } });
    const chart = await compileChart(
      spec,
      [
        { key: 'A', value: 0 },
        { key: 'B', value: 10 },
      ],
      OPTIONS,
    );
    expect(chart.warnings).toContain('warning: Log scale domain includes zero: [0,10]');
  });

  it("warns when text spills outside the chart, by Vega's own text estimate", async () => {
    const spec = bars({ encoding: { y: { field: 'key', type: 'nominal', title: 'A very long axis title that cannot fit beside a short chart' }, x: { field: 'value', type: 'quantitative' } } });
    const chart = await compileChart(spec, ROWS, OPTIONS);
    expect(chart.warnings.join('\n')).toMatch(/overflows its 300 x 120 area \(top by \d+ px/);
  });

  it('warns when Vega cut a label short', async () => {
    const spec = bars({ encoding: { y: { field: 'key', type: 'nominal', axis: { labelLimit: 12 } }, x: { field: 'value', type: 'quantitative' } } });
    const chart = await compileChart(spec, [{ key: 'A long category name', value: 1 }], OPTIONS);
    expect(chart.warnings.join('\n')).toMatch(/cut short/);
  });

  it('titles and describes the chart from the options, leaving the spec as it was', () => {
    const spec = bars({ title: { text: 'Old', anchor: 'start', subtitle: 'Kept' } });
    const before = JSON.stringify(spec);
    const composed = composeSpec(spec, { title: 'New', description: 'Described.' }) as unknown as { title: Record<string, unknown>; description: string };
    expect(composed.title).toEqual({ text: 'New', anchor: 'start', subtitle: 'Kept' });
    expect(composed.description).toBe('Described.');
    expect(JSON.stringify(spec)).toBe(before);
    const replaced = composeSpec(spec, { title: 'New', description: 'D.', subtitle: ['Line 1', 'Line 2'] }) as unknown as { title: Record<string, unknown> };
    expect(replaced.title.subtitle).toEqual(['Line 1', 'Line 2']);
  });

  it('hides every mark container from assistive technology: the named SVG and its data table speak for them', async () => {
    const chart = await compileChart(bars({ config: { aria: false, mark: { color: '#0072B2' } } }), ROWS, OPTIONS);
    const marks = [...chart.svg.matchAll(/<g class="mark-rect role-mark[^"]*"([^>]*)>/g)].map((m) => m[1]);
    // One bar mark container in each drawing, the wide and the narrow.
    expect(marks).toEqual([' aria-hidden="true"', ' aria-hidden="true"']);
    expect(chart.svg).not.toContain('role="graphics-symbol" aria-roledescription="rect mark container"');
    expect(chart.svg).toContain('fill="#0072B2"');
  });

  it('does not change the rows it is given', async () => {
    const rows = [{ key: 'A', value: 1 }];
    await compileChart(bars(), rows, OPTIONS);
    expect(Object.getOwnPropertySymbols(rows[0]!)).toEqual([]);
    expect(rows).toEqual([{ key: 'A', value: 1 }]);
  });
});

describe('makeAccessible', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g clip-path="url(#clip7)"><rect/></g><defs><clipPath id="clip7"><rect/></clipPath><clipPath id="clip12"/></defs><use href="#clip12"/></svg>';

  it('names and describes the SVG with escaped text, first thing inside it', () => {
    const out = makeAccessible(svg, OPTIONS);
    expect(out).toMatch(
      /^<svg [^>]*role="img" aria-labelledby="chart-test-title chart-test-desc" focusable="false"><title id="chart-test-title">A &amp; B &lt;chart&gt;<\/title><desc id="chart-test-desc">Two bars: &quot;B&quot; is the larger.<\/desc><g /,
    );
  });

  it('numbers ids per chart in order and rewrites their references', () => {
    const out = scopeIds(svg, 'chart-x');
    expect(out).toContain('clip-path="url(#chart-x-1)"');
    expect(out).toContain('<clipPath id="chart-x-1">');
    expect(out).toContain('<clipPath id="chart-x-2"/>');
    expect(out).toContain('href="#chart-x-2"');
    expect(out).not.toMatch(/clip7|clip12/);
  });

  it('refuses a chart id that cannot be part of an XML id', () => {
    expect(() => makeAccessible(svg, { ...OPTIONS, id: 'Bad id' })).toThrow('chart id "Bad id"');
  });
});

describe('figures and labels', () => {
  it('prints figures at their decimals with thousands separators, null as "No figure"', () => {
    expect(formatFigure(1827, 0)).toBe('1,827');
    expect(formatFigure(1234567.5, 1)).toBe('1,234,567.5');
    expect(formatFigure(86.5, 1)).toBe('86.5');
    expect(formatFigure(75, 1)).toBe('75.0');
    expect(formatFigure(0, 0)).toBe('0');
    expect(formatFigure(-0, 1)).toBe('0.0');
    expect(formatFigure(-1234.5, 1)).toBe('-1,234.5');
    expect(formatFigure(null, 0)).toBe('No figure');
    expect(formatWithUnit(90, 0, 'percent')).toBe('90 %');
    expect(formatWithUnit(880, 1, 'hours')).toBe('880.0 hours');
    expect(formatWithUnit(null, 1, 'percent')).toBe('No figure');
  });

  it('names months', () => {
    expect(formatMonth('2025-01')).toBe('January 2025');
    expect(formatMonth('2024-09', 'short')).toBe('Sep 2024');
    expect(() => formatMonth('2025-13')).toThrow();
  });

  it('wraps a category at spaces, never starting a line with a hyphen', () => {
    expect(wrapLabel('Denial of service attack - extortion', 24)).toBe('Denial of service\nattack - extortion');
    expect(wrapLabel('Investigation complete, no suspect (18)', 24)).toBe('Investigation complete,\nno suspect (18)');
    expect(wrapLabel('Computer virus/malware/spyware', 24)).toBe('Computer\nvirus/malware/spyware');
    expect(wrapLabel('SME', 24)).toBe('SME');
  });

  it('lists names in English', () => {
    expect(listNames(['A'])).toBe('A');
    expect(listNames(['A', 'B'])).toBe('A and B');
    expect(listNames(['A', 'B', 'C'])).toBe('A, B and C');
  });
});

describe('drawings kept in the process', () => {
  it('draws a chart again only when its spec or rows differ, and gives back the warnings each time', async () => {
    const spilling = bars({ width: 40, encoding: { y: { field: 'key', type: 'nominal', axis: { labelLimit: 400 } }, x: { field: 'value', type: 'quantitative' } } });
    const first = await compileChart(bars(), ROWS, OPTIONS);
    const other = await compileChart(bars(), [ROWS[0]!, { key: 'B', value: 9 }], OPTIONS);
    // A different value is a different drawing: the bar for B is longer.
    expect(other.svg).not.toBe(first.svg);
    expect(await compileChart(bars(), ROWS, OPTIONS)).toEqual(first);
    const warned = await compileChart(spilling, [{ key: 'A much longer category name than fits', value: 3 }], OPTIONS);
    const again = await compileChart(spilling, [{ key: 'A much longer category name than fits', value: 3 }], OPTIONS);
    expect(warned.warnings.length).toBeGreaterThan(0);
    expect(again.warnings).toEqual(warned.warnings);
    expect(again.svg).toBe(warned.svg);
  });
});
