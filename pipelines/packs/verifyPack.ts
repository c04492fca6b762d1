import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fixedClock } from '../lib/clock.ts';
import type { Config } from '../lib/config.ts';
import { createDb } from '../lib/db.ts';
import { sha256File } from '../lib/hashing.ts';
import type { Logger } from '../lib/logging.ts';
import { parsePeriod } from '../lib/periods.ts';
import { loadContracts, type DatasetName } from '../ingest/contracts.ts';
import { ingestPaths } from '../ingest/ingestFiles.ts';
import { restoreQuerySet } from '../model/querySet.ts';
import { configForSnapshot, takeSnapshot, type SnapshotFile } from '../model/snapshot.ts';
import { canonicalRelativePath, legacyRelativePath, metaRelativePath, originalRelativePath, readMeta } from '../ingest/archive.ts';
import { decryptFile } from '../archive/encryptFile.ts';
import { computePack } from './buildPack.ts';
import type { FileCheck, Manifest } from './manifest.ts';
import { checkPdf } from './packPdf.ts';

/**
 * Verification of a built pack: the files beside it and the archived exports are the bytes
 * the manifest names, and every figure recomputes, in a fresh database, from those exports
 * with the snapshot's settings and query set. Each file is re-ingested as it first was (same
 * order, dataset and load time), so "current as of that load" is rebuilt, not assumed.
 */

export type { FileCheck };

export interface FigureCheck {
  id: string;
  citation_id: string | null;
  status: 'match' | 'mismatch';
  differences: { field: string; manifest: unknown; recomputed: unknown }[];
}

export interface Verification {
  ok: boolean;
  files: FileCheck[];
  figures: FigureCheck[];
}

/** Checks the pack folder's own files and the archive; the recomputation needs every archived file intact. */
export function checkFiles(packDir: string, manifest: Manifest, archiveDir: string, commentaryDir?: string): FileCheck[] {
  const checks: FileCheck[] = [];
  const check = (file: string, role: FileCheck['role'], path: string, sha256: string) => {
    if (!existsSync(path)) checks.push({ file, role, status: 'missing', detail: path });
    else {
      const actual = sha256File(path);
      checks.push(actual === sha256 ? { file, role, status: 'match' } : { file, role, status: 'altered', detail: `SHA-256 ${actual}, manifest ${sha256}` });
    }
  };
  if (manifest.html_sha256) check('index.html', 'pack', join(packDir, 'index.html'), manifest.html_sha256);
  for (const e of manifest.exports ?? []) check(e.file, 'pack', join(packDir, e.file), e.sha256);
  checks.push(...checkPdf(packDir, manifest));
  for (const f of manifest.snapshot.files) checks.push(checkArchived(archiveDir, f));
  // Issue 13: the commentary the pack shows, as archived and as the analysts' file now stands (an edit since the build fails).
  if (manifest.commentary) {
    const c = manifest.commentary;
    check(c.file, 'archive', join(archiveDir, 'commentary', `${c.sha256}.md`), c.sha256);
    if (commentaryDir && existsSync(join(commentaryDir, c.file))) check(c.file, 'commentary', join(commentaryDir, c.file), c.sha256);
  }
  return checks;
}

/**
 * An archived export as the pack needs it: a plain original from before canonical copies
 * (checked against the export's SHA-256), or the canonical copy (checked against the SHA-256
 * recorded beside it when it was written).
 */
export function checkArchived(archiveDir: string, f: SnapshotFile): FileCheck {
  const legacy = join(archiveDir, legacyRelativePath(f.sha256));
  if (existsSync(legacy)) {
    const actual = sha256File(legacy);
    return actual === f.sha256 ? { file: f.file, role: 'archive', status: 'match', source: { path: legacy, sha256: f.sha256 } } : { file: f.file, role: 'archive', status: 'altered', detail: `SHA-256 ${actual}, manifest ${f.sha256}` };
  }
  const canonical = join(archiveDir, canonicalRelativePath(f.sha256));
  const meta = readMeta(archiveDir, f.sha256);
  if (!existsSync(canonical) || !meta) return { file: f.file, role: 'archive', status: 'missing', detail: existsSync(canonical) ? join(archiveDir, metaRelativePath(f.sha256)) : canonical };
  const actual = sha256File(canonical);
  if (actual !== meta.canonical_sha256 || meta.sha256 !== f.sha256) return { file: f.file, role: 'archive', status: 'altered', detail: `canonical copy SHA-256 ${actual}, recorded ${meta.canonical_sha256}` };
  return { file: f.file, role: 'archive', status: 'match', source: { path: canonical, sha256: f.sha256 } };
}

