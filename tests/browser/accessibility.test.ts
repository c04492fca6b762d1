import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, describeViolations, connectBrowser, openPack, runAxe, samplePacks, screenshotPath } from './browser.ts';

// Both editions of the sample pack in Chromium, as people use them: axe with the WCAG
// 2.0-2.2 A and AA rules, on a desktop and a 320 px phone; no console errors, no requests,
// no sideways scrolling; the contents reached and followed by keyboard.

const EDITIONS = ['board', 'public'] as const;
let dir: string;
let browser: Browser;
let packs: Record<string, string>;

describeInBrowser('the pack in a browser', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boardpack-browser-'));
    packs = await samplePacks();
    browser = await connectBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
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

  it('reaches every section from the contents by keyboard, and following a link moves the reader there', async () => {
    const { page } = await openPack(browser, packs.board!, { width: 1280, height: 900 });
    try {
      const sections = await page.$$eval('main section[id]', (all) => all.map((s) => s.id));
      expect(sections).toEqual(['summary', 'scorecard', 'crime', 'volunteers', 'protect', 'actions', 'quality', 'methodology', 'inputs']);
      // Tab from the top of the page: the skip link, then the contents, link by link.
      const reached: string[] = [];
      for (let press = 0; press < 15; press++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => ({ href: document.activeElement?.getAttribute('href') ?? '', inContents: document.activeElement?.closest('nav.contents') !== null }));
        if (press === 0) expect(focused.href).toBe('#main');
        else if (focused.inContents) reached.push(focused.href);
        else if (reached.length > 0) break;
      }
      expect(reached).toEqual(sections.map((id) => `#${id}`));

      for (const id of sections) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.focus(`nav.contents a[href="#${id}"]`);
        await page.keyboard.press('Enter');
        const landed = await page.evaluate((target) => {
          const section = document.getElementById(target)!;
          const top = section.getBoundingClientRect().top;
          const bottomOfPage = Math.ceil(window.scrollY + window.innerHeight) >= document.scrollingElement!.scrollHeight;
          return { hash: location.hash, target: document.querySelector(':target')?.id, scrolled: Math.abs(top) <= 1 || (bottomOfPage && top >= 0 && top < window.innerHeight) };
        }, id);
        expect(landed, id).toEqual({ hash: `#${id}`, target: id, scrolled: true });
        // The next Tab carries on from the section, not from the contents.
        await page.keyboard.press('Tab');
        const next = await page.evaluate((target) => {
          const section = document.getElementById(target)!;
          const active = document.activeElement;
          if (active === null || active === document.body) return 'nothing further to focus';
          if (section.contains(active) || section.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING) return 'from the section on';
          return `before the section: ${active.outerHTML.slice(0, 80)}`;
        }, id);
        expect(next, id).toMatch(/^(from the section on|nothing further to focus)$/);
      }
    } finally {
      await page.close();
    }
  });

  it('fails a broken pack: a chart without its description, a low-contrast colour, a fetched image and a wide line are all caught', async () => {
    const html = readFileSync(packs.board!, 'utf8');
    const broken = html
      // The first chart loses its name and description.
      .replace(/ role="img" aria-labelledby="chart-trend-crimes-title chart-trend-crimes-desc"/, ' role="img"')
      .replace(/<title id="chart-trend-crimes-title">[^<]*<\/title><desc id="chart-trend-crimes-desc">[^<]*<\/desc>/, '')
      // Grey text on white at about 2.3:1, against the 4.5:1 AA needs.
      .replace('--muted: #4a4a4a;', '--muted: #a0a0a0;')
      // Something fetched from outside, and a line that cannot wrap.
      .replace('<main id="main">', `<main id="main"><img src="https://example.invalid/logo.png" alt="Logo"><p style="white-space: nowrap">${'OFFICIAL-SENSITIVE '.repeat(4)}</p>`);
    expect(broken).not.toBe(html);
    const path = join(dir, 'broken.html');
    writeFileSync(path, broken);
    const opened = await openPack(browser, path, { width: 1280, height: 900 });
    const { page } = opened;
    try {
      expect(opened.requests).toEqual([opened.url, 'https://example.invalid/logo.png']);
      expect(opened.errors).toEqual([expect.stringMatching(/ERR_BLOCKED_BY_CLIENT/)]);
      await page.setViewportSize({ width: 320, height: 900 });
      const [scrollWidth, clientWidth] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, document.scrollingElement!.clientWidth]);
      expect(scrollWidth).toBeGreaterThan(clientWidth!);
      await page.setViewportSize({ width: 1280, height: 900 });
      const { violations } = await runAxe(page);
      const found = Object.fromEntries(violations.map((v) => [v.id, v.nodes.map((n) => n.target.join(' '))]));
      expect(Object.keys(found).sort()).toEqual(['color-contrast', 'svg-img-alt']);
      expect(found['svg-img-alt']).toEqual([expect.stringMatching(/svg/)]);
      expect(found['color-contrast']!.length).toBeGreaterThan(10);
    } finally {
      await page.close();
    }
  });
});

/** The incomplete results' elements that are neither inside an SVG nor hidden from assistive technology. */
function undecidedOutsideCharts(page: Page, targets: string[][]): Promise<string[]> {
  return page.evaluate((all) => all.map((t) => t.join(' ')).filter((selector) => document.querySelector(selector)?.closest('svg, [aria-hidden="true"]') == null), targets);
}
