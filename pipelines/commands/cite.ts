import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../lib/errors.ts';
import { isCalendarDate, parsePeriod } from '../lib/periods.ts';
import { londonDate } from '../lib/clock.ts';
import { formatCitation } from '../packs/cite.ts';
import type { Manifest } from '../packs/manifest.ts';
import type { CommandContext } from './context.ts';

/** `boardpack cite ID --period P`: a ready-to-paste citation of one figure of a built pack. */
export async function runCite(id: string, options: { period?: string; edition?: string; out?: string; asOf?: string }, ctx: CommandContext): Promise<number> {
  if (options.period === undefined) throw new UsageError('Say which pack with --period, e.g. boardpack cite WM-2025-26-Q2-INC-05 --period 2025-26-Q2.');
  const asOf = options.asOf ?? londonDate(ctx.clock.now());
  if (!isCalendarDate(asOf)) throw new UsageError(`--as-of "${options.asOf}" is not a date; give it as yyyy-mm-dd.`);
  const period = parsePeriod(options.period, asOf);
  const edition = options.edition ?? 'board';
  const folder = join(options.out ? resolve(ctx.cwd, options.out) : ctx.config.out, `${period.id}-${edition}`);
  const manifestPath = join(folder, 'manifest.json');
  if (!existsSync(manifestPath)) throw new UsageError(`There is no ${edition} pack for ${period.id} at ${folder}; build it first with boardpack build --period ${period.id}.`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const text = formatCitation(manifest, id, join(folder, 'index.html'));
  if (text === null) {
    const known = manifest.metrics.map((m) => m.citation_id ?? m.id).join(', ');
    throw new UsageError(`"${id}" is not a figure of the ${period.id} ${edition} pack; use one of: ${known}.`);
  }
  const metric = manifest.metrics.find((m) => m.citation_id === id || m.id === id)!;
  ctx.out(ctx.json ? JSON.stringify({ citation: text, figure: metric, pack: manifest.pack }, null, 2) : text);
  return 0;
}
