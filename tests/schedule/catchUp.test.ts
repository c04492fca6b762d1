import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../pipelines/lib/clock.ts';
import type { RunTrigger } from '../../pipelines/schedule/runs.ts';
import { createScheduler } from '../../pipelines/schedule/scheduler.ts';
import { compileSchedule } from '../../pipelines/schedule/slots.ts';

// Catch-up at start for schedules with long gaps: the look-back is as long as the schedule needs.

async function startAt(now: string, expression: string, lastRun: string) {
  vi.useFakeTimers({ now: new Date(now) });
  const runs: RunTrigger[] = [];
  const caughtUp: Record<string, unknown>[] = [];
  const scheduler = createScheduler({
    schedule: compileSchedule(expression, 'Europe/London'),
    clock: systemClock,
    lastRunStartedAt: async () => new Date(lastRun),
    onEvent: (event, fields) => event === 'catch_up' && caughtUp.push(fields),
    job: async (trigger) => void runs.push(trigger),
  });
  await scheduler.start();
  await vi.advanceTimersByTimeAsync(1_000);
  const next = scheduler.nextRun()?.toISOString();
  await scheduler.stop();
  return { runs, caughtUp, next };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('catching up a yearly job', () => {
  it('runs at start a yearly job whose slot was missed 11 months earlier', async () => {
    // 01:30 on 29 March each year; ran in 2026, the machine was off on 29 March 2027 (01:30 BST = 00:30 UTC).
    const { runs, caughtUp, next } = await startAt('2028-02-29T09:00:00Z', '30 1 29 3 *', '2026-03-29T00:30:00Z');
    expect(runs).toEqual(['catch-up']);
    expect(caughtUp).toEqual([{ missed: '2027-03-29T00:30:00.000Z', last_run: '2026-03-29T00:30:00.000Z' }]);
    expect(next).toBe('2028-03-29T00:30:00.000Z');
  });

  it('still finds it the day before the next slot, 365 days on', async () => {
    const { runs, caughtUp } = await startAt('2028-03-28T12:00:00Z', '30 1 29 3 *', '2026-03-29T00:30:00Z');
    expect(runs).toEqual(['catch-up']);
    expect(caughtUp[0]?.missed).toBe('2027-03-29T00:30:00.000Z');
  });

  it('does not run when the yearly slot was kept', async () => {
    const { runs } = await startAt('2028-02-29T09:00:00Z', '30 1 29 3 *', '2027-03-29T00:30:02Z');
    expect(runs).toEqual([]);
  });
});
