import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';

/**
 * Reading printed packs back with poppler-utils, and finding what a page break cut in two.
 *
 * How a split is found: before printing, every chart caption, chart drawing and table body
 * row gets an invisible link covering its box (absolutely positioned, so the layout does
 * not move; for the drawing an SVG <a> around a rectangle the size of the SVG). Chromium
 * writes one link annotation per page on which a box has a piece, so `pdfinfo -url` lists
 * each box once per page it landed on: a row or caption on two pages was split, and a
 * caption not on its drawing's page was parted from it. Header rows are left out: Chromium
 * repeats them on every page a table runs onto, as it should.
 */

/** pdfinfo's report: Pages, Page size, Tagged, ... one per line. */
export function pdfInfo(pdf: string): string {
  return execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
}

export function pageCount(pdf: string): number {
  return Number(/^Pages:\s+(\d+)$/m.exec(pdfInfo(pdf))![1]);
}

/** The text of each page, as a reader selecting it would get it. */
export function pageTexts(pdf: string): string[] {
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\f')
    .slice(0, -1);
}

/** Renders one page to PNG (96 dpi: what a screen shows at 100 %). */
export function renderPage(pdf: string, page: number, pngWithoutExtension: string): void {
  execFileSync('pdftoppm', ['-png', '-r', '96', '-f', String(page), '-l', String(page), '-singlefile', pdf, pngWithoutExtension]);
}

const MARK = 'https://fragment.invalid/';

/** Covers each chart caption, chart drawing and body row with a link naming it; returns how many of each. */
export async function markFragments(page: Page): Promise<{ captions: number; drawings: number; rows: number }> {
  return page.evaluate((mark) => {
    const cover = (box: HTMLElement, into: HTMLElement, name: string) => {
      box.style.position = 'relative';
      const a = document.createElement('a');
      a.href = `${mark}${name}`;
      a.setAttribute('aria-hidden', 'true');
      a.tabIndex = -1;
      a.style.cssText = 'position: absolute; inset: 0; display: block;';
      into.append(a);
    };
    const captions = [...document.querySelectorAll<HTMLElement>('figure.chart > figcaption')];
    for (const [i, caption] of captions.entries()) cover(caption, caption, `caption/${i}`);
    // The wide drawing: the narrow one, for phones, is not printed.
    const drawings = [...document.querySelectorAll<SVGSVGElement>('figure.chart > svg:not(.chart-narrow)')];
    drawings.forEach((svg, i) => {
      const ns = 'http://www.w3.org/2000/svg';
      const a = document.createElementNS(ns, 'a');
      a.setAttribute('href', `${mark}drawing/${i}`);
      const rect = document.createElementNS(ns, 'rect');
      for (const [k, v] of [
        ['width', '100%'],
        ['height', '100%'],
        ['fill', 'none'],
      ])
        rect.setAttribute(k!, v!);
      a.append(rect);
      svg.append(a);
    });
    // A row's link sits in its first cell but covers the whole row, the row being its containing block.
    const rows = [...document.querySelectorAll<HTMLTableRowElement>('tbody > tr')];
    for (const [i, row] of rows.entries()) cover(row, row.cells[0]!, `row/${i}`);
    return { captions: captions.length, drawings: drawings.length, rows: rows.length };
  }, MARK);
}

/** For each marked box, the pages it was printed on. */
export function fragmentPages(pdf: string): Map<string, number[]> {
  const pages = new Map<string, number[]>();
  for (const line of execFileSync('pdfinfo', ['-url', pdf], { encoding: 'utf8' }).split('\n').slice(1)) {
    const [page, , url] = line.trim().split(/\s+/);
    if (!url?.startsWith(MARK)) continue;
    const name = url.slice(MARK.length);
    const on = pages.get(name) ?? [];
    if (!on.includes(Number(page))) on.push(Number(page));
    pages.set(name, on);
  }
  return pages;
}

/** Every box that did not print whole on one page, or a chart parted from its caption, in words. */
export function splits(printed: Map<string, number[]>, marked: { captions: number; drawings: number; rows: number }): string[] {
  const problems: string[] = [];
  const on = (name: string) => printed.get(name) ?? [];
  for (const [kind, count] of [
    ['row', marked.rows],
    ['caption', marked.captions],
    ['drawing', marked.drawings],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const pages = on(`${kind}/${i}`);
      if (pages.length === 0) problems.push(`${kind} ${i} was not printed`);
      if (pages.length > 1) problems.push(`${kind} ${i} is split across pages ${pages.join(' and ')}`);
    }
  }
  for (let i = 0; i < Math.min(marked.captions, marked.drawings); i++) {
    const [caption, drawing] = [on(`caption/${i}`)[0], on(`drawing/${i}`)[0]];
    if (caption !== undefined && drawing !== undefined && caption !== drawing) problems.push(`chart ${i}: caption on page ${caption}, drawing on page ${drawing}`);
  }
  return problems;
}
