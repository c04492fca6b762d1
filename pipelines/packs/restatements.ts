import { RECORD_DATE, type DatasetName } from '../ingest/contracts.ts';
import type { Db } from '../lib/db.ts';
import { ident, storedTables } from '../lib/db.ts';
import { parsePeriod } from '../lib/periods.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { formatFigure } from './format.ts';
import type { FigureRole, Manifest, PackMetric, Restatement } from './manifest.ts';

export type { FigureRole, Restatement };

/**
 * Restatements: a figure a pack shows for a period that an earlier pack already reported
 * (the latest pack for that period) is compared with what that pack said.
 * Where late data or a changed definition moved it, the new pack shows both and why;
 * nothing is silently rewritten. Every build records its headline figures for this.
 */

const DDL = `create table if not exists published_figures (
  pack_period varchar not null,
  edition varchar not null,
  generated_at varchar not null,
  snapshot_id varchar not null,
  through_load_id integer not null,
  as_of varchar not null,
  metric_id varchar not null,
  citation_id varchar,
  value double not null,
  sql_sha256 varchar not null
)`;

/** An area's or a region's figures are restated against that place's earlier packs only (null: the force's own). */
const SCOPE_COLUMN = 'alter table published_figures add column if not exists scope varchar';

function scopeOf(manifest: Manifest): string | null {
  const scope = manifest.pack.scope;
  return scope && scope.kind !== 'force' ? scope.code : null;
}

interface Published {
  pack_period: string;
  generated_at: string;
  snapshot_id: string;
  through_load_id: number;
  as_of: string;
  metric_id: string;
  citation_id: string | null;
  value: number;
  sql_sha256: string;
}

/** Records the pack's own figures, so later packs can tell when one of them moved. */
export async function recordFigures(db: Db, manifest: Manifest): Promise<void> {
  await db.run(DDL);
  await db.run(SCOPE_COLUMN);
  const { pack, snapshot } = manifest;
  const figures = manifest.metrics.filter((x) => x.value !== null);
  if (figures.length === 0) return;
  // One statement, not one commit per figure.
  const tuples = figures.map((_, i) => `(${Array.from({ length: 11 }, (_, j) => `$${i * 11 + j + 1}`).join(', ')})`);
  await db.run(
    `insert into published_figures values ${tuples.join(', ')}`,
    figures.flatMap((m) => [pack.period, pack.edition, pack.generated_at, snapshot.id, snapshot.through_load_id, pack.as_of, m.id, m.citation_id ?? null, m.value, m.sql_sha256, scopeOf(manifest)]),
  );
}

/** Adds `restatements` to every figure of the manifest that moved since the pack for its period reported it. */
export async function findRestatements(db: Db, manifest: Manifest, keys: Record<string, string>): Promise<Manifest['metrics']> {
  await db.run(DDL);
  await db.run(SCOPE_COLUMN);
  const { pack, snapshot, comparisons } = manifest;
  const periods: Record<FigureRole, string> = { value: pack.period, previous: comparisons.previous.id, year_ago: comparisons.year_ago.id };
  // The latest headline of each figure by the pack for its period, from data no newer than ours.
  const earlier = await db.all<Published>(
    `select * from published_figures
     where edition = $1 and through_load_id <= $3 and pack_period in ($4, $5, $6) and scope is not distinct from $7
       -- Re-runs of this very pack on the same data are not "the last pack": it stays flagged until new data.
       and not (pack_period = $4 and snapshot_id = $2)
     qualify row_number() over (partition by pack_period, metric_id order by generated_at desc, through_load_id desc) = 1`,
    [pack.edition, snapshot.id, snapshot.through_load_id, periods.value, periods.previous, periods.year_ago, scopeOf(manifest)],
  );
  const byKey = new Map(earlier.map((p) => [`${p.pack_period}|${p.metric_id}`, p]));
  // Late records are counted in the stored tables, not in the views a pinned snapshot puts over them.
  const table = await storedTables(db);
  const results: Manifest['metrics'] = [];
  for (const m of manifest.metrics) {
    // A stock at the as-of date (open actions) is a different figure in a pack built on another day, not a restatement.
    if (m.at_as_of) {
      results.push(m);
      continue;
    }
    const restatements: Restatement[] = [];
    for (const role of ['value', 'previous', 'year_ago'] as const) {
      const now = m[role];
      const before = byKey.get(`${periods[role]}|${m.id}`);
      // A public figure the audit now withholds because it moved is still said to have moved.
      const withheld = pack.edition === 'public' && now === null && (m as { display?: Record<string, string> }).display?.[role] === '[c]';
      if ((now === null && !withheld) || before === undefined) continue;
      const [reportedDisplay, nowDisplay] = [formatFigure(before.value, m.unit, m.decimals), now === null ? '[c]' : formatFigure(now, m.unit, m.decimals)];
      // A change too small to show at the published precision is not a restatement.
      if (reportedDisplay === nowDisplay) continue;
      const board = pack.edition === 'board';
      restatements.push({
        figure: role,
        period: periods[role],
        label: parsePeriod(periods[role], pack.as_of).label,
        // The public edition gives no amounts: two amounts would give their difference, a handful of late records.
        reported: board ? before.value : null,
        now: board ? now : null,
        reported_display: board ? reportedDisplay : 'a different figure',
        now_display: board ? nowDisplay : withheld ? 'revised, now withheld' : 'revised',
        reported_in: { pack: `${before.pack_period}-${pack.edition}`, citation_id: before.citation_id, generated_at: before.generated_at, snapshot: before.snapshot_id },
        reasons: await reasonsFor(db, m, before, { period: periods[role], snapshot, asOf: pack.as_of, counts: pack.edition === 'board', keys, table }),
      });
    }
    results.push(restatements.length ? { ...m, restatements } : m);
  }
  return results;
}

