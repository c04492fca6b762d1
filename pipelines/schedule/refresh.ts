import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { londonDate, prepareLondonDates } from '../lib/clock.ts';
import { createDb, type Db } from '../lib/db.ts';
import type { Clock } from '../lib/clock.ts';
import { knownForces, type Config } from '../lib/config.ts';
import type { Logger } from '../lib/logging.ts';
import { describeError, WorkError } from '../lib/errors.ts';
import { keepRunError, recordKeptRunErrors } from './runErrors.ts';
import { reconcileLatest } from '../packs/latestPointer.ts';
import type { MetricRun } from '../metrics/runMetrics.ts';
import { loadContracts } from '../ingest/contracts.ts';
import { describeStale, readFreshness } from '../ingest/freshness.ts';
import { tmpdir } from 'node:os';
import { archiveSettingsOf, maintainArchive } from '../archive/prepareArchive.ts';
import type { IngestProgress } from '../ingest/ingestFiles.ts';
import { hasLedger } from '../ingest/status.ts';
import { hasPdf, keepPackPdf } from '../packs/packPdf.ts';
import { sharedPrinter } from '../packs/printPdf.ts';
import { updateLatest } from '../packs/writePack.ts';
import { buildPack, packIsCurrent, snapshotNow } from '../packs/buildPack.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { listInbox, removeLeftovers, setAside } from './inbox.ts';
import { ingestInbox } from './ingestInbox.ts';
import { plannedPacks } from './plannedPacks.ts';
import { manualWaitMs, realSleep, waitForSettled } from './settle.ts';
import { acquireLock, processIsRunning } from './lock.ts';
import { ensureRunsTable, finishRun, markInterrupted, readRunsFrom, startRun, type RunFile, type RunRecord, type RunStatus, type RunTrigger } from './runs.ts';

/**
 * The nightly job: take the run lock, ingest what is new in the inbox (setting each file
 * aside), build the configured packs (each written to a temp folder and renamed into place),
 * move the `latest` pointer, and record the run. A failed run records its error and leaves
 * the packs of earlier runs as they were.
 */

export type Emit = (event: string, fields: Record<string, unknown>) => void;

export interface RefreshOutcome {
  record: RunRecord;
  exitCode: number;
}

export function runLockPath(dbPath: string): string {
  return `${dbPath}.refresh.lock`;
}

