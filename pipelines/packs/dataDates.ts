import type { Db, Reader } from '../lib/db.ts';
import { WorkError } from '../lib/errors.ts';
import type { Period } from '../lib/periods.ts';
import { readableDate } from './format.ts';

/**
 * Honest data dates (issue 13): the date each dataset's data runs to (its extract date,
 * from the model `queries/models/dataset_dates.sql`) against the pack's as-of date. Data
 * older than the allowed age puts one sentence on the pack's first page, naming the
 * datasets in plain words; a period with no data at all is refused rather than built as
 * zeros; and `--as-of extract` pins a build to the date the data runs to, so the same
 * exports give the same pack on any day.
 */

export interface DataDate {
  dataset: string;
  /** What the board reads: "crime records", not "incidents". */
  label: string;
  extract_date: string;
  /** "records": the newest date in the data; "export loaded": the day its latest export was loaded. */
  basis: 'records' | 'export loaded';
  /** Days from the extract date to the as-of date (negative when the data runs past it). */
  lag_days: number;
  stale: boolean;
}

export const DATASET_WORDS: Record<string, string> = {
  incidents: 'crime records',
  volunteers: 'the volunteer roster',
  volunteer_hours: 'volunteer duty hours',
  training: 'Protect and Prevent events',
  actions: 'the action tracker',
};

const ORDER = Object.keys(DATASET_WORDS);

/** The models must be built on this connection (the metrics stage does). */
export async function readDataDates(db: Reader, asOf: string, maxAgeDays: number): Promise<DataDate[]> {
  const rows = await db.all<{ dataset: string; extract_date: string; basis: DataDate['basis']; lag_days: number }>(
    `select dataset, strftime(extract_date, '%Y-%m-%d') as extract_date, basis, ($1::date - extract_date)::integer as lag_days from dataset_dates`,
    [asOf],
  );
  return rows.map((r) => ({ ...r, label: DATASET_WORDS[r.dataset] ?? r.dataset.replace(/_/g, ' '), stale: r.lag_days > maxAgeDays })).sort((a, b) => ORDER.indexOf(a.dataset) - ORDER.indexOf(b.dataset));
}

/** One sentence for the first page when any dataset is older than allowed, or null. Datasets of the same date are named together. */
export function staleDataBanner(dates: DataDate[], asOf: string, maxAgeDays: number): string | null {
  const stale = dates.filter((d) => d.stale);
  if (stale.length === 0) return null;
  const groups = new Map<string, DataDate[]>();
  for (const d of stale) groups.set(`${d.basis} ${d.extract_date}`, [...(groups.get(`${d.basis} ${d.extract_date}`) ?? []), d]);
  const parts = [...groups.values()].map((group) => {
    const [first] = group as [DataDate];
    const names = listOf(group.map((d) => d.label));
    const verb = first.basis === 'records' ? 'run to' : group.length > 1 ? 'were last loaded on' : 'was last loaded on';
    return `${names} ${verb} ${readableDate(first.extract_date)} (${first.lag_days} days earlier)`;
  });
  return `Old data: this pack is as of ${readableDate(asOf)}, but ${listOf(parts, '; ')}, more than the ${maxAgeDays} days allowed; anything after those dates is missing from the figures, not zero.`;
}

function listOf(items: string[], separator = ', '): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(separator)}${separator === ', ' ? ' and ' : '; and '}${items.at(-1)}`;
}

/**
 * The as-of date `--as-of extract` stands for: the newest date the event datasets run to
 * (the roster's and tracker's dates are load dates, so they would make it today's date).
 */
export async function extractAsOf(db: Db): Promise<string> {
  const [row] = await db.all<{ as_of: string | null }>(`select strftime(max(extract_date), '%Y-%m-%d') as as_of from dataset_dates where basis = 'records'`);
  if (!row?.as_of) throw new WorkError('No crime, duty-hour or event records are loaded, so there is no extract date to build as of; ingest the exports first or give --as-of as a date.');
  return row.as_of;
}

/** A period with no crimes, duty hours or events at all is refused: built, it would show zeros that mean "no data". */
export async function refuseEmptyPeriod(db: Db, period: Period): Promise<void> {
  const [{ records }] = (await db.all<{ records: number }>(
    `select ((select count(*) from stg_incidents where reported_on between $1 and $2)
      + (select count(*) from stg_volunteer_hours where deployed_on between $1 and $2)
      + (select count(*) from stg_training where event_on between $1 and $2))::integer as records`,
    [period.start, period.end],
  )) as [{ records: number }];
  if (records === 0) throw new WorkError(`No crimes, volunteer hours or training events loaded fall in ${period.label}, so its pack would show zeros that mean no data; check the period, or ingest the exports that cover it.`);
}
