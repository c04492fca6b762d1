import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../lib/errors.ts';
import { isCalendarDate, parsePeriod } from '../lib/periods.ts';
import { londonDate } from '../lib/clock.ts';
import { CITATION_FORMATS, composeCitation, formatLetterCitation, parseCitationId, type CitationFormat } from '../packs/citation.ts';
import { packFolderName, type Manifest } from '../packs/manifest.ts';
import { areaCode, areasOf } from '../packs/packScope.ts';
import type { Config } from '../lib/config.ts';
import type { CommandContext } from './context.ts';

export interface CiteOptions {
  period?: string;
  edition?: string;
  out?: string;
  asOf?: string;
  format?: string;
}

/**
 * `boardpack cite ID`: a letter-ready citation of one figure of a built pack. A citation ID
 * names its period; a bare metric ID needs --period. The public edition is cited unless
 * --edition board is asked for, so an exact board figure is never pasted by default.
 */
export async function runCite(id: string, options: CiteOptions, ctx: CommandContext): Promise<number> {
  const format = citationFormat(options.format, ctx.json);
  const edition = options.edition ?? 'public';
  if (edition !== 'board' && edition !== 'public') throw new UsageError(`--edition "${edition}" is not an edition; use public or board.`);
  const asOf = options.asOf ?? londonDate(ctx.clock.now());
  if (!isCalendarDate(asOf)) throw new UsageError(`--as-of "${options.asOf}" is not a date; give it as yyyy-mm-dd.`);
  const parsed = parseCitationId(id);
  const metricId = parsed?.metricId ?? id.trim();
  let periodText = options.period;
  if (parsed) {
    const fromId = parsePeriod(parsed.period, asOf).id;
    if (options.period !== undefined && parsePeriod(options.period, asOf).id !== fromId) {
      throw new UsageError(`${id} is a figure of ${fromId}, not of --period ${options.period}; leave --period out or cite the figure of that period.`);
    }
    periodText = fromId;
  }
  if (periodText === undefined) throw new UsageError(`Say which pack: give a citation ID such as ${ctx.config.forceCode}-2025-26-Q2-${metricId}, or --period with the metric ID.`);
  const period = parsePeriod(periodText, asOf);
  // The citation ID's code says whose pack: the force's, one of its areas' or the region's.
  const which = parsed ? packOfCode(parsed.code, id.trim(), ctx.config) : { name: 'board' };
  const root = options.out ? resolve(ctx.cwd, options.out) : ctx.config.out;
  const folder = join(root, packFolderName({ period: period.id, edition, ...which }));
  const manifestPath = join(folder, 'manifest.json');
  if (!existsSync(manifestPath)) {
    const other = edition === 'public' ? 'board' : 'public';
    const hint = other === 'board' && existsSync(join(root, packFolderName({ period: period.id, edition: other, ...which }), 'manifest.json')) ? `, or cite the board edition (${ctx.config.markings.board}) with --edition board` : '';
    const scope = which.area !== undefined ? ` --area "${which.area}"` : which.name === 'regional' ? ' --pack regional' : '';
    throw new UsageError(`There is no ${edition} pack for ${period.id} at ${folder}; build it first with boardpack build --period ${period.id}${scope} --edition ${edition}${hint}.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  // The folder's name says the edition; the manifest must agree before a public citation is made from it.
  if (manifest.pack.edition !== edition) throw new UsageError(`The pack at ${folder} is the ${manifest.pack.edition} edition, not the ${edition} one; rebuild it with boardpack build --period ${period.id} --edition ${edition}.`);
  const wanted = parsed ? id.trim() : metricId;
  const citation = composeCitation(manifest, wanted, { publishUrl: ctx.config.publishUrl[edition], basis: basisOf(ctx.config.queriesDir, metricId) });
  if (citation === null) {
    const known = manifest.metrics.map((m) => m.citation_id ?? m.id).join(', ');
    throw new UsageError(`"${id}" is not a figure of the ${period.id} ${edition} pack; use one of: ${known}.`);
  }
  ctx.out(formatLetterCitation(citation, format));
  return 0;
}

/**
 * The pack a citation ID's code names: the force's own (WM), an area's (WM-SHR: the area whose
 * three-letter code it is) or the region's (WMR). A force's figure in the region's comparison
 * (WMR-SP) is one row of a table, with no definition or sources of its own: it is not cited alone.
 */
function packOfCode(code: string, id: string, config: Config): { name: string; area?: string } {
  const { forceCode, region } = config;
  if (code === forceCode) return { name: 'board' };
  if (region && code === region.code) return { name: 'regional' };
  const [head, sub] = code.split('-') as [string, string | undefined];
  if (head === forceCode && sub !== undefined) {
    const areas = areasOf(config.referenceDir, config.force);
    const area = areas.find((a) => areaCode(a) === sub);
    if (area) return { name: 'area', area };
    throw new UsageError(`${id} names the area code ${sub}, which is not one of ${config.force}'s local policing areas (${areas.map((a) => `${areaCode(a)} ${a}`).join(', ')}); check the citation ID.`);
  }
  const place = region && head === region.code ? region.forces.find((f) => f.code === sub) : undefined;
  if (place && region) {
    throw new UsageError(
      `${id} is ${place.name}'s figure in the ${region.name} pack's comparison of forces, a row of its table rather than a figure with its own definition and sources; cite the region's figure (${region.code}-${id.slice(code.length + 1)}) or ${place.name}'s own pack.`,
    );
  }
  const known = [forceCode, ...(region ? [region.code] : [])].join(' or ');
  throw new UsageError(`${id} starts with ${code}, which is not this force's citation code (${known}), nor one of its areas'; check the citation ID, or cite from the database that built that pack.`);
}

function citationFormat(value: string | undefined, json: boolean): CitationFormat {
  if (value === undefined) return json ? 'json' : 'text';
  if (!(CITATION_FORMATS as string[]).includes(value)) throw new UsageError(`--format "${value}" is not a citation format; use ${CITATION_FORMATS.join(', ')}.`);
  if (json && value !== 'json') throw new UsageError(`--json asks for JSON but --format says ${value}; give one of them.`);
  return value as CitationFormat;
}

/**
 * The metric's numerator and denominator in words (`basis` in its metadata twin, e.g.
 * "{numerator} of {denominator} crimes due contact"): words only, so the current catalogue
 * is read; a metric without one is cited without them (a percentage as "107 of 124").
 */
function basisOf(queriesDir: string, metricId: string): string | null {
  const path = join(queriesDir, 'metrics', `${metricId}.json`);
  if (!/^[A-Z]{3}-\d{2}$/.test(metricId) || !existsSync(path)) return null;
  try {
    const basis = (JSON.parse(readFileSync(path, 'utf8')) as { basis?: unknown }).basis;
    return typeof basis === 'string' ? basis : null;
  } catch {
    return null;
  }
}
