import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../lib/db.ts';
import { WorkError } from '../lib/errors.ts';
import { archiveCommentary, parseCommentary, readCommentary, type Commentary } from './commentary.ts';

/**
 * Commentary in the snapshot (issue 13): each build records which commentary file (by
 * SHA-256) it showed for its snapshot and period, and `build --snapshot ID` shows that
 * commentary again, from the archived copy, whatever the file says now. The snapshot's
 * ID is unchanged: commentary decides no figure.
 */

const TABLE = `create table if not exists snapshot_commentary (
  snapshot_id varchar not null, period varchar not null, file varchar not null, sha256 varchar not null,
  primary key (snapshot_id, period))`;

/** The commentary for a new build: the period's file now, archived and recorded against the snapshot. */
export async function commentaryForBuild(db: Db, options: { snapshotId: string; periodId: string; commentaryDir: string; archiveDir: string }): Promise<Commentary | null> {
  const commentary = readCommentary(options.commentaryDir, options.periodId);
  await db.run(TABLE);
  await db.run('delete from snapshot_commentary where snapshot_id = $1 and period = $2', [options.snapshotId, options.periodId]);
  if (!commentary) return null;
  archiveCommentary(options.archiveDir, options.commentaryDir, commentary);
  await db.run('insert into snapshot_commentary values ($1, $2, $3, $4)', [options.snapshotId, options.periodId, commentary.file, commentary.sha256]);
  return commentary;
}

/** The commentary an earlier snapshot's pack showed, from the archive; null when it showed none. */
export async function commentaryForRebuild(db: Db, options: { snapshotId: string; periodId: string; archiveDir: string }): Promise<Commentary | null> {
  await db.run(TABLE);
  const [row] = await db.all<{ file: string; sha256: string }>('select file, sha256 from snapshot_commentary where snapshot_id = $1 and period = $2', [options.snapshotId, options.periodId]);
  if (!row) return null;
  const path = join(options.archiveDir, 'commentary', `${row.sha256}.md`);
  if (!existsSync(path)) throw new WorkError(`The archived commentary ${row.file} (${row.sha256.slice(0, 16)}) of snapshot ${options.snapshotId} is missing from ${join(options.archiveDir, 'commentary')}; restore the archive from backup.`);
  return { file: row.file, sha256: row.sha256, blocks: parseCommentary(readFileSync(path, 'utf8'), row.file) };
}
