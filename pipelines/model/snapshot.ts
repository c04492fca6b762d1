import { DEFAULT_MARKINGS, type Config } from '../lib/config.ts';
import type { Db } from '../lib/db.ts';
import { UsageError } from '../lib/errors.ts';
import { canonicalJson, sha256Text } from '../lib/hashing.ts';
import type { QueryDirs } from './querySet.ts';
import { viewScope } from './scope.ts';
import { policySetting, policyToSettings } from '../lib/publicationPolicy.ts';

/**
 * Snapshots: what a build saw. Loads are numbered and never rewritten (a later export
 * moves the rows it replaces to history with the replacing load's number), so "every
 * file up to load N" fixes the data exactly; with the settings and the query set it fixes
 * every figure. The ID is a hash of those, so the same inputs always give the same ID.
 */

export interface SnapshotFile {
  load_id: number;
  dataset: string;
  file: string;
  sha256: string;
  loaded_at: string;
  archive_path: string;
  /** The force the file was loaded for (absent in snapshots recorded before several forces). */
  force?: string;
}

/** The configuration that decides figures (paths and schedule do not). */
export interface SnapshotSettings {
  force: string;
  force_code: string;
  targets: Config['targets'];
  data_quality: { max_age_days: number };
  /** The three thresholds, and the rest of the publication policy where it is not the default (lib/publicationPolicy.ts). */
  disclosure: { min_count: number; min_denominator: number; min_crimes_for_money: number; [key: string]: unknown };
  ingest: { max_quarantine_share: number };
  aliases: Config['aliases'];
  /** The statistical process control baseline, where it is not the default 12 months (absent keeps older snapshot IDs). */
  spc?: { baseline_months: number };
  /** The editions' security markings, where they are not the defaults (absent keeps older snapshot IDs). */
  markings?: { board: string; public: string };
  /**
   * The region and its forces with their citation codes, where one is configured (absent keeps a single
   * force's snapshot IDs): a regional pack verified after the configuration changed is recomputed
   * with the forces it was built with.
   */
  region?: { name: string; code: string; forces: { name: string; code: string }[] };
}

export interface Snapshot {
  id: string;
  through_load_id: number;
  files: SnapshotFile[];
  settings: SnapshotSettings;
  queries_sha256: string;
  version: string;
}

const SNAPSHOTS_DDL = `create table if not exists snapshots (
  snapshot_id varchar primary key,
  through_load_id integer not null,
  created_at timestamp not null,
  queries_sha256 varchar not null,
  version varchar not null,
  settings varchar not null,
  files varchar not null
)`;

export function settingsOf(config: Config): SnapshotSettings {
  return {
    force: config.force,
    force_code: config.forceCode,
    targets: config.targets,
    data_quality: { max_age_days: config.dataQuality.maxAgeDays },
    disclosure: policyToSettings(config.disclosure) as SnapshotSettings['disclosure'],
    ingest: { max_quarantine_share: config.ingest.maxQuarantineShare },
    aliases: config.aliases,
    ...(config.spc.baselineMonths !== DEFAULT_SPC_BASELINE ? { spc: { baseline_months: config.spc.baselineMonths } } : {}),
    ...(config.markings.board !== DEFAULT_MARKINGS.board || config.markings.public !== DEFAULT_MARKINGS.public ? { markings: { ...config.markings } } : {}),
    ...(config.region ? { region: { name: config.region.name, code: config.region.code, forces: config.region.forces.map((f) => ({ name: f.name, code: f.code })) } } : {}),
  };
}

const DEFAULT_SPC_BASELINE = 12;

/** The configuration a snapshot was built with, reading its restored query set. */
export function configForSnapshot(config: Config, settings: SnapshotSettings, dirs: QueryDirs): Config {
  return {
    ...config,
    ...dirs,
    force: settings.force,
    forceCode: settings.force_code,
    targets: settings.targets,
    dataQuality: { maxAgeDays: settings.data_quality.max_age_days },
    disclosure: policySetting(settings.disclosure),
    ingest: { maxQuarantineShare: settings.ingest.max_quarantine_share },
    aliases: settings.aliases,
    spc: { baselineMonths: settings.spc?.baseline_months ?? DEFAULT_SPC_BASELINE },
    markings: settings.markings ?? DEFAULT_MARKINGS,
    // A snapshot taken before the region was recorded is read with the region configured now.
    region: settings.region ?? config.region,
  };
}

