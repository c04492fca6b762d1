import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Db } from '../lib/db.ts';
import { ident } from '../lib/db.ts';
import { UsageError } from '../lib/errors.ts';

/**
 * The model stage: shared macros, then one view per `queries/models/<name>.sql`
 * (dbt style: the file name is the model name). Views are temporary, made afresh
 * on every build's connection, so the SQL files stay the single source of truth.
 */

export interface Models {
  names: string[];
}

export async function buildModels(db: Db, queriesDir: string): Promise<Models> {
  await db.session(readFileSync(join(queriesDir, 'macros.sql'), 'utf8'));
  const dir = join(queriesDir, 'models');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const views = files.map((file) => ({ file, sql: `create or replace temp view ${ident(basename(file, '.sql'))} as ${readFileSync(join(dir, file), 'utf8').trim().replace(/;\s*$/, '')}` }));
  try {
    // All in one round trip on each connection (a build's connections are two)...
    await db.session(views.map((v) => v.sql).join(';\n'));
  } catch {
    // ...and where that fails, one at a time, to name the file that does not run.
    for (const { file, sql } of views) {
      try {
        await db.session(sql);
      } catch (error) {
        throw new UsageError(`The model queries/models/${file} does not run (${(error as Error).message.split('\n')[0]}); fix the SQL.`);
      }
    }
  }
  return { names: files.map((f) => basename(f, '.sql')) };
}
