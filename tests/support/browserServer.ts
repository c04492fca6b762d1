import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, chromiumMissing, chromiumPath } from '../../pipelines/lib/chromium.ts';

/**
 * Global set-up of the browser tests (vitest.config.ts): one Chromium for every browser test
 * file, started once and reached over Playwright's websocket, and one folder where the sample
 * packs are built once, by whichever file asks first (tests/browser/browser.ts, samplePacks).
 * It runs only when a browser test is queued, so other runs never start Chromium.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** Playwright's endpoint of the shared Chromium, or null when there is none to start. */
    browserEndpoint: string | null;
    /** Where the shared sample packs are built. */
    samplePacksDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'boardpack-browser-shared-'));
  project.provide('samplePacksDir', dir);
  // Without Chromium the browser tests skip themselves (or fail under CI=true), saying why.
  const server = chromiumMissing() === null ? await (await import('playwright-core')).chromium.launchServer({ executablePath: chromiumPath(), args: CHROMIUM_ARGS }) : null;
  project.provide('browserEndpoint', server?.wsEndpoint() ?? null);
  return async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