export function snapshotId(files: SnapshotFile[], settings: SnapshotSettings, queriesSha256: string, version: string): string {
  return sha256Text(canonicalJson({ files: files.map((f) => [f.dataset, f.sha256]), settings, queries_sha256: queriesSha256, version })).slice(0, 16);
}

async function loadedFiles(db: Db, throughLoadId?: number): Promise<SnapshotFile[]> {
  return db.all<SnapshotFile>(
    `select load_id, dataset, file_name as file, sha256, strftime(loaded_at, '%Y-%m-%dT%H:%M:%S.%gZ') as loaded_at, archive_path, force
     from main.ingested_files where load_id <= coalesce($1, load_id) order by load_id`,
    [throughLoadId ?? null],
  );
}

/** The snapshot of everything loaded now, recorded (once) in `snapshots`. */
export interface SnapshotInput {
  settings: SnapshotSettings;
  queriesSha256: string;
  version: string;
  createdAt: Date;
}

/** What is loaded now as a snapshot, recorded in the snapshots table (a build records the snapshot it shows). */
export async function takeSnapshot(db: Db, input: SnapshotInput): Promise<Snapshot> {
  await db.run(SNAPSHOTS_DDL);
  const snapshot = await describeSnapshot(db, input);
  await db.run('insert or ignore into snapshots values ($1, $2, $3, $4, $5, $6, $7)', [
    snapshot.id,
    snapshot.through_load_id,
    input.createdAt.toISOString().replace('T', ' ').replace('Z', ''),
    snapshot.queries_sha256,
    snapshot.version,
    canonicalJson(snapshot.settings),
    JSON.stringify(snapshot.files),
  ]);
  return snapshot;
}

/** The same snapshot, nothing written: enough to tell whether a pack on disk already shows it. */
export async function describeSnapshot(db: Db, input: Omit<SnapshotInput, 'createdAt'>): Promise<Snapshot> {
  const files = await loadedFiles(db);
  return {
    id: snapshotId(files, input.settings, input.queriesSha256, input.version),
    through_load_id: files.at(-1)?.load_id ?? 0,
    files,
    settings: input.settings,
    queries_sha256: input.queriesSha256,
    version: input.version,
  };
}

export async function findSnapshot(db: Db, id: string): Promise<Snapshot> {
  await db.run(SNAPSHOTS_DDL);
  const rows = await db.all<{ snapshot_id: string; through_load_id: number; queries_sha256: string; version: string; settings: string; files: string }>('select * from snapshots where snapshot_id = $1', [id]);
  const row = rows[0];
  if (!row) {
    const known = (await db.all<{ snapshot_id: string }>('select snapshot_id from snapshots order by created_at desc limit 5')).map((r) => r.snapshot_id);
    throw new UsageError(`There is no snapshot "${id}" in this database; use one recorded in a pack's manifest.json${known.length ? ` (latest: ${known.join(', ')})` : ''}.`);
  }
  return {
    id: row.snapshot_id,
    through_load_id: row.through_load_id,
    files: JSON.parse(row.files) as SnapshotFile[],
    settings: JSON.parse(row.settings) as SnapshotSettings,
    queries_sha256: row.queries_sha256,
    version: row.version,
  };
}

/**
 * Makes this connection see the data as it was at the snapshot: temp views named like the
 * tables shadow them (DuckDB looks in temp first), built from the current rows and the
 * history. A snapshot of everything loaded needs nothing: the tables are the snapshot.
 */
export async function pinSnapshot(db: Db, snapshot: Snapshot): Promise<void> {
  await viewScope(db, snapshot.through_load_id, null);
}
