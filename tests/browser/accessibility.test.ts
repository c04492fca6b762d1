import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, describeViolations, connectBrowser, openPack, runAxe, samplePacks, screenshotPath } from './browser.ts';

// Both editions of the sample pack in Chromium, as people use them: axe with the WCAG
// 2.0-2.2 A and AA rules, on a desktop and a 320 px phone; no console errors, no requests,
// no sideways scrolling. (keyboard.test.ts: the contents by keyboard, and a broken pack caught.)

const EDITIONS = ['board', 'public'] as const;
let browser: Browser;
let packs: Record<string, string>;

describeInBrowser('the pack in a browser', () => {
  beforeAll(async () => {
    packs = await samplePacks();
    browser = await connectBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each(EDITIONS)('%s edition: no axe violations at 1280 px or 320 px, nothing fetched, no console errors, no sideways scrolling', async (edition) => {
    const opened = await openPack(browser, packs[edition]!, { width: 1280, height: 1400 });
    const { page } = opened;
    try {
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
      await page.screenshot({ path: screenshotPath(`${edition}-desktop.png`) });

      // On the phone, with every data table and query opened, as a reader might.
      await page.setViewportSize({ width: 320, height: 1400 });
      await page.$$eval('details', (all) => {
        for (const d of all) (d as HTMLDetailsElement).open = true;
      });
      expect(await page.evaluate(() => [document.scrollingElement!.scrollWidth, document.scrollingElement!.clientWidth])).toEqual([320, 320]);
      const phone = await runAxe(page);
      expect(describeViolations(phone.violations)).toEqual([]);
      await page.screenshot({ path: screenshotPath(`${edition}-mobile.png`) });

      expect(opened.requests).toEqual([opened.url]);
      expect(opened.errors).toEqual([]);
      expect(await page.title()).toContain(edition === 'board' ? 'OFFICIAL-SENSITIVE' : 'OFFICIAL');
    } finally {
      await page.close();
    }
  });
});

/** The incomplete results' elements that are neither inside an SVG nor hidden from assistive technology. */
function undecidedOutsideCharts(page: Page, targets: string[][]): Promise<string[]> {
  return page.evaluate((all) => all.map((t) => t.join(' ')).filter((selector) => document.querySelector(selector)?.closest('svg, [aria-hidden="true"]') == null), targets);
}
