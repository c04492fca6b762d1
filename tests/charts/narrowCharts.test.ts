import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadChartSpec } from '../../pipelines/charts/chartSpecs.ts';
import { compileCharts } from '../../pipelines/charts/compileCharts.ts';
import { loadPackDefinition } from '../../pipelines/packs/packDefinition.ts';
import { NARROW_WIDTH, narrowLabel } from '../../pipelines/charts/narrowChart.ts';
import { sampleMetrics, scaledMetrics } from './sampleMetrics.ts';

// Phones get each chart drawn narrow, not the wide drawing shrunk: its text keeps the spec's
// sizes (11 px and up) at 296 px, the width of a 320 px screen less the page's padding.

const boardCharts = () =>
  loadPackDefinition(resolve('reports/packs'), 'board')
    .sections.flatMap((s) => s.charts ?? [])
    .map((id) => loadChartSpec(resolve('reports'), id));
const PERIODS = { current: 'Q2 2025-26 (July to September 2025)', previous: 'Q1 2025-26 (April to June 2025)' };

function narrowOf(svg: string): string {
  const start = svg.search(/<svg [^>]*class="marks chart-narrow"/);
  expect(start).toBeGreaterThan(0);
  return svg.slice(start);
}

describe('narrow charts', () => {
  it.each([
    ['the sample quarter', sampleMetrics],
    ['a large force', () => scaledMetrics()],
  ] as const)('are 296 px wide with no text under 11 px: %s', async (_, metrics) => {
    for (const chart of await compileCharts(boardCharts(), metrics(), PERIODS)) {
      const narrow = narrowOf(chart.svg);
      expect(/^<svg [^>]*width="(\d+)"/.exec(narrow)![1], chart.id).toBe(String(NARROW_WIDTH));
      const sizes = [...narrow.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));
      expect(sizes.length, chart.id).toBeGreaterThan(0);
      expect(Math.min(...sizes), chart.id).toBeGreaterThanOrEqual(11);
      expect(chart.warnings, chart.id).toEqual([]);
    }
  });

  it('name their own ids, apart from the wide drawing', async () => {
    const [chart] = await compileCharts(boardCharts(), sampleMetrics(), PERIODS);
    expect(narrowOf(chart!.svg)).toMatch(/aria-labelledby="chart-trend-crimes-narrow-title chart-trend-crimes-narrow-desc"/);
  });

  it('wrap category names shorter, breaking a long word after its slashes', () => {
    expect(narrowLabel('Computer virus/malware/spyware')).toBe('Computer\nvirus/\nmalware/\nspyware');
    expect(narrowLabel('Hacking - social media\nand email')).toBe('Hacking -\nsocial media\nand email');
    expect(narrowLabel('Individual')).toBe('Individual');
  });
});
