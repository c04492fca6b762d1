import type { Config } from '../lib/config.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../ingest/contracts.ts';
import { UsageError } from '../lib/errors.ts';
import { nearest, shownPath } from '../lib/schemas.ts';
import type { Scope } from '../model/scope.ts';
import type { PackDefinition } from './packDefinition.ts';

/**
 * Whose figures a pack shows, from its definition's `scope` and the build's `--area`: the
 * configured force, one local policing area of it, or every force of the configured region.
 * Also the words and citation code that carry the scope into every figure.
 */

export interface PackScope extends Scope {
  kind: 'force' | 'area' | 'region';
  /** In words, for the cover and citations: "West Mercia", "Shropshire, West Mercia", "West Midlands region". */
  name: string;
  /** Citation code: WM, WM-SHR (an area of WM), WMR (a region). */
  code: string;
}

export function scopeOfPack(definition: Pick<PackDefinition, 'scope' | 'file' | 'name'>, area: string | undefined, config: Pick<Config, 'force' | 'forceCode' | 'region'>): PackScope {
  const kind = definition.scope ?? 'force';
  const file = shownPath(definition.file);
  if (kind === 'region') {
    if (!config.region) throw new UsageError(`${file} is a regional pack, but the configuration names no region; add "region" with its forces to boardpack.config.json.`);
    if (area !== undefined) throw new UsageError(`--area builds a pack for one area of ${config.force}; the ${definition.name} pack covers the whole region, so leave --area out.`);
    return { kind, forces: config.region.forces.map((f) => f.name), name: config.region.name, code: config.region.code };
  }
  if (kind === 'area' && area === undefined) throw new UsageError(`The ${definition.name} pack is for one local policing area; say which with --area, e.g. --area Shropshire.`);
  if (area === undefined) return { kind, forces: [config.force], name: config.force, code: config.forceCode };
  return { kind: 'area', forces: [config.force], area, name: `${area}, ${config.force}`, code: `${config.forceCode}-${areaCode(area)}` };
}

/** The force's local policing areas, from the areas reference list (`kind`, and `force` where the list has one). */
export function areasOf(referenceDir: string, force: string): string[] {
  const path = join(referenceDir, 'areas.csv');
  if (!existsSync(path)) return [];
  const rows = readCsv(path);
  return rows.filter((r) => r.kind === 'Local policing area' && (!r.force || r.force.toLowerCase() === force.toLowerCase())).map((r) => r.area!);
}

/** The area as the reference list spells it, or one sentence naming the areas there are. */
export function checkArea(referenceDir: string, force: string, area: string): string {
  const names = areasOf(referenceDir, force);
  const match = names.find((name) => name.toLowerCase() === area.trim().toLowerCase());
  if (match) return match;
  const near = nearest(area, names);
  throw new UsageError(`"${area}" is not one of ${force}'s local policing areas${near ? `; did you mean "${near}"?` : ` (${names.join(', ')}).`}`);
}

/** Three letters of the area's name, upper case: Shropshire SHR, Telford & Wrekin TEL. */
export function areaCode(area: string): string {
  return (
    area
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 3) || 'AREA'
  );
}

/** For folder names: lower case, hyphens. */
export function areaSlug(area: string): string {
  return area
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
