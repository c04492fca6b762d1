import type { Db } from '../lib/db.ts';
import { ident } from '../lib/db.ts';
import { DATASETS, RECORD_DATE } from './contracts.ts';

/**
 * How fresh each dataset is at a date: its newest record (event datasets only) and the last
 * export loaded for it, each against the allowed age. The nightly job puts the stale ones on
 * the pack's cover and `status` lists them all.
 */

export interface Freshness {
  dataset: string;
  newest_record: string | null;
  latest_file: string | null;
  latest_loaded_on: string | null;
  record_age_days: number | null;
  file_age_days: number | null;
  stale: boolean;
}

export async function readFreshness(db: Db, asOf: string, maxAgeDays: number): Promise<Freshness[]> {
  const newest = DATASETS.map((d) => {
    const field = RECORD_DATE[d];
    return field ? `select '${d}' as dataset, strftime(max(${ident(field)}), '%Y-%m-%d') as newest_record from ${ident(d)}` : `select '${d}' as dataset, null::varchar as newest_record`;
  }).join('\n  union all ');
  return db
    .all<Freshness>(
      `with newest as (
       ${newest}
     ),
     files as (
       select dataset, arg_max(file_name, load_id) as latest_file, strftime(max(loaded_at), '%Y-%m-%d') as latest_loaded_on
       from ingested_files group by dataset
     ),
     final as (
       select newest.dataset, newest_record, latest_file, latest_loaded_on,
         ($1::date - newest_record::date)::integer as record_age_days,
         ($1::date - latest_loaded_on::date)::integer as file_age_days
       from newest left join files using (dataset)
     )
     select *, latest_file is null or coalesce(record_age_days > $2, false) or file_age_days > $2 as stale from final`,
      [asOf, maxAgeDays],
    )
    .then((rows) => rows.sort((a, b) => DATASETS.indexOf(a.dataset as never) - DATASETS.indexOf(b.dataset as never)));
}

/** The board reads datasets by what they hold, never by their identifiers (issue 13). */
const WORDS: Record<string, string> = { incidents: 'crime', volunteers: 'volunteer roster', volunteer_hours: 'volunteer duty hours', training: 'Protect and Prevent events', actions: 'action tracker' };

/** One sentence per stale dataset, for the pack's cover. */
export function describeStale(rows: Freshness[], maxAgeDays: number): string[] {
  return rows
    .filter((r) => r.stale)
    .map((r) => {
      const name = WORDS[r.dataset] ?? r.dataset.replace(/_/g, ' ');
      if (r.latest_file === null) return `Stale data: no ${name} export has been loaded.`;
      const parts: string[] = [];
      if (r.record_age_days !== null && r.record_age_days > maxAgeDays) parts.push(`its newest record is from ${r.newest_record} (${r.record_age_days} days old)`);
      if (r.file_age_days !== null && r.file_age_days > maxAgeDays) parts.push(`the last export, ${r.latest_file}, was loaded on ${r.latest_loaded_on} (${r.file_age_days} days ago)`);
      return `Stale data: the ${name} export: ${parts.join(' and ')}, more than the ${maxAgeDays} days allowed.`;
    });
}