/** Decrypts each encrypted original (never to disk) and checks it is the export the manifest names. */
export function checkOriginals(archiveDir: string, manifest: Manifest, key: Buffer): FileCheck[] {
  return manifest.snapshot.files.map((f): FileCheck => {
    if (existsSync(join(archiveDir, legacyRelativePath(f.sha256)))) return { file: f.file, role: 'original', status: 'match', detail: 'kept unencrypted, from before conversion' };
    const meta = readMeta(archiveDir, f.sha256);
    if (meta?.original_deleted_at) return { file: f.file, role: 'original', status: 'deleted', detail: `deleted ${meta.original_deleted_at.slice(0, 10)} at the end of its retention period` };
    const path = join(archiveDir, originalRelativePath(f.sha256));
    if (!existsSync(path)) return { file: f.file, role: 'original', status: 'missing', detail: path };
    try {
      const actual = decryptFile(path, null, key, f.sha256);
      return actual === f.sha256 ? { file: f.file, role: 'original', status: 'match' } : { file: f.file, role: 'original', status: 'altered', detail: `SHA-256 ${actual}, manifest ${f.sha256}` };
    } catch (error) {
      return { file: f.file, role: 'original', status: 'altered', detail: (error as Error).message.replace(/\.$/, '') };
    }
  });
}

export async function recomputePack(manifest: Manifest, config: Config, scratch: string, logger: Logger, files: FileCheck[] = manifest.snapshot.files.map((f) => checkArchived(config.archive, f))): Promise<Manifest> {
  const { snapshot, pack } = manifest;
  const dirs = restoreQuerySet(config.archive, snapshot.queries_sha256, join(scratch, 'queries-set'), config.packsDir);
  const settings = configForSnapshot(config, snapshot.settings, dirs);
  const contracts = loadContracts(settings);
  const db = await createDb(join(scratch, 'verify.duckdb'), settings.duckdb);
  try {
    const archived = files.filter((c) => c.role === 'archive');
    for (const [i, f] of snapshot.files.entries()) {
      const source = archived[i]?.source;
      if (!source) throw new Error(`${f.file} is not in the archive`);
      // The archived bytes under their original name and SHA-256, so the ledger reads as it did.
      const folder = join(scratch, 'files', String(f.load_id));
      mkdirSync(folder, { recursive: true });
      const link = join(folder, f.file);
      symlinkSync(source.path, link);
      const [report] = (
        await ingestPaths([link], {
          db,
          contracts,
          // Each file as the force it was loaded for (a regional database holds several).
          force: f.force ?? settings.force,
          forceFrom: 'option',
          archiveDir: join(scratch, 'archive'),
          maxQuarantineShare: settings.ingest.maxQuarantineShare,
          clock: fixedClock(f.loaded_at),
          logger,
          dataset: f.dataset as DatasetName,
          sha256: source.sha256,
        })
      ).files;
      if (report?.status !== 'loaded') throw new Error(`${f.file} did not load again (${report?.status}${report?.error ? `: ${report.error}` : ''})`);
    }
    const recomputed = await takeSnapshot(db, { settings: snapshot.settings, queriesSha256: snapshot.queries_sha256, version: snapshot.version, createdAt: new Date(pack.generated_at) });
    // The same path as build (packs/buildPack.ts), stopped once the figures are computed. A public pack hides
    // again what its audit hid; it is not audited anew against packs issued since.
    const request = {
      pack: pack.name ?? 'board',
      period: parsePeriod(pack.period, pack.as_of),
      asOf: pack.as_of,
      edition: pack.edition,
      generatedAt: pack.generated_at,
      hide: manifest.disclosure_audit?.added ?? [],
      ...(pack.area !== undefined ? { area: pack.area } : {}),
    };
    return (await computePack(db, request, settings, recomputed)).manifest;
  } finally {
    db.close();
  }
}

