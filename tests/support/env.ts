import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixedClock, type Clock } from '../../pipelines/lib/clock.ts';
import { loadConfig, type Config } from '../../pipelines/lib/config.ts';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { loadContracts, type Contracts, type DatasetName } from '../../pipelines/ingest/contracts.ts';
import { ingestPaths, type FileReport } from '../../pipelines/ingest/ingestFiles.ts';
import { ensureSchema, writeReferenceTables } from '../../pipelines/ingest/schema.ts';
import { archiveSettingsOf } from '../../pipelines/archive/prepareArchive.ts';
import { silentLogger } from '../../pipelines/lib/logging.ts';

/** The pinned instant tests run at: 14 October 2025, 12:00 UTC (13:00 in London). */
export const TEST_NOW = '2025-10-14T12:00:00Z';

export interface TestEnv {
  dir: string;
  db: Db;
  config: Config;
  contracts: Contracts;
  clock: Clock;
  /** Writes a file into the env's folder and returns its path. */
  write(name: string, content: string | Buffer): string;
  /** Ingests paths (relative to the env folder or absolute) and returns the per-file reports. */
  ingest(paths: string | string[], options?: { dataset?: DatasetName; maxQuarantineShare?: number; sha256?: string }): Promise<FileReport[]>;
  /** Writes and ingests one file, returning its report. */
  ingestText(name: string, content: string | Buffer, options?: { dataset?: DatasetName; maxQuarantineShare?: number }): Promise<FileReport>;
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): void;
}

export async function createTestEnv(options: { clock?: Clock; config?: Record<string, unknown> } = {}): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'boardpack-test-'));
  if (options.config) writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify(options.config));
  const config = loadConfig({ cwd: dir });
  const contracts = loadContracts(config);
  // With the default configuration the database starts as a copy of one already set up.
  if (!options.config) {
    mkdirSync(dirname(config.db), { recursive: true });
    copyFileSync(await setUpDatabase(contracts), config.db);
  }
  const db = await createDb(config.db);
  // The database is deleted with the env's folder on close: writing it out first (DuckDB's
  // checkpoint at shutdown, tens of milliseconds a database) would be work for nothing.
  await db.run('pragma disable_checkpoint_on_shutdown');
  const clock = options.clock ?? fixedClock(TEST_NOW);
  const at = (p: string) => (p.startsWith('/') ? p : join(dir, p));
  const env: TestEnv = {
    dir,
    db,
    config,
    contracts,
    clock,
    write(name, content) {
      const path = at(name);
      writeFileSync(path, content);
      return path;
    },
    async ingest(paths, opts = {}) {
      const report = await ingestPaths((Array.isArray(paths) ? paths : [paths]).map(at), {
        db,
        contracts,
        force: config.force,
        archiveDir: config.archive,
        archive: archiveSettingsOf(config, {}),
        maxQuarantineShare: opts.maxQuarantineShare ?? config.ingest.maxQuarantineShare,
        clock,
        logger: silentLogger,
        dataset: opts.dataset,
        sha256: opts.sha256,
      });
      return report.files;
    },
    async ingestText(name, content, opts) {
      const [report] = await env.ingest(env.write(name, content), opts);
      return report!;
    },
    rows: (sql) => db.all(sql),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}

let setUp: Promise<string> | null = null;

/**
 * A database with the default configuration's tables, views and reference tables, made once per
 * worker: an ingest's set-up on an empty database (about 25 ms) is then skipped by its
 * fingerprint (pipelines/ingest/schemaState.ts) in every test env that starts from a copy.
 */
function setUpDatabase(contracts: Contracts): Promise<string> {
  setUp ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boardpack-test-schema-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'schema.duckdb');
    const db = await createDb(path);
    try {
      await ensureSchema(db, contracts);
      await db.transaction(() => writeReferenceTables(db, contracts));
    } finally {
      db.close();
    }
    return path;
  })();
  return setUp;
}

/** Joins lines with CRLF, as Excel writes CSV. */
export function csv(...lines: string[]): string {
  return lines.map((l) => `${l}\r\n`).join('');
}

/** The reconciliation identity of docs/datasets.md, which every loaded file must satisfy. */
export function reconciles(r: FileReport): boolean {
  return r.rows_read === r.rows_loaded + r.rows_quarantined + r.rows_excluded + r.rows_duplicate;
}
