import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { connectBrowser, describeInBrowser, openPack, runAxe } from './browser.ts';
import { samplePacks } from '../support/samplePacks.ts';

// The board pack in Chromium by keyboard (the contents reached and followed), and the checks of
// accessibility.test.ts shown to catch a broken pack. Apart from that file, so the two run side by side.

let dir: string;
let browser: Browser;
let packs: Record<string, string>;

describeInBrowser('the pack in a browser, by keyboard and broken', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boardpack-browser-'));
    packs = await samplePacks();
    browser = await connectBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
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