async function reasonsFor(db: Db, m: PackMetric, before: Published, now: { period: string; snapshot: Snapshot; asOf: string; counts: boolean; keys: Record<string, string>; table: (name: string) => string }): Promise<string[]> {
  const reasons: string[] = [];
  const datasets = m.datasets ?? [];
  const later = now.snapshot.files.filter((f) => f.load_id > before.through_load_id && datasets.includes(f.dataset));
  const period = parsePeriod(now.period, now.asOf);
  for (const file of later) {
    const field = RECORD_DATE[file.dataset as DatasetName];
    const key = now.keys[file.dataset];
    // The public edition names neither export files nor counts: it says which data came late.
    const named = now.counts ? `${file.file} (${file.dataset}) loaded ${file.loaded_at.slice(0, 10)}` : `Records from the ${file.dataset.replace(/_/g, ' ')} export were added or corrected after that pack`;
    if (!field || !key) {
      reasons.push(`${named}.`);
      continue;
    }
    const n = await changedInPeriod(db, now.table, file, key, field, period);
    // A re-export that repeats what was loaded before changes nothing and explains nothing.
    if (n === 0) continue;
    // The public edition names the files but gives no counts: a handful of late records is a small number.
    const count = now.counts ? `: ${n} ${n === 1 ? 'record' : 'records'} in ${period.label} added or amended` : '';
    reasons.push(`${named}${count}.`);
  }
  if (before.sql_sha256 !== m.sql_sha256) reasons.push(now.counts ? `The definition's query (${m.sql_path}) changed since that pack.` : "The figure's definition changed since that pack.");
  if (reasons.length === 0 && before.as_of !== now.asOf) reasons.push(`That pack counted to ${before.as_of}; this one to ${now.asOf}.`);
  if (reasons.length === 0) reasons.push('The settings (targets or thresholds) changed since that pack.');
  return reasons;
}

/**
 * Records of one load that are new or differ from the version they replaced, or whose replaced
 * version it changed, dated in the period: read from the stored tables, not a pinned view.
 */
async function changedInPeriod(db: Db, table: (name: string) => string, file: Snapshot['files'][number], key: string, field: string, period: { start: string; end: string }): Promise<number> {
  const provenance = 'force, _load_id, _file_sha256, _line';
  const [{ n }] = (await db.all<{ n: number }>(
    `with new_rows as (
       select * exclude (${provenance}) from ${table(file.dataset)} where _load_id = $1
       union all
       select * exclude (${provenance}, _replaced_by_load_id) from ${table(`${file.dataset}_history`)} where _load_id = $1
     ),
     old_rows as (
       select * exclude (${provenance}, _replaced_by_load_id) from ${table(`${file.dataset}_history`)} where _replaced_by_load_id = $1
     ),
     changed as (
       (select * from new_rows except select * from old_rows)
       union all
       (select * from old_rows except select * from new_rows)
     ),
     final as (
       select count(distinct ${ident(key)})::integer as n from changed where ${ident(field)} between $2 and $3
     )
     select * from final`,
    [file.load_id, period.start, period.end],
  )) as [{ n: number }];
  return n;
}
