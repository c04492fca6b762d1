import type { Config } from '../lib/config.ts';
import { UsageError } from '../lib/errors.ts';
import { parsePeriod, type Period } from '../lib/periods.ts';
import { packFolderName } from '../packs/manifest.ts';
import { loadPackDefinition } from '../packs/packDefinition.ts';
import { areasOf, checkArea } from '../packs/packScope.ts';

/**
 * The packs one refresh builds, in the order it builds them: the configured `packs` entries
 * with `"area": "*"` opened out into one pack per local policing area of the force, each
 * area spelled as the areas reference list spells it.
 *
 * Order matters for the public edition: the intruder audit reads the public packs already
 * issued, so whichever pack is built first is audited alone and a later one must hide what
 * the two together would give away. The force's own packs come first (its public pack is the
 * one most people read), then the region's, then the areas', each kind in configured order.
 */

export interface PlannedPack {
  pack: string;
  period: Period;
  edition: 'board' | 'public';
  area?: string;
  pdf: boolean;
  /** The pack's folder name in the out folder, as build writes it. */
  folder: string;
}

const ORDER = { force: 0, region: 1, area: 2 } as const;

export function plannedPacks(config: Pick<Config, 'packs' | 'packsDir' | 'referenceDir' | 'force'>, asOf: string): PlannedPack[] {
  const planned: (PlannedPack & { rank: number; at: number })[] = [];
  config.packs.forEach((setting, i) => {
    const kind = setting.area !== undefined ? 'area' : scopeOf(config.packsDir, setting.pack);
    if (kind === 'area' && setting.area === undefined) {
      throw new UsageError(`The ${setting.pack} pack in the configuration's packs list (entry ${i + 1}) is for one local policing area; add "area" naming it, or "*" for one pack per area.`);
    }
    const areas = setting.area === undefined ? [undefined] : setting.area.trim() === '*' ? everyArea(config, i) : [checkArea(config.referenceDir, config.force, setting.area)];
    const period = parsePeriod(setting.period, asOf);
    for (const area of areas) {
      const folder = packFolderName({ period: period.id, edition: setting.edition, name: setting.pack, area });
      planned.push({ pack: setting.pack, period, edition: setting.edition, ...(area !== undefined ? { area } : {}), pdf: setting.pdf === true, folder, rank: ORDER[kind], at: planned.length });
    }
  });
  // One build per folder: an area named on its own and again by "*" is built once (asked for a PDF if either asks).
  const byFolder = new Map<string, (typeof planned)[number]>();
  for (const p of planned) {
    const seen = byFolder.get(p.folder);
    if (seen) seen.pdf ||= p.pdf;
    else byFolder.set(p.folder, p);
  }
  return [...byFolder.values()].sort((a, b) => a.rank - b.rank || a.at - b.at).map(({ rank: _rank, at: _at, ...p }) => p);
}

function everyArea(config: Pick<Config, 'referenceDir' | 'force'>, i: number): string[] {
  const areas = areasOf(config.referenceDir, config.force);
  if (areas.length === 0) {
    throw new UsageError(
      `Entry ${i + 1} of the configuration's packs list asks for a pack per local policing area ("area": "*"), but the areas reference list names no local policing area of ${config.force}; add them to areas.csv in the reference folder.`,
    );
  }
  return areas;
}

/** The definition's scope; a definition that cannot be read is left for the build to report, in its turn. */
function scopeOf(packsDir: string, pack: string): 'force' | 'area' | 'region' {
  try {
    return loadPackDefinition(packsDir, pack).scope ?? 'force';
  } catch {
    return 'force';
  }
}
