import type { Db } from '../lib/db.ts';
import { ident, literal, storedTables } from '../lib/db.ts';
import { DATASETS } from '../ingest/contracts.ts';

/**
 * What a pack is about: one force (the board pack), one local policing area of a force (an
 * area pack) or several forces (the regional pack). Several forces share a database, so the
 * scope is applied beneath every query: temp views named like the tables shadow them (DuckDB
 * looks in temp first), holding only the scope's rows, and, for a rebuild, only the rows of
 * the snapshot. Models, metrics, checks and ledgers then read "their" tables unchanged, and an
 * analyst's SQL never has to remember a force filter.
 */

export interface Scope {
  forces: string[];
  /** A local policing area of the (one) force: its crimes, volunteers, their duties and its events. */
  area?: string;
}

/** Words for a scope, and the key the disclosure audit ties figures of one place with. */
export function scopeKey(scope: Scope): string {
  return `${[...scope.forces].sort().join('+')}${scope.area ? `/${scope.area}` : ''}`;
}

const LEDGERS = ['ingested_files', 'quarantine', 'data_quality_warnings'] as const;

/**
 * Makes the connection see the scope's rows as of the snapshot (`throughLoadId`, or everything
 * loaded when null). With one force loaded, no area and no earlier snapshot there is nothing to
 * hide, and the tables are read directly.
 */
export async function viewScope(db: Db, throughLoadId: number | null, scope: Scope | null): Promise<void> {
  const main = await storedTables(db);
  const [{ latest, forces }] = (await db.all<{ latest: number | null; forces: string[] }>(`select max(load_id)::integer as latest, coalesce(list(distinct force), []) as forces from ${main('ingested_files')}`)) as [
    { latest: number | null; forces: string[] },
  ];
  const pinned = throughLoadId !== null && (latest ?? 0) > throughLoadId;
  const narrowed = scope !== null && (scope.area !== undefined || forces.some((f) => !scope.forces.includes(f)));
  if (!pinned && !narrowed) {
    // One round trip for all of them, on each connection.
    await db.session([...DATASETS, ...LEDGERS].map((name) => `drop view if exists temp.main.${ident(name)}`).join(';\n'));
    return;
  }
  const n = throughLoadId ?? latest ?? 0;
  const rows = (dataset: string) =>
    pinned
      ? `(select * from ${main(dataset)} where _load_id <= ${n}
          union all by name
          select * exclude (_replaced_by_load_id) from ${main(`${dataset}_history`)} where _load_id <= ${n} and _replaced_by_load_id > ${n})`
      : main(dataset);
  const inForces = scope ? `force in (${scope.forces.map(literal).join(', ')})` : 'true';
  const inArea = (dataset: string): string => {
    if (!scope?.area) return 'true';
    const area = literal(scope.area);
    if (dataset === 'volunteer_hours') return `(force, volunteer_id) in (select force, volunteer_id from ${rows('volunteers')} where area = ${area})`;
    // The board's actions are the force's, whatever the area.
    if (dataset === 'actions') return 'true';
    return `area = ${area}`;
  };
  const loads = `load_id <= ${n}${scope ? ` and load_id in (select load_id from ${main('ingested_files')} where ${inForces})` : ''}`;
  await db.session(
    [
      ...DATASETS.map((dataset) => `create or replace temp view ${ident(dataset)} as select * from ${rows(dataset)} where ${inForces} and ${inArea(dataset)}`),
      ...LEDGERS.map((ledger) => `create or replace temp view ${ident(ledger)} as select * from ${main(ledger)} where ${loads}`),
    ].join(';\n'),
  );
}
