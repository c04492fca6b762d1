import { createHash } from 'node:crypto';
import type { Db } from '../lib/db.ts';

/**
 * Set-up that every ingest runs (the tables and views, the reference tables), skipped where the
 * database already has exactly it: the SQL that would run is fingerprinted, and the fingerprint
 * of what last ran is kept in `schema_state`. About 40 ms of every ingest, a refresh with nothing
 * new included; a changed contract or reference list changes the SQL, so it runs again.
 */

const STATE_DDL = 'create table if not exists schema_state (part varchar primary key, fingerprint varchar not null)';

/** Runs `apply` unless `part` was last set up from the same `sql`; records it when it runs. */
export async function unlessCurrent(db: Db, part: string, sql: string, apply: () => Promise<void>): Promise<void> {
  const fingerprint = createHash('sha256').update(sql).digest('hex');
  await db.run(STATE_DDL);
  const [row] = await db.all<{ fingerprint: string }>('select fingerprint from schema_state where part = $1', [part]);
  if (row?.fingerprint === fingerprint) return;
  await apply();
  await db.run('insert or replace into schema_state values ($1, $2)', [part, fingerprint]);
}
