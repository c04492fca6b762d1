import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { connectBrowser, describeInBrowser, describeViolations, openPack, runAxe, samplePacks } from './browser.ts';

// The layout people read, measured in Chromium: on phones (320 and 375 px) the scorecard's
// caption spans the cards and every chart's text is at least 11 CSS px as drawn on screen; on a
// desktop (1280 px) the charts fill the content width. axe still finds nothing at 375 px.

const EDITIONS = ['board', 'public'] as const;
let browser: Browser;
let packs: Record<string, string>;

interface Layout {
  caption: number;
  table: number;
  content: number;
  /** Per visible chart: its drawn width and the smallest text in it, in CSS px as shown. */
  charts: { id: string; width: number; smallest: number }[];
  hiddenCharts: number;
  /** Citation IDs drawn on more than one line. */
  brokenCitations: string[];
}

async function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const caption = document.querySelector('#scorecard caption')!.getBoundingClientRect().width;
    const table = document.querySelector('#scorecard table')!.getBoundingClientRect().width;
    const main = document.querySelector('main')!;
    const style = getComputedStyle(main);
    const content = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const svgs = [...document.querySelectorAll<SVGSVGElement>('figure.chart svg')];
    const shown = svgs.filter((s) => s.getBoundingClientRect().width > 0);
    const charts = shown.map((svg) => {
      const width = svg.getBoundingClientRect().width;
      // Text as drawn: its font size times the drawing's scale on screen.
      const scale = width / Number(svg.getAttribute('width'));
      const sizes = [...svg.querySelectorAll('text')].filter((t) => t.textContent!.trim() !== '' && t.getAttribute('opacity') !== '0').map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      return { id: svg.getAttribute('aria-labelledby')!.split(' ')[0]!, width, smallest: Math.min(...sizes) };
    });
    const brokenCitations = [...document.querySelectorAll('.cite')].filter((c) => c.getClientRects().length !== 1).map((c) => c.textContent!);
    return { caption, table, content, charts, hiddenCharts: svgs.length - shown.length, brokenCitations };
  });
}

describeInBrowser('the layout on phones and desktops', () => {
  beforeAll(async () => {
    packs = await samplePacks();
    browser = await connectBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each(EDITIONS)('%s edition: the caption spans the scorecard and chart text is at least 11 px at 320 and 375 px; axe finds nothing at 375 px', async (edition) => {
    const { page } = await openPack(browser, packs[edition]!, { width: 375, height: 900 });
    try {
      for (const width of [375, 320]) {
        await page.setViewportSize({ width, height: 900 });
        const layout = await measure(page);
        // It was about 75 px, one or two words a line.
        expect(layout.caption, `${width} px`).toBeCloseTo(layout.table, 0);
        // The public edition's two monthly percentage charts are withheld whole: a sentence each, no frame.
        expect(layout.charts.length, `${width} px`).toBe(edition === 'board' ? 9 : 7);
        expect(layout.hiddenCharts).toBe(layout.charts.length);
        expect(layout.brokenCitations, `${width} px`).toEqual([]);
        for (const chart of layout.charts) {
          expect(chart.id, `${width} px`).toMatch(/-narrow-title$/);
          expect(chart.smallest, `${chart.id} at ${width} px`).toBeGreaterThanOrEqual(11);
          expect(chart.width).toBeLessThanOrEqual(layout.content);
        }
      }
      await page.setViewportSize({ width: 375, height: 900 });
      expect(describeViolations((await runAxe(page)).violations)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it.each(EDITIONS)('%s edition: charts use the content width at 1280 px, with text at least 11 px', async (edition) => {
    const { page } = await openPack(browser, packs[edition]!, { width: 1280, height: 900 });
    try {
      const layout = await measure(page);
      expect(layout.charts.length).toBe(edition === 'board' ? 9 : 7);
      expect(await page.locator('#how-to-read').count()).toBe(edition === 'board' ? 0 : 1);
      expect(await page.locator('.chart-withheld').count()).toBe(edition === 'board' ? 0 : 2);
      for (const chart of layout.charts) {
        expect(chart.id).not.toMatch(/-narrow-/);
        expect(chart.width, chart.id).toBeCloseTo(layout.content, 0);
        expect(chart.smallest, chart.id).toBeGreaterThanOrEqual(11);
      }
    } finally {
      await page.close();
    }
  });
});
