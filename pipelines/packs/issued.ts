import { resolve } from 'node:path';
import type { Config } from '../lib/config.ts';

/**
 * Which packs are issued. Restatements compare a new pack with what the last issued pack for
 * the period reported, so a scratch build must not count: only a pack written to the configured
 * `out` folder is issued. `build --draft` (written to `<out>/drafts/`, marked on its cover), a
 * build to any other `--out`, and a `--snapshot` rebuild of an earlier pack are not.
 */

export const DRAFTS = 'drafts';

export const DRAFT_BANNER = 'Draft: not an issued pack. Its figures may change before the pack is issued.';

export function issuedPack(config: Pick<Config, 'out'>, out: string, options: { draft?: boolean; snapshot?: string }): boolean {
  return !options.draft && options.snapshot === undefined && resolve(out) === resolve(config.out);
}

export function notIssuedNotice(configuredOut: string): string {
  return `This pack is not in the configured out folder (${configuredOut}), so it is not an issued pack: later packs will not report restatements against its figures.`;
}
