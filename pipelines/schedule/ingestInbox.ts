import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Clock } from '../lib/clock.ts';
import { knownForces, type Config } from '../lib/config.ts';
import { checkpoint, type Db } from '../lib/db.ts';
import type { Logger } from '../lib/logging.ts';
import { archiveSettingsOf } from '../archive/prepareArchive.ts';
import { loadContracts } from '../ingest/contracts.ts';
import { ingestPaths, type FileReport, type IngestProgress } from '../ingest/ingestFiles.ts';
import { preloadCharts } from '../charts/compileChart.ts';
import { preloadExports } from '../packs/exportTables.ts';

/**
 * The refresh's ingest of the exports ready in the inbox: each force's sub-folder for that
 * force, the top level for the configured one. Two things go on beside it, keyed to the largest
 * export: while DuckDB checks it (this thread only waits) the libraries that draw and write the
 * packs load, and once it is loaded it is checkpointed into the database file on the second
 * connection, while the files after it are checked, instead of in the build, where that
 * checkpoint was the last thing waited for (docs/performance.md, issue 17's seventh pass).
 */

export interface InboxContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  progress?: (p: IngestProgress) => void;
}

export async function ingestInbox(db: Db, ready: string[], delivered: Record<string, string>, ctx: InboxContext): Promise<FileReport[]> {
  const { config } = ctx;
  const largest = largestOf(ready);
  const warmUp = whenChecking(largest, () => {
    preloadCharts();
    preloadExports();
  });
  let early = null as Promise<void> | null;
  const checkpointEarly = whenLoaded(largest, () => {
    early = checkpointBeside(db, largest!, ctx.logger);
  });
  const files: FileReport[] = [];
  try {
    for (const [force, paths] of byDelivery(ready, delivered)) {
      const report = await ingestPaths(paths, {
        db,
        contracts: loadContracts(config),
        force: force ?? config.force,
        forceFrom: force === null ? 'config' : 'inbox',
        knownForces: knownForces(config),
        archiveDir: config.archive,
        archive: archiveSettingsOf(config),
        maxQuarantineShare: config.ingest.maxQuarantineShare,
        clock: ctx.clock,
        logger: ctx.logger,
        onProgress: (progress) => {
          warmUp(progress);
          checkpointEarly(progress);
          ctx.progress?.(progress);
        },
      });
      files.push(...report.files);
    }
  } finally {
    // On every path: the database is closed after this, and the checkpoint must have finished first.
    await early?.catch(() => undefined);
  }
  await early;
  return files;
}

/** The name of the largest file (the one whose check takes longest). */
function largestOf(paths: string[]): string | null {
  let largest: { name: string; bytes: number } | null = null;
  for (const path of paths) {
    const bytes = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    if (!largest || bytes > largest.bytes) largest = { name: basename(path), bytes };
  }
  return largest?.name ?? null;
}

/**
 * A checkpoint on the database's second connection, beside the ingest's next files on the first
 * (their commits wait for it); logged at debug with whether DuckDB wrote it. DuckDB refuses while
 * another transaction changes rows: the build's checkpoint (buildPack.ts) or the close writes it.
 * Handled from the start, so a failure is thrown where the caller awaits it, never "unhandled".
 */
function checkpointBeside(db: Db, after: string, logger: Logger): Promise<void> {
  const started = performance.now();
  const running = db
    .reader()
    .then(checkpoint)
    .then((written) => logger.log('debug', 'checkpoint', { after, written, ms: Math.round(performance.now() - started) }));
  running.catch(() => undefined);
  return running;
}

/** Calls `start` once, when the named file's normalised copy is ready and DuckDB starts checking it. */
function whenChecking(file: string | null, start: () => void): (progress: IngestProgress) => void {
  return once(file, 'normalize done', start);
}

/** Calls `start` once, when the named file is loaded (its transaction committed). */
function whenLoaded(file: string | null, start: () => void): (progress: IngestProgress) => void {
  return once(file, 'loaded', start);
}

function once(file: string | null, stage: string, start: () => void): (progress: IngestProgress) => void {
  let started = false;
  return (progress) => {
    if (started || progress.file !== file || progress.stage !== stage) return;
    started = true;
    start();
  };
}

/** Ready files grouped by the force they were delivered for (null: the inbox's top level). */
function byDelivery(ready: string[], delivered: Record<string, string>): Map<string | null, string[]> {
  const groups = new Map<string | null, string[]>();
  for (const path of ready) {
    const force = delivered[path] ?? null;
    groups.set(force, [...(groups.get(force) ?? []), path]);
  }
  return groups;
}
