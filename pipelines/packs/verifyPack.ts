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
import { configForSnapshot, takeSnapshot } from '../model/snapshot.ts';
import { composePack } from './composePack.ts';
import type { Manifest } from './writePack.ts';

/**
 * Verification of a built pack: the files beside it and the archived exports are the bytes
 * the manifest names, and every figure recomputes, in a fresh database, from those exports
 * with the snapshot's settings and query set. Each file is re-ingested as it first was (same
 * order, dataset and load time), so "current as of that load" is rebuilt, not assumed.
 */

export interface FileCheck {
  file: string;
  role: 'pack' | 'archive';
  status: 'match' | 'missing' | 'altered';
  detail?: string;
}

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
export function checkFiles(packDir: string, manifest: Manifest, archiveDir: string): FileCheck[] {
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
  for (const f of manifest.snapshot.files) check(f.file, 'archive', join(archiveDir, f.archive_path), f.sha256);
  return checks;
}

export async function recomputePack(manifest: Manifest, config: Config, scratch: string, logger: Logger): Promise<Manifest> {
  const { snapshot, pack } = manifest;
  const dirs = restoreQuerySet(config.archive, snapshot.queries_sha256, join(scratch, 'queries-set'));
  const settings = configForSnapshot(config, snapshot.settings, dirs);
  const contracts = loadContracts(settings);
  const db = await createDb(join(scratch, 'verify.duckdb'), settings.duckdb);
  try {
    for (const f of snapshot.files) {
      // The archived bytes under their original name, so the ledger reads as it did.
      const folder = join(scratch, 'files', String(f.load_id));
      mkdirSync(folder, { recursive: true });
      const link = join(folder, f.file);
      symlinkSync(join(config.archive, f.archive_path), link);
      const [report] = (await ingestPaths([link], {
        db, contracts, force: settings.force, archiveDir: join(scratch, 'archive'), maxQuarantineShare: settings.ingest.maxQuarantineShare,
        clock: fixedClock(f.loaded_at), logger, dataset: f.dataset as DatasetName,
      })).files;
      if (report?.status !== 'loaded') throw new Error(`${f.file} did not load again (${report?.status}${report?.error ? `: ${report.error}` : ''})`);
    }
    const recomputed = await takeSnapshot(db, { settings: snapshot.settings, queriesSha256: snapshot.queries_sha256, version: snapshot.version, createdAt: new Date(pack.generated_at) });
    // A public pack hides again what its audit hid; it is not audited anew against packs issued since.
    const request = { period: parsePeriod(pack.period, pack.as_of), asOf: pack.as_of, edition: pack.edition, generatedAt: pack.generated_at, hide: manifest.disclosure_audit?.added ?? [] };
    return (await composePack(db, request, settings, recomputed)).manifest;
  } finally {
    db.close();
  }
}

/** Figure by figure: every field the manifest records, except the publication history (restatements). */
export function compareFigures(manifest: Manifest, recomputed: Manifest): FigureCheck[] {
  const fresh = new Map(recomputed.metrics.map((m) => [m.id, m]));
  const checks: FigureCheck[] = manifest.metrics.map((m) => {
    const again = fresh.get(m.id) as Record<string, unknown> | undefined;
    const differences: FigureCheck['differences'] = [];
    if (!again) differences.push({ field: 'id', manifest: m.id, recomputed: null });
    else {
      const { restatements: _r, ...recorded } = m;
      for (const field of new Set([...Object.keys(recorded), ...Object.keys(again).filter((k) => k !== 'restatements')])) {
        const [a, b] = [(recorded as Record<string, unknown>)[field], again[field]];
        if (!same(a, b)) differences.push({ field, manifest: a, recomputed: b });
      }
    }
    return { id: m.id, citation_id: m.citation_id ?? null, status: differences.length ? 'mismatch' : 'match', differences };
  });
  for (const m of recomputed.metrics.filter((x) => !manifest.metrics.some((y) => y.id === x.id))) {
    checks.push({ id: m.id, citation_id: m.citation_id ?? null, status: 'mismatch', differences: [{ field: 'id', manifest: null, recomputed: m.id }] });
  }
  // Load numbers may differ in a fresh database (a rejected file uses one up); the snapshot's ID and files may not.
  const essence = (m: Manifest) => ({ snapshot: { id: m.snapshot.id, files: m.snapshot.files.map((f) => [f.dataset, f.file, f.sha256]) }, data_quality: m.data_quality, inputs: m.inputs });
  const [recorded, again] = [essence(manifest), essence(recomputed)];
  for (const field of ['snapshot', 'data_quality', 'inputs'] as const) {
    if (!same(recorded[field], again[field])) checks.push({ id: field, citation_id: null, status: 'mismatch', differences: [{ field, manifest: recorded[field], recomputed: again[field] }] });
  }
  return checks;
}

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
