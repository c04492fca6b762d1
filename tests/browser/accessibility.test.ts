import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { connectBrowser, describeInBrowser, describeViolations, openPack, runAxe, screenshotPath, type OpenedPack } from './browser.ts';
import { samplePacks } from '../support/samplePacks.ts';

// Both editions of the sample pack in Chromium, as people use them, each opened once and taken
// from a desktop (1280 px) to phones (375 and 320 px):
// - axe with the WCAG 2.0-2.2 A and AA rules at 1280, 375 and 320 px (with every data table
//   and query opened at 320 px), no console errors, no requests, no sideways scrolling;
// - the layout people read: on phones the scorecard's caption spans the cards and every chart's
//   text is at least 11 CSS px as drawn on screen; on the desktop the charts fill the content width.
// (keyboard.test.ts: the contents by keyboard, and a broken pack caught.) One page an edition,
// not one a check: loading and drawing the pack is most of what Chromium does here.

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

/** The incomplete results' elements that are neither inside an SVG nor hidden from assistive technology. */
function undecidedOutsideCharts(page: Page, targets: string[][]): Promise<string[]> {
  return page.evaluate((all) => all.map((t) => t.join(' ')).filter((selector) => document.querySelector(selector)?.closest('svg, [aria-hidden="true"]') == null), targets);
}

describeInBrowser('the pack in a browser', () => {
  beforeAll(async () => {
    packs = await samplePacks();
    browser = await connectBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(EDITIONS)('%s edition', (edition) => {
    // The checks below run in order on this one page, each leaving it at its own width.
    let opened: OpenedPack;
    let page: Page;
    const charts = edition === 'board' ? 9 : 7;
    beforeAll(async () => {
      opened = await openPack(browser, packs[edition]!, { width: 1280, height: 1400 });
      page = opened.page;
    });
    afterAll(async () => {
      await page?.close();
    });

    it('at 1280 px: no axe violations, and charts use the content width with text at least 11 px', async () => {
      const desktop = await runAxe(page);
      expect(describeViolations(desktop.violations)).toEqual([]);
      // What axe could not decide must be inside a chart (text over an SVG drawing) or a
      // symbol hidden from assistive technology: everything else it must have checked.
      expect(
        await undecidedOutsideCharts(
          page,
          desktop.incomplete.flatMap((r) => r.nodes.map((n) => n.target)),
        ),
      ).toEqual([]);
      const layout = await measure(page);
      expect(layout.charts.length).toBe(charts);
      expect(await page.locator('#how-to-read').count()).toBe(edition === 'board' ? 0 : 1);
      expect(await page.locator('.chart-withheld').count()).toBe(edition === 'board' ? 0 : 2);
      for (const chart of layout.charts) {
        expect(chart.id).not.toMatch(/-narrow-/);
        expect(chart.width, chart.id).toBeCloseTo(layout.content, 0);
        expect(chart.smallest, chart.id).toBeGreaterThanOrEqual(11);
      }
      await page.screenshot({ path: screenshotPath(`${edition}-desktop.png`) });
    });

    it('at 375 and 320 px: the caption spans the scorecard and chart text is at least 11 px; axe finds nothing at 375 px', async () => {
      for (const width of [375, 320]) {
        await page.setViewportSize({ width, height: 1400 });
        const layout = await measure(page);
        // It was about 75 px, one or two words a line.
        expect(layout.caption, `${width} px`).toBeCloseTo(layout.table, 0);
        // The public edition's two monthly percentage charts are withheld whole: a sentence each, no frame.
        expect(layout.charts.length, `${width} px`).toBe(charts);
        expect(layout.hiddenCharts).toBe(layout.charts.length);
        expect(layout.brokenCitations, `${width} px`).toEqual([]);
        for (const chart of layout.charts) {
          expect(chart.id, `${width} px`).toMatch(/-narrow-title$/);
          expect(chart.smallest, `${chart.id} at ${width} px`).toBeGreaterThanOrEqual(11);
          expect(chart.width).toBeLessThanOrEqual(layout.content);
        }
        if (width === 375) expect(describeViolations((await runAxe(page)).violations)).toEqual([]);
      }
    });

    it('at 320 px with every data table and query opened, as a reader might: no sideways scrolling, no axe violations', async () => {
      await page.setViewportSize({ width: 320, height: 1400 });
      await page.$$eval('details', (all) => {
        for (const d of all) (d as HTMLDetailsElement).open = true;
      });
      expect(await page.evaluate(() => [document.scrollingElement!.scrollWidth, document.scrollingElement!.clientWidth])).toEqual([320, 320]);
      const phone = await runAxe(page);
      expect(describeViolations(phone.violations)).toEqual([]);
      await page.screenshot({ path: screenshotPath(`${edition}-mobile.png`) });
    });

    it('fetched nothing, logged no console errors, and is marked in its title', async () => {
      expect(opened.requests).toEqual([opened.url]);
      expect(opened.errors).toEqual([]);
      expect(await page.title()).toContain(edition === 'board' ? 'OFFICIAL-SENSITIVE' : 'OFFICIAL');
    });
  });
});
