import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reader } from '../lib/db.ts';
import { addDays } from '../lib/periods.ts';
import { round, type MetricRun } from '../metrics/runMetrics.ts';
import { runSql } from '../metrics/runSql.ts';

/**
 * The action log (issue 13): which actions are open, which are overdue and by how long,
 * and which were completed since the previous pack, from `queries/lists/action_log.sql`;
 * and the earlier values of open and overdue actions (ACT-01, ACT-02) from the tracker's
 * history, `queries/lists/actions_at.sql`. Descriptions and owner roles are free text
 * from the export: they are carried as data and escaped by the templates, never read as
 * HTML or Markdown.
 */

export interface ActionRow {
  reference: string;
  source: string;
  description: string;
  /** Left out of the public edition. */
  owner_role?: string;
  raised_on: string;
  due_on: string | null;
  completed_on: string | null;
  status: string;
  days_overdue: number | null;
  rag: 'Green' | 'Amber' | 'Red';
}

/** Sources the public edition lists by default: published HMICFRS findings and the force strategy, never the board's own actions. */
export const DEFAULT_PUBLIC_SOURCES = ['HMICFRS recommendation', 'HMICFRS area for improvement', 'Strategy commitment'];

/**
 * The log at the as-of date. "Since the previous pack" is since the first day of this
 * pack's period: the previous pack covered the period before it.
 */
export async function readActionLog(db: Reader, queriesDir: string, options: { asOf: string; since: string }): Promise<ActionRow[]> {
  const sql = readFileSync(join(queriesDir, 'lists', 'action_log.sql'), 'utf8');
  const rows = await runSql(db, sql, { as_of: options.asOf, since: options.since });
  return rows.map((r) => ({
    reference: String(r.reference),
    source: String(r.source),
    description: String(r.description),
    owner_role: String(r.owner_role),
    raised_on: String(r.raised_on),
    due_on: r.due_on === null ? null : String(r.due_on),
    completed_on: r.completed_on === null ? null : String(r.completed_on),
    status: String(r.status),
    days_overdue: r.days_overdue === null ? null : Number(r.days_overdue),
    rag: r.rag as ActionRow['rag'],
  }));
}

/** The public edition's log: only the configured sources, and no owners. */
export function publicActionLog(rows: ActionRow[], publicSources: string[]): ActionRow[] {
  const allowed = new Set(publicSources.map((s) => s.toLowerCase()));
  return rows.filter((r) => allowed.has(r.source.toLowerCase())).map(({ owner_role: _owner, ...rest }) => rest);
}

/**
 * Fills ACT-01's and ACT-02's previous and year-ago values (and their changes) with the
 * counts at the end of those periods. The metrics stage leaves stocks measured at the
 * as-of date without earlier values; the tracker's history has them.
 */
export async function addActionHistory(db: Reader, run: MetricRun, queriesDir: string): Promise<void> {
  const sql = readFileSync(join(queriesDir, 'lists', 'actions_at.sql'), 'utf8');
  const at = async (date: string) => (await runSql(db, sql, { as_of: date }))[0] ?? {};
  // A comparison period that ends after the as-of date is measured at the as-of date instead.
  const previous = await at(minDate(run.previous.end, run.asOf));
  const yearAgo = await at(minDate(run.yearAgo.end, addDays(run.asOf, -365)));
  for (const [id, column] of [
    ['ACT-01', 'open_actions'],
    ['ACT-02', 'overdue_actions'],
  ] as const) {
    const m = run.results.find((r) => r.id === id);
    if (!m) continue;
    m.previous = numberOrNull(previous[column]);
    m.year_ago = numberOrNull(yearAgo[column]);
    m.change = m.value === null || m.previous === null ? null : m.value - m.previous;
    m.change_pct = pct(m.value, m.previous);
    m.year_change = m.value === null || m.year_ago === null ? null : m.value - m.year_ago;
    m.year_change_pct = pct(m.value, m.year_ago);
  }
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function pct(value: number | null, base: number | null): number | null {
  if (value === null || base === null || base === 0) return null;
  return round(((value - base) / Math.abs(base)) * 100, 1);
}
