import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, chromiumPath } from '../../pipelines/lib/chromium.ts';

/**
 * Global set-up (vitest.config.ts): one Chromium for every browser test file, reached over
 * Playwright's websocket, and one folder where the sample packs are built once, by whichever
 * file asks first (tests/browser/browser.ts, samplePacks).
 *
 * Chromium starts when a test first asks for it, not here: every run has this set-up, and a
 * run of other files never starts a browser. A test asks the run's own process over a local
 * HTTP port (the workers are other processes); the answer is Playwright's endpoint.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where to ask for the shared Chromium's endpoint (tests/browser/browser.ts, connectBrowser). */
    browserBroker: string;
    /** Where the shared sample packs are built. */
    samplePacksDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'boardpack-browser-shared-'));
  project.provide('samplePacksDir', dir);
  let server: Promise<BrowserServer> | null = null;
  const broker = createServer((_request, response) => {
    // Without Chromium the browser tests skip themselves (or fail under CI=true), saying why: they never ask.
    server ??= import('playwright-core').then(({ chromium }) => chromium.launchServer({ executablePath: chromiumPath(), args: CHROMIUM_ARGS }));
    server.then(
      (s) => response.end(s.wsEndpoint()),
      (error: unknown) => response.writeHead(500).end(`Chromium did not start: ${String(error)}`),
    );
  });
  await new Promise<void>((listening) => broker.listen(0, '127.0.0.1', listening));
  project.provide('browserBroker', `http://127.0.0.1:${(broker.address() as AddressInfo).port}/`);
  return async () => {
    broker.close();
    if (server) await (await server.catch(() => null))?.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
