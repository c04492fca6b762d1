import { existsSync } from 'node:fs';
import { createDb } from '../lib/db.ts';
import { describeError } from '../lib/errors.ts';
import { compileSchedule } from '../schedule/slots.ts';
import { acquireLock } from '../schedule/lock.ts';
import { runRefresh, type Emit } from '../schedule/refresh.ts';
import { readRuns } from '../schedule/runs.ts';
import { createScheduler } from '../schedule/scheduler.ts';
import type { CommandContext } from './context.ts';

/** `boardpack refresh`: the nightly job once, now. Exit 1 when it failed or set a file aside. */
export async function runRefreshCommand(ctx: CommandContext): Promise<number> {
  const { exitCode } = await runRefresh(ctx, 'manual', eventPrinter(ctx));
  return exitCode;
}

/**
 * `boardpack schedule`: the nightly job on its cron schedule until SIGINT or SIGTERM (exit 0
 * once any run in progress has finished). One scheduler per database: a second is refused.
 */
export async function runScheduleCommand(ctx: CommandContext, until: AbortSignal): Promise<number> {
  const schedule = compileSchedule(ctx.config.schedule.cron, ctx.config.schedule.timezone);
  const lock = acquireLock(`${ctx.config.db}.schedule.lock`, { command: 'schedule', now: ctx.clock.now() });
  try {
    const emit = eventPrinter(ctx);
    if (lock.recovered) emit('stale_lock_recovered', { pid: lock.recovered.pid, since: lock.recovered.since });
    const scheduler = createScheduler({
      schedule,
      clock: ctx.clock,
      onEvent: emit,
      lastRunStartedAt: () => lastRunStartedAt(ctx),
      job: async (trigger) => {
        try {
          await runRefresh(ctx, trigger, emit);
        } catch (error) {
          // Refused (a manual refresh holds the lock) or the database could not be opened: recorded nowhere else.
          emit('run_refused', { trigger, error: describeError(error) });
        }
        emit('next_run', { at: scheduler.nextRun()?.toISOString() ?? null });
      },
    });
    await scheduler.start();
    emit('schedule_started', { cron: schedule.expression, timezone: schedule.timezone, next_run: scheduler.nextRun()?.toISOString() ?? null, pid: process.pid });
    await new Promise<void>((resolve) => (until.aborted ? resolve() : until.addEventListener('abort', () => resolve(), { once: true })));
    emit('schedule_stopping', {});
    await scheduler.stop();
    emit('schedule_stopped', {});
    return 0;
  } finally {
    lock.release();
  }
}

async function lastRunStartedAt(ctx: CommandContext): Promise<Date | null> {
  if (!existsSync(ctx.config.db)) return null;
  try {
    const db = await createDb(ctx.config.db);
    try {
      const [last] = await readRuns(db, 1);
      return last ? new Date(last.started_at) : null;
    } finally {
      db.close();
    }
  } catch {
    // In use: a run is going on now, so nothing was missed.
    return ctx.clock.now();
  }
}

/** Events as one JSON line each with --json, else as short lines for a person (problems on stderr). */
export function eventPrinter(ctx: CommandContext): Emit {
  return (event, fields) => {
    if (ctx.json) return ctx.out(JSON.stringify({ time: ctx.clock.now().toISOString(), event, ...fields }));
    const f = fields as Record<string, string | number | null | Record<string, number>>;
    const lines: Record<string, () => string | null> = {
      run_started: () => `Refresh ${f.run_id} started (${f.trigger}).`,
      file_loaded: () => `✓ ${f.file} (${f.dataset}): ${Number(f.rows_loaded).toLocaleString('en-GB')} rows loaded; moved to processed/.`,
      file_already_loaded: () => `= ${f.file}: already loaded (same SHA-256); moved to processed/.`,
      file_rejected: () => null,
      file_settling: () => (f.manual ? null : `… ${f.file} is still changing; left for the next run.`),
      inbox_waiting: () => `Waiting for ${(f.files as unknown as string[]).join(', ')} to finish copying in (up to ${f.max_seconds} s).`,
      pack_written: () => `Pack written: ${f.path}/index.html (snapshot ${f.snapshot})`,
      pack_current: () => `Pack ${f.pack} already shows the loaded data; kept.`,
      pdf_written: () => `PDF written: ${f.path}`,
      pdf_removed: () => String(f.notice),
      run_finished: () => `Refresh ${f.run_id} ${String(f.status).replaceAll('_', ' ')} in ${(((f.stages as Record<string, number>).total ?? 0) / 1000).toFixed(1)} s.`,
      stale_lock_recovered: () => `Took over a stale lock left by process ${f.pid} (since ${f.since}), which is no longer running.`,
      runs_interrupted: () => `${f.runs} earlier run${f.runs === 1 ? ' was' : 's were'} cut off before finishing; marked interrupted.`,
      schedule_started: () => `Scheduler started: "${f.cron}" in ${f.timezone}; next run ${f.next_run}. Stop with Ctrl-C or SIGTERM.`,
      catch_up: () => `Catching up: the run due at ${f.missed} did not happen (last run ${f.last_run}).`,
      next_run: () => `Next run ${f.at}.`,
      schedule_stopping: () => 'Stopping: waiting for any run in progress to finish.',
      schedule_stopped: () => 'Scheduler stopped.',
      notified: () => `Run record sent to: ${f.command}`,
    };
    const problems: Record<string, () => string> = {
      file_rejected: () => `${f.error} The file was set aside in the inbox's rejected/ folder.`,
      run_refused: () => `The ${f.trigger} run did not start: ${f.error}`,
      ...(f.manual ? { file_settling: () => `${f.file} was still changing after waiting; it was not loaded and is left in the inbox for the next run.` } : {}),
      run_skipped: () => `A scheduled run was skipped: ${f.reason}.`,
      notify_failed: () => `The notify command "${f.command}" failed (${f.result}); check it.`,
      run_error: () => `The run stopped unexpectedly: ${f.error}`,
    };
    if (problems[event]) ctx.err(problems[event]!());
    const line = lines[event]?.();
    if (line) ctx.out(line);
    if (event === 'run_finished' && f.error) ctx.err(String(f.error));
  };
}
