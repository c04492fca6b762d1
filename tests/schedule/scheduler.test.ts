import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../pipelines/lib/clock.ts';
import type { RunTrigger } from '../../pipelines/schedule/runs.ts';
import { createScheduler } from '../../pipelines/schedule/scheduler.ts';
import { compileSchedule } from '../../pipelines/schedule/slots.ts';

// The scheduler under fake timers: Date and setTimeout are vitest's, so days pass in milliseconds.

const londonDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);

function harness(expression: string, options: { lastRun?: string | null; jobMs?: number } = {}) {
  const runs: { at: string; trigger: RunTrigger }[] = [];
  const events: string[] = [];
  const scheduler = createScheduler({
    schedule: compileSchedule(expression, 'Europe/London'),
    clock: systemClock,
    lastRunStartedAt: async () => (options.lastRun ? new Date(options.lastRun) : null),
    onEvent: (event) => events.push(event),
    job: async (trigger) => {
      runs.push({ at: new Date().toISOString(), trigger });
      if (options.jobMs) await new Promise((resolve) => setTimeout(resolve, options.jobMs));
    },
  });
  return { scheduler, runs, events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the schedule under fake timers, Europe/London', () => {
  it('runs a 01:30 daily job exactly once on the last Sunday of March (clocks forward)', async () => {
    vi.useFakeTimers({ now: new Date('2027-03-26T12:00:00Z') });
    const { scheduler, runs } = harness('30 1 * * *', { lastRun: '2027-03-26T01:30:00Z' });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(4 * 86_400_000);
    await scheduler.stop();
    expect(runs.map((r) => [londonDay(new Date(r.at)), r.at])).toEqual([
      ['2027-03-27', '2027-03-27T01:30:00.000Z'],
      ['2027-03-28', '2027-03-28T01:00:00.000Z'],
      ['2027-03-29', '2027-03-29T00:30:00.000Z'],
      ['2027-03-30', '2027-03-30T00:30:00.000Z'],
    ]);
  });

  it('runs a 01:30 daily job exactly once on the last Sunday of October (clocks back)', async () => {
    vi.useFakeTimers({ now: new Date('2027-10-29T12:00:00Z') });
    const { scheduler, runs } = harness('30 1 * * *', { lastRun: '2027-10-29T00:30:00Z' });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(4 * 86_400_000);
    await scheduler.stop();
    expect(runs.map((r) => [londonDay(new Date(r.at)), r.at])).toEqual([
      ['2027-10-30', '2027-10-30T00:30:00.000Z'],
      ['2027-10-31', '2027-10-31T00:30:00.000Z'],
      ['2027-11-01', '2027-11-01T01:30:00.000Z'],
      ['2027-11-02', '2027-11-02T01:30:00.000Z'],
    ]);
    expect(runs.every((r) => r.trigger === 'schedule')).toBe(true);
  });

  it('catches up at start a run missed while the machine was off, then keeps the schedule', async () => {
    vi.useFakeTimers({ now: new Date('2027-06-10T08:00:00Z') });
    // Last run two nights ago: the 02:30 BST (01:30 UTC) runs of 9 and 10 June were missed.
    const { scheduler, runs, events } = harness('30 2 * * *', { lastRun: '2027-06-08T01:30:00Z' });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(86_400_000);
    await scheduler.stop();
    expect(runs).toEqual([
      { at: '2027-06-10T08:00:00.000Z', trigger: 'catch-up' },
      { at: '2027-06-11T01:30:00.000Z', trigger: 'schedule' },
    ]);
    expect(events).toContain('catch_up');
  });

  it('does not catch up when the last run is after the last slot, or when nothing has ever run', async () => {
    vi.useFakeTimers({ now: new Date('2027-06-10T08:00:00Z') });
    const recent = harness('30 2 * * *', { lastRun: '2027-06-10T01:30:05Z' });
    await recent.scheduler.start();
    const never = harness('30 2 * * *', { lastRun: null });
    await never.scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(recent.runs).toEqual([]);
    expect(never.runs).toEqual([]);
    expect(recent.scheduler.nextRun()?.toISOString()).toBe('2027-06-11T01:30:00.000Z');
    await recent.scheduler.stop();
    await never.scheduler.stop();
  });

  it('never runs two at once: a slot that comes while a run is going is skipped (noOverlap)', async () => {
    vi.useFakeTimers({ now: new Date('2027-06-10T08:00:00Z') });
    // Every 10 seconds, a job of 25 seconds: runs at 10 s and 40 s; 20 s and 30 s are skipped.
    const { scheduler, runs, events } = harness('*/10 * * * * *', { lastRun: '2027-06-10T08:00:00Z', jobMs: 25_000 });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(45_000);
    const stopping = scheduler.stop();
    await vi.advanceTimersByTimeAsync(25_000);
    await stopping;
    expect(runs.map((r) => r.at)).toEqual(['2027-06-10T08:00:10.000Z', '2027-06-10T08:00:40.000Z']);
    expect(events.filter((e) => e === 'run_skipped')).toHaveLength(2);
  });

  it('stops without running again, after the run in progress has finished', async () => {
    vi.useFakeTimers({ now: new Date('2027-06-10T08:00:00Z') });
    const { scheduler, runs } = harness('*/10 * * * * *', { lastRun: '2027-06-10T08:00:00Z', jobMs: 5_000 });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(12_000);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false); // the 08:00:10 run ends at 08:00:15
    await vi.advanceTimersByTimeAsync(2_000);
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(1);
    expect(scheduler.nextRun()).toBeNull();
  });
});
