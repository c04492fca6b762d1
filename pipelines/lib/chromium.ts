import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { messageOf, WorkError } from './errors.ts';

/**
 * The browser boardpack prints with (and its browser tests drive): Debian's Chromium,
 * installed with `apt-get install chromium`, through playwright-core. Playwright's own
 * browser download cannot work on these machines, so the executable is the system's;
 * BOARDPACK_CHROMIUM names another one.
 */

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Headless, no sandbox (CI runs as root, where Chromium's sandbox refuses to start), no
 * GPU, and no background networking: on a closed network Chromium's own update and
 * safe-browsing connections are refused, many at a time, and slow every start.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BOARDPACK_CHROMIUM || DEFAULT_CHROMIUM;
}

/** Why Chromium cannot be used, as one sentence, or null when it is there. */
export function chromiumMissing(executablePath: string = chromiumPath()): string | null {
  if (existsSync(executablePath)) return null;
  return `Chromium was not found at ${executablePath}; install it (apt-get install chromium) or set BOARDPACK_CHROMIUM to its path.`;
}

export async function launchChromium(executablePath: string = chromiumPath()): Promise<Browser> {
  const missing = chromiumMissing(executablePath);
  if (missing) throw new WorkError(missing);
  // Loaded only when a browser is wanted: most commands never need playwright-core.
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (error) {
    const reason = messageOf(error).split('\n')[0]!.replace(/\.$/, '');
    throw new WorkError(`Chromium at ${executablePath} could not be started (${reason}); check that "${executablePath} --headless --version" runs.`);
  }
}
