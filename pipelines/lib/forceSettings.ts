import { UsageError } from './errors.ts';

/**
 * The settings that say who the force is and whom it works with: its citation code, its
 * region (the forces whose exports it takes and compares) and each edition's security marking.
 * Another force adopts boardpack by setting these (docs/adopting.md).
 */

/** The forces this boardpack takes exports for and compares (docs/regional.md). */
export interface RegionSetting {
  name: string;
  /** Citation code of the regional figures (default: the region's initials). */
  code: string;
  forces: { name: string; code: string }[];
}

export interface Markings {
  board: string;
  public: string;
}

/** The Government Security Classifications a force's board and published packs carry unless it says otherwise. */
export const DEFAULT_MARKINGS: Markings = { board: 'OFFICIAL-SENSITIVE', public: 'OFFICIAL' };

/** Every force this boardpack takes exports for: the configured force, then its region's. */
export function knownForces(config: { force: string; region: RegionSetting | null }): string[] {
  const others = (config.region?.forces ?? []).map((f) => f.name).filter((name) => name.toLowerCase() !== config.force.toLowerCase());
  return [config.force, ...others];
}

/** `{"name": "West Midlands region", "forces": [{"name": "West Mercia", "code": "WM"}, ...]}`; codes name citations, so each is unique. */
export function regionSetting(value: unknown): RegionSetting | null {
  if (value === undefined || value === null) return null;
  const record = value as Record<string, unknown>;
  const name = stringSetting(record.name, 'region.name');
  const forces = Array.isArray(record.forces) ? (record.forces as { name?: unknown; code?: unknown }[]) : [];
  if (name === undefined || forces.length === 0 || !forces.every((f) => typeof f?.name === 'string' && typeof f.code === 'string' && /^[A-Z0-9]{1,8}$/.test(f.code))) {
    throw new UsageError('Configuration "region" must name the region and list its forces with a citation code each, e.g. {"name": "West Midlands region", "forces": [{"name": "West Mercia", "code": "WM"}]}.');
  }
  const list = forces as { name: string; code: string }[];
  const code = stringSetting(record.code, 'region.code') ?? initials(name);
  for (const [i, f] of list.entries()) {
    const clash = list.findIndex((g) => g.code === f.code || g.name.toLowerCase() === f.name.toLowerCase());
    if (clash !== i)
      throw new UsageError(`Configuration "region.forces" lists ${list[clash]!.name} and ${f.name} with the same ${list[clash]!.code === f.code ? `code "${f.code}"` : 'name'}; give each force its own, since citations name forces by code.`);
    if (f.code === code) throw new UsageError(`Configuration "region.code" "${code}" is also ${f.name}'s code; give the region its own code.`);
  }
  return { name, code, forces: list };
}

export function forceCodeSetting(value: unknown, force: string): string {
  const code = stringSetting(value, 'force_code') ?? initials(force);
  if (!/^[A-Z0-9]{1,8}$/.test(code)) throw new UsageError('Configuration "force_code" must be 1-8 capital letters or digits, e.g. "WM".');
  return code;
}

export function markingsSetting(value: unknown): Markings {
  if (value === undefined) return DEFAULT_MARKINGS;
  const problem = new UsageError('Configuration "markings" must give each edition\'s security marking in words, e.g. {"board": "OFFICIAL-SENSITIVE", "public": "OFFICIAL"}.');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw problem;
  const record = value as Record<string, unknown>;
  const marking = (edition: keyof Markings) => {
    const given = record[edition];
    if (given === undefined) return DEFAULT_MARKINGS[edition];
    if (typeof given !== 'string' || given.trim() === '') throw problem;
    return given.trim();
  };
  return { board: marking('board'), public: marking('public') };
}

function initials(name: string): string {
  return name
    .split(/[\s-]+/)
    .map((w) => w[0] ?? '')
    .join('')
    .toUpperCase();
}

/** A string setting, or undefined when absent; blank or another type is an error naming the key. */
export function stringSetting(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`Configuration "${key}" must be a non-empty string; fix boardpack.config.json.`);
  return value;
}
