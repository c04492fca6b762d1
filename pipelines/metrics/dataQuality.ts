import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Reader } from '../lib/db.ts';
import { UsageError } from '../lib/errors.ts';
import { runSql, type SqlParams } from './runSql.ts';

/**
 * Data-quality checks: SQL invariants in `queries/checks/<name>.sql`, each returning
 * the offending rows (none means it passes), with a metadata twin. They run at every
 * build and are recorded in the manifest.
 */

export interface CheckMeta {
  id: string;
  title: string;
  description: string;
  dataset: string;
  severity: 'warning' | 'error';
}

export interface CheckResult extends CheckMeta {
  status: 'pass' | 'warn' | 'fail';
  /** Offending rows found. */
  count: number;
  /** The first few offending rows, to act on. */
  examples: Record<string, unknown>[];
}

const EXAMPLES = 5;

export async function runDataQuality(db: Reader, queriesDir: string, params: SqlParams): Promise<CheckResult[]> {
  const dir = join(queriesDir, 'checks');
  const results: CheckResult[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const name = basename(file, '.sql');
    let meta: CheckMeta;
    try {
      meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as CheckMeta;
    } catch {
      throw new UsageError(`The check queries/checks/${file} has no readable metadata twin ${name}.json; add it.`);
    }
    const rows = await runSql(db, readFileSync(join(dir, file), 'utf8'), params);
    results.push({ ...meta, status: rows.length === 0 ? 'pass' : meta.severity === 'error' ? 'fail' : 'warn', count: rows.length, examples: rows.slice(0, EXAMPLES) });
  }
  return results.sort((a, b) => a.id.localeCompare(b.id));
}
