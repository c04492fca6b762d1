import { describe, inject, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing } from '../../pipelines/lib/chromium.ts';
import { artefactDir } from '../support/artefacts.ts';

/**
 * What every browser test file shares: Debian's Chromium (one for the run; the sample packs
 * they read are tests/support/samplePacks.ts), a page that records its console errors and refuses
 * and records every request but the pack itself, axe, and where screenshots go.
 *
 * Without Chromium (or poppler-utils, for the print tests) the tests are skipped with a
 * message saying why; under CI=true a missing tool fails the run instead, so CI can never
 * pass by checking nothing.
 */

export const SCREENSHOTS = artefactDir('screenshots');

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

function toolMissing(tool: string): string | null {
  const probe = spawnSync(tool, ['-v'], { stdio: 'ignore' });
  return probe.error ? `${tool} was not found; install poppler-utils (apt-get install poppler-utils).` : null;
}

/** describe() for tests that need a browser (and, with `poppler`, pdfinfo, pdftotext and pdftoppm). */
export function describeInBrowser(name: string, body: () => void, needs: { poppler?: boolean } = {}): void {
  const missing = chromiumMissing() ?? (needs.poppler ? (toolMissing('pdfinfo') ?? toolMissing('pdftotext') ?? toolMissing('pdftoppm')) : null);
  if (missing === null) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has the browser it needs (CI=true: browser tests may not be skipped)', () => {
        throw new Error(missing);
      });
    });
  } else {
    console.warn(`Browser tests skipped (${name}): ${missing}`);
    describe.skip(name, body);
  }
}

/** The Chromium all browser test files share (tests/support/browserServer.ts), started by the first to ask. */
export async function connectBrowser(): Promise<Browser> {
  const answer = await fetch(inject('browserBroker'));
  const text = await answer.text();
  if (!answer.ok) throw new Error(text);
  const { chromium } = await import('playwright-core');
  return chromium.connect(text);
}

export interface OpenedPack {
  page: Page;
  url: string;
  /** Every request the page made, the document's own included. */
  requests: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
}

export async function openPack(browser: Browser, htmlPath: string, viewport: { width: number; height: number }): Promise<OpenedPack> {
  const page = await browser.newPage({ viewport });
  const url = pathToFileURL(htmlPath).href;
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => void requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => void errors.push(error.message));
  // Refused, not fetched: the test machine has no network, and the pack must not need one.
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort('blockedbyclient')));
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, requests, errors };
}

interface AxeNode {
  target: string[];
  html: string;
}
export interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe on the page with the WCAG 2.0-2.2 A and AA rules: what it found, and what it could not decide. */
export async function runAxe(page: Page): Promise<{ violations: AxeResult[]; incomplete: AxeResult[] }> {
  // Once a page: a page checked at several widths keeps the axe it was given.
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeResult[]; incomplete: AxeResult[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    const keep = (r: AxeResult) => ({ id: r.id, impact: r.impact, help: r.help, nodes: r.nodes.map((n) => ({ target: n.target, html: n.html })) });
    return { violations: result.violations.map(keep), incomplete: result.incomplete.map(keep) };
  }, WCAG_TAGS);
}

/** One line per violation, so a failing test says what axe found and where. */
export function describeViolations(violations: AxeResult[]): string[] {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), first ${v.nodes[0]?.target.join(' ')}`);
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}
