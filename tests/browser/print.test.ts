import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PDF_OPTIONS } from '../../pipelines/packs/printPdf.ts';
import { describeInBrowser, connectBrowser, openPack, screenshotPath } from './browser.ts';
import { samplePacks } from '../support/samplePacks.ts';
import { fragmentPages, markFragments, pageCount, pageTexts, pdfInfo, renderPage, splits } from './pdfPages.ts';

// `boardpack build --pdf` on the sample packs, read back with poppler-utils: A4 with the
// marking and page numbers on every page, text that can be selected, and no chart or
// table row cut in two by a page break.

const MARKINGS = { board: 'OFFICIAL-SENSITIVE', public: 'OFFICIAL' } as const;
let dir: string;
let browser: Browser;
let packs: Record<string, string>;
const pdfOf = (edition: string) => join(dirname(packs[edition]!), 'pack.pdf');

describeInBrowser(
  'the pack on paper',
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'boardpack-print-'));
      packs = await samplePacks();
      browser = await connectBrowser();
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it.each(Object.entries(MARKINGS))('%s edition: the printed pack.pdf is A4, with the marking and "Page N of M" on every page, as selectable text', (edition, marking) => {
      const pdf = pdfOf(edition);
      const folder = readdirSync(dirname(pdf));
      expect(folder).toContain('pack.pdf');
      expect(folder.filter((f) => f.includes('.tmp-'))).toEqual([]);
      // The manifest is the evidence of what was built, written before the PDF: it does not list it.
      expect(readFileSync(join(dirname(pdf), 'manifest.json'), 'utf8')).not.toContain('pack.pdf');

      // Cover and contents, then eight sections and the methodology each from a new page
      // (the methodology runs to several): at least 10 pages; and not a stray page per table row.
      const pages = pageCount(pdf);
      expect(pages).toBeGreaterThanOrEqual(10);
      expect(pages).toBeLessThanOrEqual(40);
      const texts = pageTexts(pdf);
      expect(texts).toHaveLength(pages);
      texts.forEach((text, i) => {
        // Top and foot of every page; the public edition's marking is never the board's.
        const markings = text.match(new RegExp(`(?<![\\w-])${marking}(?![\\w-])`, 'g')) ?? [];
        expect(markings.length, `page ${i + 1}`).toBeGreaterThanOrEqual(2);
        expect(text, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages}`);
        if (edition === 'public') expect(text).not.toContain('OFFICIAL-SENSITIVE');
      });
      expect(texts[0]).toMatch(/Strategic Cyber Crime Board\s+Performance pack: Q2 2026-27 \(July to September 2026\)/);
      // A4 (595 x 842 pt), tagged for screen readers.
      expect(pdfInfo(pdf)).toMatch(/^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)$/m);
      expect(pdfInfo(pdf)).toMatch(/^Tagged:\s+yes$/m);
      renderPage(pdf, 1, screenshotPath(`${edition}-print-page-1`));
    });

    it('splits no chart from its caption and no table row across pages, and prints every data table', async () => {
      const { page } = await openPack(browser, packs.board!, { width: 1280, height: 900 });
      try {
        const marked = await markFragments(page);
        // Nine charts; the scorecard's 22 measures, the data tables, the checks and the inputs.
        expect(marked.captions).toBe(9);
        expect(marked.drawings).toBe(9);
        expect(marked.rows).toBeGreaterThan(100);
        const pdf = await printMarked(page, 'marked.pdf');
        // The marks move nothing: the marked print has the pages of build --pdf's.
        expect(pageCount(pdf)).toBe(pageCount(pdfOf('board')));
        const printed = fragmentPages(pdf);
        expect(splits(printed, marked)).toEqual([]);
        // For a person to look at: the pages the first two charts are on.
        for (const chart of [0, 1]) {
          const on = printed.get(`drawing/${chart}`)![0]!;
          renderPage(pdfOf('board'), on, screenshotPath(`board-print-page-${on}`));
        }
      } finally {
        await page.close();
      }
    });

    it('finds the splits that broken print CSS makes', async () => {
      const { page } = await openPack(browser, packs.board!, { width: 1280, height: 900 });
      try {
        // A page break forced between the first chart's caption and its drawing, and a
        // scorecard row taller than a page, which no avoid rule can keep whole.
        await page.addStyleTag({ content: '@media print { #crime figure.chart:first-of-type > figcaption { break-after: page !important; } #scorecard tbody > tr:nth-child(2) > th { height: 300mm; } }' });
        const marked = await markFragments(page);
        const problems = splits(fragmentPages(await printMarked(page, 'broken.pdf')), marked);
        expect(problems).toEqual([expect.stringMatching(/^row \d+ is split across pages \d+ and \d+$/), expect.stringMatching(/^chart 0: caption on page (\d+), drawing on page \d+$/)]);
      } finally {
        await page.close();
      }
    });
  },
  { poppler: true },
);

async function printMarked(page: Page, name: string): Promise<string> {
  const path = join(dir, name);
  await page.pdf({ ...PDF_OPTIONS, path });
  return path;
}
