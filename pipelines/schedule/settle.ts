import type { InboxListing } from './inbox.ts';

/**
 * A manual refresh is usually run by someone who has just copied exports into the inbox. A
 * file still being written is not skipped (the run would report success without it): the run
 * waits until every file has been unchanged for the settle time, looking again at most once a
 * second. A file still changing after `maxWaitMs` (a copy that will not finish) is left for the
 * next run and said so. The nightly job does not wait: its next night picks the file up.
 */

export interface SettleOptions {
  /** Lists the inbox as it is now. */
  list: () => InboxListing;
  settleSeconds: number;
  /** How long to wait in all, at most. */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Told once, before the first wait, which files are waited for. */
  onWait?: (files: string[], maxWaitMs: number) => void;
}

/** The longest a manual refresh waits: three settle times, and at least 30 seconds. */
export function manualWaitMs(settleSeconds: number): number {
  return Math.max(settleSeconds * 3, 30) * 1000;
}

export async function waitForSettled(options: SettleOptions): Promise<InboxListing> {
  let listing = options.list();
  if (listing.settling.length === 0 || options.settleSeconds === 0) return listing;
  options.onWait?.(listing.settling, options.maxWaitMs);
  // Counted in steps rather than read from the clock, so the wait is bounded whatever the clock says.
  const step = Math.min(1000, options.settleSeconds * 1000);
  for (let waited = 0; listing.settling.length > 0 && waited < options.maxWaitMs; waited += step) {
    await options.sleep(step);
    listing = options.list();
  }
  return listing;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