/** What a refresh needs from outside, passed in (the command line's context satisfies it). */
export interface RefreshContext {
  config: Config;
  cwd: string;
  clock: Clock;
  logger: Logger;
  progress?: (p: IngestProgress) => void;
  /** How the manual refresh waits for files still being copied in (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export async function runRefresh(ctx: RefreshContext, trigger: RunTrigger, emit: Emit): Promise<RefreshOutcome> {
  const lock = acquireLock(runLockPath(ctx.config.db), { command: 'refresh', now: ctx.clock.now() });
  try {
    if (lock.recovered) emit('stale_lock_recovered', { pid: lock.recovered.pid, since: lock.recovered.since });
    removeLeftovers(ctx.config.archive, ctx.config.out, processIsRunning);
    if (reconcileLatest(ctx.config.out)) emit('latest_reconciled', { latest: 'moved to the packs latest.json lists' });
    const db = await createDb(ctx.config.db, ctx.config.duckdb, prepareLondonDates);
    try {
      await ensureRunsTable(db);
      await recordKeptRunErrors(db, ctx.config.db, ctx.clock.now());
      const interrupted = await markInterrupted(db, ctx.clock.now());
      if (interrupted) emit('runs_interrupted', { runs: interrupted });
      const previous = (await readRunsFrom(db, 1))[0] ?? null;
      const runId = await startRun(db, trigger, ctx.clock.now());
      emit('run_started', { run_id: runId, trigger });
      const outcome = await refreshOnce(db, ctx, runId, previous, emit, trigger);
      try {
        await finishRun(db, runId, { ...outcome, now: ctx.clock.now() });
      } catch (error) {
        // A full disk: the run's own error, if it had one, is the one to keep.
        keepRunError(ctx.config.db, runId, outcome.error ?? describeError(error));
        throw error;
      }
      const [record] = (await readRunsFrom(db, 1)) as [RunRecord];
      emit('run_finished', { run_id: runId, status: record.status, error: record.error, stages: record.stages });
      await notify(ctx, record, emit);
      return { record, exitCode: record.status === 'succeeded' ? 0 : 1 };
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
}

interface Outcome {
  status: RunStatus;
  files: RunFile[];
  packs: string[];
  error: string | null;
  stages: Record<string, number>;
}

async function refreshOnce(db: Db, ctx: RefreshContext, runId: number, previous: RunRecord | null, emit: Emit, trigger: RunTrigger): Promise<Outcome> {
  const { config } = ctx;
  const outcome: Outcome = { status: 'succeeded', files: [], packs: [], error: null, stages: {} };
  let mark = performance.now();
  const stage = (name: string) => {
    outcome.stages[name] = Math.round(performance.now() - mark);
    mark = performance.now();
  };
  try {
    const list = () => listInbox(config.inbox, ctx.clock.now(), config.inboxSettleSeconds, knownForces(config));
    // Someone running refresh by hand has just put files in: wait for them rather than skip them.
    const inbox =
      trigger === 'manual'
        ? await waitForSettled({
            list,
            settleSeconds: config.inboxSettleSeconds,
            maxWaitMs: manualWaitMs(config.inboxSettleSeconds),
            sleep: ctx.sleep ?? realSleep,
            onWait: (files, ms) => emit('inbox_waiting', { files: files.map((f) => basename(f)), max_seconds: ms / 1000 }),
          })
        : list();
    for (const file of inbox.settling) emit('file_settling', { file: basename(file), manual: trigger === 'manual' });
    for (const { path, error } of inbox.refused) {
      setAside(path, config.inbox, 'rejected', error);
      outcome.files.push({ file: basename(path), dataset: null, status: 'rejected', rows_loaded: 0, error });
      emit('file_rejected', { file: basename(path), error });
    }
    for (const file of inbox.unsupported) {
      setAside(file.path, config.inbox, 'rejected', file.reason);
      outcome.files.push({ file: basename(file.path), dataset: null, status: 'rejected', rows_loaded: 0, error: file.reason });
      emit('file_rejected', { file: basename(file.path), dataset: null, rows_loaded: 0, error: file.reason });
    }
    if (inbox.ready.length) {
      const files = await ingestInbox(db, inbox.ready, inbox.delivered ?? {}, ctx);
      for (const f of files) {
        setAside(f.path, config.inbox, f.status === 'rejected' ? 'rejected' : 'processed', f.error);
        outcome.files.push({ file: f.file, dataset: f.dataset, status: f.status, rows_loaded: f.rows_loaded, ...(f.error ? { error: f.error } : {}) });
        emit(`file_${f.status}`, { file: f.file, dataset: f.dataset, rows_loaded: f.rows_loaded, ...(f.error ? { error: f.error } : {}) });
      }
    } else await maintainArchive({ db, contracts: loadContracts(config), archiveDir: config.archive, archive: archiveSettingsOf(config), clock: ctx.clock, logger: ctx.logger }, tmpdir());
    stage('ingest');
    if (!(await hasLedger(db)) || (await db.all('select 1 from ingested_files limit 1')).length === 0) {
      throw new WorkError(`Nothing is loaded yet and the inbox ${config.inbox} holds no exports ready to load; put the exports there and run again.`);
    }
    const asOf = londonDate(ctx.clock.now());
    const banners = await bannersFor(db, previous, asOf, config.dataQuality.maxAgeDays);
    const loadedNew = outcome.files.some((f) => f.status === 'loaded');
    // Each pack's figures are measured once for both its editions (composePack.ts).
    const measured = new Map<string, MetricRun>();
    // What is loaded now, taken once for every pack checked: the same files, settings and queries for all of them.
    let loadedNow: Promise<Snapshot> | null = null;
    const snapshot = () => (loadedNow ??= snapshotNow(db, ctx, false).then((taken) => taken.snapshot));
    // Force-level packs first, then the region's, then one per area (plannedPacks.ts says why).
    // One Chromium for every configured PDF of the run, started only if one is printed.
    const printer = sharedPrinter();
    try {
      for (const planned of plannedPacks(config, asOf)) {
        const options = { pack: planned.pack, period: planned.period, asOf, edition: planned.edition, out: config.out, banners, measured, ...(planned.area !== undefined ? { area: planned.area } : {}) };
        const name = planned.folder;
        const hadPdf = hasPdf(join(config.out, name));
        // Nothing new, and the pack already shows this snapshot on this date with these notices: keep it.
        const current = !loadedNew && (await packIsCurrent(db, options, ctx, snapshot));
        if (current) {
          outcome.packs.push(join(config.out, name));
          emit('pack_current', { pack: name });
        } else {
          const built = await buildPack(db, options, ctx);
          outcome.packs.push(built.path);
          emit('pack_written', { pack: name, path: built.path, snapshot: built.snapshot });
        }
        const pdf = await keepPackPdf(join(config.out, name), name, { configured: planned.pdf, hadPdf, rebuilt: !current }, printer.print);
        if (pdf) emit(pdf.event, pdf.fields);
        stage(`build ${name}`);
      }
    } finally {
      await printer.close();
    }
    updateLatest(config.out, outcome.packs, { run_id: runId, finished_at: ctx.clock.now().toISOString() });
    if (outcome.files.some((f) => f.status === 'rejected')) outcome.status = 'succeeded_with_rejections';
  } catch (error) {
    outcome.status = 'failed';
    outcome.error = describeError(error);
  }
  outcome.stages.total = Object.values(outcome.stages).reduce((a, b) => a + b, 0);
  return outcome;
}

/** The cover notices of a nightly pack: data past its allowed age, and a last run that did not finish well. */
async function bannersFor(db: Db, previous: RunRecord | null, asOf: string, maxAgeDays: number): Promise<string[]> {
  const banners = describeStale(await readFreshness(db, asOf, maxAgeDays), maxAgeDays);
  if (previous && (previous.status === 'failed' || previous.status === 'interrupted')) {
    banners.unshift(`The last refresh, started ${previous.started_at.slice(0, 16).replace('T', ' ')} UTC, ${previous.status === 'failed' ? 'failed' : 'was interrupted'}: ${previous.error ?? 'no reason recorded'}`);
  }
  return banners;
}

/** Sends the run record, as JSON on stdin, to the configured command; its failure is reported, not fatal. */
async function notify(ctx: RefreshContext, record: RunRecord, emit: Emit): Promise<void> {
  const { command, on } = ctx.config.notify;
  if (!command || (on === 'failure' && record.status === 'succeeded')) return;
  const code = await new Promise<number | string>((resolve) => {
    // Run where the configuration lives, so relative paths in the command read as they do in the file.
    const cwd = ctx.config.configPath ? dirname(ctx.config.configPath) : ctx.cwd;
    const child = spawn('/bin/sh', ['-c', command], { cwd, stdio: ['pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.on('error', (error) => resolve(error.message));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve(status ?? 'killed');
    });
    child.stdin.on('error', () => {});
    child.stdin.end(`${JSON.stringify(record)}\n`);
  });
  if (code === 0) emit('notified', { command });
  else emit('notify_failed', { command, result: code });
}
