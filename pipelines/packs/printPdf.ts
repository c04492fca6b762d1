import { renameSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/chromium.ts';

/**
 * `build --pdf`: prints a pack's index.html to A4 PDF through Chromium, as a reader's
 * browser would print it. The page size, the security marking and the page numbers come
 * from the pack's own @page rules (margin boxes, which Chromium prints since version
 * 131), so the PDF and a browser's printout are the same document. Text stays text;
 * the PDF is tagged, with an outline of the headings, for readers that use either.
 */

export const PDF_OPTIONS = { format: 'A4', preferCSSPageSize: true, printBackground: true, tagged: true, outline: true } as const;

export async function printPdf(htmlPath: string, pdfPath: string): Promise<void> {
  const browser = await launchChromium();
  try {
    await printPdfWith(browser, htmlPath, pdfPath);
  } finally {
    await browser.close();
  }
}

/**
 * One Chromium for several packs' PDFs (the nightly job prints each configured pack's): started
 * for the first PDF, not at all when none is printed, and closed by `close` on every path. Each
 * start takes Chromium half a second or more; a force printing its board, public and area packs
 * started it once a pack. A Chromium that cannot start fails every print with the same sentence.
 */
export interface Printer {
  print(htmlPath: string, pdfPath: string): Promise<void>;
  close(): Promise<void>;
}

export function sharedPrinter(launch: () => Promise<Browser> = launchChromium): Printer {
  let browser: Promise<Browser> | null = null;
  return {
    async print(htmlPath, pdfPath) {
      browser ??= launch();
      await printPdfWith(await browser, htmlPath, pdfPath);
    },
    async close() {
      const started = await browser?.catch(() => null);
      browser = null;
      // The PDFs are written and renamed already: a Chromium that will not close cleanly fails nothing.
      await started?.close().catch(() => undefined);
    },
  };
}

/** Prints in a Chromium already running (a caller printing several packs starts it once). */
export async function printPdfWith(browser: Browser, htmlPath: string, pdfPath: string): Promise<void> {
  // Written beside the final name and renamed, so a reader never opens half a PDF.
  const temp = `${pdfPath}.tmp-${process.pid}`;
  const page = await browser.newPage();
  try {
    await openOffline(page, pathToFileURL(htmlPath).href);
    await page.pdf({ ...PDF_OPTIONS, path: temp });
    renameSync(temp, pdfPath);
  } finally {
    rmSync(temp, { force: true });
    await page.close();
  }
}

/**
 * Opens a pack with every request but the document itself refused: a pack is one
 * self-contained file, and printing it must not reach out to anything.
 */
export async function openOffline(page: Page, url: string): Promise<void> {
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort('blockedbyclient')));
  await page.goto(url, { waitUntil: 'load' });
}
