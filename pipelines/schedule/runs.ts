import type { Db } from '../lib/db.ts';

/**
 * Run history: one row per refresh, written when it starts (so a run killed midway is still
 * on record) and completed when it ends, with per-stage durations.
 */

export type RunStatus = 'running' | 'succeeded' | 'succeeded_with_rejections' | 'failed' | 'interrupted';
export type RunTrigger = 'manual' | 'schedule' | 'catch-up';

export interface RunFile {
  file: string;
  dataset: string | null;
  status: string;
  rows_loaded: number;
  error?: string;
}

export interface RunRecord {
  run_id: number;
  trigger: RunTrigger;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  files: RunFile[];
  packs: string[];
  error: string | null;
  stages: Record<string, number>;
}

const DDL = `
create sequence if not exists run_id_seq start 1;
create table if not exists runs (
  run_id integer primary key,
  trigger varchar not null,
  started_at timestamp not null,
  finished_at timestamp,
  status varchar not null,
  files varchar not null,
  packs varchar not null,
  error varchar,
  stages varchar not null
);`;

const stamp = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

export async function ensureRunsTable(db: Db): Promise<void> {
  await db.run(DDL);
}

/** Runs still "running" when no process holds the lock were cut off: say so. */
export async function markInterrupted(db: Db, now: Date): Promise<number> {
  const rows = await db.all<{ run_id: number }>(
    `update runs set status = 'interrupted', finished_at = $1,
       error = 'The run stopped before it finished (the process was killed or the machine stopped); nothing it had not committed was kept.'
     where status = 'running' returning run_id`,
    [stamp(now)],
  );
  return rows.length;
}

export async function startRun(db: Db, trigger: RunTrigger, now: Date): Promise<number> {
  const [{ run_id }] = (await db.all<{ run_id: number }>(`insert into runs values (nextval('run_id_seq'), $1, $2, null, 'running', '[]', '[]', null, '{}') returning run_id`, [trigger, stamp(now)])) as [{ run_id: number }];
  return run_id;
}

export async function finishRun(db: Db, runId: number, outcome: { status: RunStatus; files: RunFile[]; packs: string[]; error: string | null; stages: Record<string, number>; now: Date }): Promise<void> {
  await db.run('update runs set finished_at = $2, status = $3, files = $4, packs = $5, error = $6, stages = $7 where run_id = $1', [
    runId,
    stamp(outcome.now),
    outcome.status,
    JSON.stringify(outcome.files),
    JSON.stringify(outcome.packs),
    outcome.error,
    JSON.stringify(outcome.stages),
  ]);
}

/** The newest runs, newest first; none where no run was ever recorded (no runs table). */
export async function readRuns(db: Db, limit = 10): Promise<RunRecord[]> {
  const exists = await db.all(`select 1 from duckdb_tables() where table_name = 'runs'`);
  if (exists.length === 0) return [];
  return readRunsFrom(db, limit);
}

/** The newest runs, where the runs table is known to exist (a refresh made it: ensureRunsTable). */
export async function readRunsFrom(db: Db, limit = 10): Promise<RunRecord[]> {
  const rows = await db.all<Record<string, unknown>>(
    `select run_id, trigger, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') as started_at, strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') as finished_at,
       status, files, packs, error, stages
     from runs order by run_id desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    ...(r as unknown as RunRecord),
    files: JSON.parse(r.files as string) as RunFile[],
    packs: JSON.parse(r.packs as string) as string[],
    stages: JSON.parse(r.stages as string) as Record<string, number>,
  }));
}