const LATER_FIELDS = ['datasets', 'at_as_of'];

/** Figure by figure: every field the manifest records, except the publication history (restatements). */
export function compareFigures(manifest: Manifest, recomputed: Manifest): FigureCheck[] {
  const fresh = new Map(recomputed.metrics.map((m) => [m.id, m]));
  const checks: FigureCheck[] = manifest.metrics.map((m) => {
    const again = fresh.get(m.id) as Record<string, unknown> | undefined;
    const differences: FigureCheck['differences'] = [];
    if (!again) differences.push({ field: 'id', manifest: m.id, recomputed: null });
    else {
      const { restatements: _r, ...recorded } = m;
      // Fields a later version added to every figure are not differences for a pack written before them.
      const added = LATER_FIELDS.filter((f) => !(f in recorded));
      for (const field of new Set([...Object.keys(recorded), ...Object.keys(again).filter((k) => k !== 'restatements' && !added.includes(k))])) {
        const [a, b] = [(recorded as Record<string, unknown>)[field], again[field]];
        if (!same(a, b)) differences.push({ field, manifest: a, recomputed: b });
      }
    }
    return { id: m.id, citation_id: m.citation_id ?? null, status: differences.length ? 'mismatch' : 'match', differences };
  });
  for (const m of recomputed.metrics.filter((x) => !manifest.metrics.some((y) => y.id === x.id))) {
    checks.push({ id: m.id, citation_id: m.citation_id ?? null, status: 'mismatch', differences: [{ field: 'id', manifest: null, recomputed: m.id }] });
  }
  // A regional pack's figures for each force, each with its citation ID.
  for (const f of manifest.comparison?.figures ?? []) {
    const again = recomputed.comparison?.figures.find((x) => x.metric === f.metric && x.place === f.place);
    const differences = again
      ? (['value', 'display', 'rate', 'rate_display', 'msg'] as const).filter((k) => !same(f[k], again[k])).map((k) => ({ field: k, manifest: f[k], recomputed: again[k] }))
      : [{ field: 'place', manifest: f.place, recomputed: null }];
    checks.push({ id: `${f.metric} (${f.place})`, citation_id: f.citation_id ?? null, status: differences.length ? 'mismatch' : 'match', differences });
  }
  // Load numbers may differ in a fresh database (a rejected file uses one up); the snapshot's ID and files may not.
  // The action log and the data dates are shown in the pack too.
  const essence = (m: Manifest) => ({
    snapshot: { id: m.snapshot.id, files: m.snapshot.files.map((f) => [f.dataset, f.file, f.sha256]) },
    data_quality: m.data_quality,
    inputs: m.inputs,
    action_log: m.action_log,
    data_dates: m.data_dates,
  });
  const [recorded, again] = [essence(manifest), essence(recomputed)];
  for (const [field, section] of Object.entries(SECTION_NAMES) as [keyof typeof recorded, Section][]) {
    if (recorded[field] === undefined && section.later) continue;
    if (!same(recorded[field], again[field])) checks.push({ id: field, citation_id: null, status: 'mismatch', differences: [{ field, manifest: recorded[field], recomputed: again[field] }] });
  }
  return checks;
}

interface Section {
  name: string;
  plural: boolean;
  /** Recorded only by later versions: a pack made before has none to compare. */
  later?: boolean;
}

/** The parts of a manifest besides its figures that verify recomputes, and what a reader calls them. */
export const SECTION_NAMES: Record<string, Section> = {
  snapshot: { name: 'The list of exports the pack was built from', plural: false },
  data_quality: { name: 'The data-quality checks', plural: true },
  inputs: { name: 'The inputs appendix', plural: false },
  action_log: { name: 'The action log', plural: false, later: true },
  data_dates: { name: 'The dates the data runs to', plural: true, later: true },
};

/** Deep equality; numbers agree to 1e-9 relative, since parallel sums may round in another order. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

export function readManifest(path: string): Manifest | null {
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return manifest?.pack && Array.isArray(manifest.metrics) && manifest.snapshot?.files ? manifest : null;
  } catch {
    return null;
  }
}
