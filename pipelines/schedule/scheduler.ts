import type { Clock } from '../lib/clock.ts';
import type { RunTrigger } from './runs.ts';
import type { Schedule } from './slots.ts';

/**
 * The nightly job's timer: one timeout to the next slot (chunked, as timers cannot wait more
 * than 24.8 days), never two runs at once (a slot that comes round while a run is still going
 * is skipped and reported), a catch-up run at start when a slot passed with no run since (the
 * machine was off), and a stop that waits for a run in progress to finish.
 */

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SchedulerOptions {
  schedule: Schedule;
  clock: Clock;
  timers?: Timers;
  /** The job; its failures are its own business (it records them), so they never stop the schedule. */
  job(trigger: RunTrigger): Promise<void>;
  /** When the last run started, or null when there has never been one. */
  lastRunStartedAt(): Promise<Date | null>;
  onEvent?(event: string, fields: Record<string, unknown>): void;
}

export interface Scheduler {
  start(): Promise<void>;
  /** Stops the timer and resolves once any run in progress has finished. */
  stop(): Promise<void>;
  nextRun(): Date | null;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const timers = options.timers ?? (globalThis as unknown as Timers);
  const emit = options.onEvent ?? (() => {});
  let handle: unknown = null;
  let next: Date | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const run = (trigger: RunTrigger): Promise<void> => {
    if (running) {
      emit('run_skipped', { trigger, reason: 'the previous run is still going' });
      return running;
    }
    running = options
      .job(trigger)
      .catch((error: unknown) => emit('run_error', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        running = null;
      });
    return running;
  };

  const arm = () => {
    if (stopped) return;
    next = options.schedule.nextAfter(options.clock.now());
    wait();
  };

  const wait = () => {
    if (stopped || next === null) return;
    const delay = next.getTime() - options.clock.now().getTime();
    handle = timers.setTimeout(
      () => {
        if (stopped || next === null) return;
        if (options.clock.now().getTime() < next.getTime()) return wait();
        const slot = next;
        emit('slot', { at: slot.toISOString() });
        void run('schedule');
        arm();
      },
      Math.max(0, Math.min(delay, MAX_TIMEOUT)),
    );
  };

  return {
    async start() {
      const now = options.clock.now();
      const last = await options.lastRunStartedAt();
      const missed = options.schedule.previousAtOrBefore(now);
      // Only a schedule that has run before can have missed a run.
      if (last !== null && missed !== null && last.getTime() < missed.getTime()) {
        emit('catch_up', { missed: missed.toISOString(), last_run: last.toISOString() });
        void run('catch-up');
      }
      arm();
    },
    async stop() {
      stopped = true;
      if (handle !== null) timers.clearTimeout(handle);
      next = null;
      if (running) await running;
    },
    nextRun: () => next,
  };
}
