import { monthsEnding, parsePeriod, periodContaining, previousPeriod, type Period } from '../lib/periods.ts';
import { INPUT_IDENTITY, refText, type FigureRef, type Relations } from '../metrics/relations.ts';

/**
 * What an intruder knows, read from public manifests only (never from the board figures or
 * the suppression code): every published figure as a range of possible values, and every
 * declared relation between figures as a linear constraint. intruderAudit.ts then asks an
 * integer program how far each protected figure can be narrowed.
 *
 * A figure of one period is one unknown however many packs print it ("INC-09[Business]@2026-08").
 * Packs built from different snapshots may disagree (late data): each snapshot's packs get
 * their own unknowns, tied across snapshots by a restatement difference, itself checked.
 */

export type Route = 'breakdown total' | 'percentage x denominator' | 'stock and flow' | 'months of a quarter' | 'quarters of a year' | 'restatement difference' | 'reconciliation identity' | 'forces of a region' | 'areas of a force';

export const ROUTES: Route[] = ['breakdown total', 'percentage x denominator', 'stock and flow', 'months of a quarter', 'quarters of a year', 'restatement difference', 'reconciliation identity', 'forces of a region', 'areas of a force'];

/** Where a figure is printed in a pack, so the build can hide it there. */
export type Location =
  | { kind: 'metric'; metric: string; row?: string; column: 'value' | 'previous' | 'year_ago' }
  | { kind: 'part'; metric: string; field: 'numerator' | 'denominator' }
  | { kind: 'series'; metric: string; period: string }
  | { kind: 'input'; sha256: string; field: string }
  | { kind: 'place'; metric: string; place: string };

export interface Cell {
  id: string;
  lo: number;
  hi: number;
  /** Protected: printed "<5", "[c]" or rounded ('shown'), unpublished but implied ('derived'), or a restatement difference. */
  check: 'hidden' | 'rounded' | 'derived' | 'difference' | null;
  display: string | null;
  /** Packs that print it, and where. */
  /** Packs that print it, where, and whether exactly (a number) or not ("<5", "[c]", rounded). */
  printed: { pack: string; at: Location; exact: boolean; display: string }[];
}

export interface Relation {
  route: Route;
  /** lo <= sum(coef * cell) <= hi */
  terms: { cell: string; coef: number }[];
  lo: number;
  hi: number;
  /** Published figures the constraint rests on (a percentage): hiding one drops it. */
  given: string[];
}

export interface PublicPack {
  name: string;
  manifest: {
    pack: { period: string; as_of: string; force?: string; scope?: { forces: string[]; area?: string }; disclosure?: { method?: string; min_count?: number; round_base?: number } };
    /** A regional pack's figures for each force (comparison.ts). */
    comparison?: { places: { name: string; kind: 'force' | 'region' }[]; figures: { metric: string; place: string; display: string }[] };
    comparisons: { previous: { id: string }; year_ago: { id: string } };
    snapshot: { id: string };
    metrics: PublicFigure[];
    inputs?: { sha256: string; display?: Record<string, string>; [field: string]: unknown }[];
  };
}

export interface PublicFigure {
  id: string;
  unit: string;
  decimals: number;
  display: { value: string; previous: string; year_ago: string };
  numerator: number | null;
  denominator: number | null;
  breakdown?: { key: string; display: { value: string; previous: string; year_ago: string } }[];
  series?: { period: string; display: string }[];
}

export interface AuditModel {
  cells: Map<string, Cell>;
  relations: Relation[];
  /** Percentages by cell id (value cells of percent metrics), for `given`. */
  minCount: number;
}

const UNBOUNDED = Number.POSITIVE_INFINITY;

/** The range a printed count stands for under the pack's method; null for "n/a". */
export function readDisplay(display: string, method: string, minCount: number, base: number): { lo: number; hi: number; check: Cell['check'] } | null {
  if (display === 'n/a' || display === '') return null;
  if (display === '[c]') return { lo: 1, hi: UNBOUNDED, check: 'hidden' };
  if (/^<\d+$/.test(display)) return { lo: 1, hi: Number(display.slice(1)) - 1, check: 'hidden' };
  const v = Number(display.replace(/,/g, ''));
  if (!Number.isFinite(v)) return null;
  if (method !== 'rounding' || v === 0) return { lo: v, hi: v, check: null };
  return { lo: Math.max(v - Math.floor((base - 1) / 2), minCount), hi: v + Math.floor(base / 2), check: 'rounded' };
}

/**
 * Which place a pack's figures are of, as a prefix of their cells: none for the home force (the
 * configured one, so its packs keep their cell names), else the scope, so one force's figure in
 * a regional pack is the same unknown as in that force's own pack, and an area's is its own.
 */
export function placePrefix(scope: { forces: string[]; area?: string } | undefined, home: string | undefined): string {
  if (!scope) return '';
  const key = `${[...scope.forces].sort().join('+')}${scope.area ? `/${scope.area}` : ''}`;
  return home !== undefined && key === home ? '' : `${key}::`;
}

export function buildAuditModel(packs: PublicPack[], relations: Relations, home = homeOf(packs)): AuditModel {
  const cells = new Map<string, Cell>();
  const rels: Relation[] = [];
  const minCount = Math.min(...packs.map((p) => p.manifest.pack.disclosure?.min_count ?? 5));
  const snapshots = [...new Set(packs.map((p) => p.manifest.snapshot.id))];
  const tag = (snapshot: string) => (snapshots.length > 1 ? `#${snapshot}` : '');
  const alias = (ref: FigureRef): FigureRef => {
    // A breakdown's total is the figure it names; a ratio's parts are the figures they name.
    for (let i = 0; i < 10; i++) {
      if (ref.row === undefined && ref.field === 'value' && relations.partsOf.has(ref.metric) && relations.partsOf.get(ref.metric)!.metric !== ref.metric) ref = relations.partsOf.get(ref.metric)!;
      else if (ref.field === 'numerator' && relations.numeratorOf.has(ref.metric)) ref = relations.numeratorOf.get(ref.metric)!;
      else if (ref.field === 'denominator' && relations.denominatorOf.has(ref.metric)) ref = relations.denominatorOf.get(ref.metric)!;
      else break;
    }
    return ref;
  };
  let prefix = '';
  const idOf = (ref: FigureRef, period: string, snapshot: string) => `${prefix}${refText(alias(ref))}@${period}${tag(snapshot)}`;
  const cell = (id: string): Cell => {
    let c = cells.get(id);
    if (!c) cells.set(id, (c = { id, lo: 0, hi: UNBOUNDED, check: 'derived', display: null, printed: [] }));
    return c;
  };
  const print = (id: string, shown: ReturnType<typeof readDisplay>, display: string, pack: string, at: Location) => {
    if (!shown) return;
    const c = cell(id);
    c.lo = Math.max(c.lo, shown.lo);
    c.hi = Math.min(c.hi, shown.hi);
    // Exact somewhere beats hidden elsewhere: the intruder reads the exact one.
    if (c.check === 'derived' || shown.check === null || (c.check === 'hidden' && shown.check === 'rounded')) c.check = shown.check;
    c.display = c.check === null ? String(c.lo) : display;
    c.printed.push({ pack, at, exact: shown.check === null, display });
  };
  const seen = new Set<string>();
  for (const { name, manifest } of packs) {
    const d = manifest.pack.disclosure ?? {};
    const read = (display: string) => readDisplay(display, d.method ?? 'suppression', d.min_count ?? 5, d.round_base ?? 5);
    const snap = manifest.snapshot.id;
    prefix = placePrefix(manifest.pack.scope, home);
    const periods = { value: manifest.pack.period, previous: manifest.comparisons.previous.id, year_ago: manifest.comparisons.year_ago.id };
    for (const m of manifest.metrics) {
      for (const column of ['value', 'previous', 'year_ago'] as const) {
        const period = periods[column];
        if (m.unit === 'count') {
          const total = idOf({ metric: m.id, field: 'value' }, period, snap);
          print(total, read(m.display[column]), m.display[column], name, { kind: 'metric', metric: m.id, column });
          if (m.breakdown && !seen.has(`${total}|${m.id}`)) {
            seen.add(`${total}|${m.id}`);
            const rows = m.breakdown.map((r) => ({ id: idOf({ metric: m.id, row: r.key, field: 'value' }, period, snap), r }));
            for (const { id, r } of rows) print(id, read(r.display[column]), r.display[column], name, { kind: 'metric', metric: m.id, row: r.key, column });
            if (rows.some(({ r }) => r.display[column] !== 'n/a')) {
              rels.push({ route: 'breakdown total', terms: [{ cell: total, coef: 1 }, ...rows.map(({ id }) => ({ cell: id, coef: -1 }))], lo: 0, hi: 0, given: [] });
            }
          } else if (m.breakdown) {
            for (const r of m.breakdown) print(idOf({ metric: m.id, row: r.key, field: 'value' }, period, snap), read(r.display[column]), r.display[column], name, { kind: 'metric', metric: m.id, row: r.key, column });
          }
        }
        if (m.unit === 'percent') percentRelation(m, m.display[column], period, snap, name, { kind: 'metric', metric: m.id, column });
      }
      const declared = { numerator: relations.numeratorOf.has(m.id), denominator: relations.denominatorOf.has(m.id) };
      if (m.unit === 'percent' || declared.numerator || declared.denominator) {
        for (const field of ['numerator', 'denominator'] as const) {
          // A ratio other than a percentage (hours per volunteer) prints counts only where declared.
          if (m.unit !== 'percent' && !declared[field]) continue;
          const v = m[field];
          const id = idOf({ metric: m.id, field }, periods.value, snap);
          // A part left out beside a shown percentage is a hidden count (small, or hidden by the audit): 1 or more.
          if (v !== null) print(id, read(String(v)), String(v), name, { kind: 'part', metric: m.id, field });
          else if (/\d/.test(m.display.value)) print(id, { lo: 1, hi: UNBOUNDED, check: 'hidden' }, '[c]', name, { kind: 'part', metric: m.id, field });
        }
      }
      for (const p of m.series ?? []) {
        if (m.unit === 'count') print(idOf({ metric: m.id, field: 'value' }, p.period, snap), read(p.display), p.display, name, { kind: 'series', metric: m.id, period: p.period });
        if (m.unit === 'percent') percentRelation(m, p.display, p.period, snap, name, { kind: 'series', metric: m.id, period: p.period });
      }
    }
    for (const input of manifest.inputs ?? []) {
      const ids = [INPUT_IDENTITY.total, ...INPUT_IDENTITY.parts].map((f) => `input:${input.sha256.slice(0, 12)}.${f}`);
      [INPUT_IDENTITY.total, ...INPUT_IDENTITY.parts].forEach((f, i) => {
        const shown = input.display?.[f] ?? (input[f] === null ? `<${d.min_count ?? 5}` : String(input[f]));
        print(ids[i]!, readDisplay(shown, 'suppression', d.min_count ?? 5, 5), shown, name, { kind: 'input', sha256: input.sha256, field: f });
      });
      if (!seen.has(ids[0]!)) rels.push({ route: 'reconciliation identity', terms: ids.map((id, i) => ({ cell: id, coef: i === 0 ? 1 : -1 })), lo: 0, hi: 0, given: [] });
      seen.add(ids[0]!);
    }
    // A regional pack: each force's figure, and the region's total is the sum of its forces'.
    const comparison = manifest.comparison;
    if (comparison) {
      const regionPrefix = prefix;
      const of = (place: { name: string; kind: string }) => (place.kind === 'region' ? regionPrefix : placePrefix({ forces: [place.name] }, home));
      for (const metric of new Set(comparison.figures.map((f) => f.metric))) {
        const unit = manifest.metrics.find((m) => m.id === metric)?.unit ?? 'count';
        const decimals = manifest.metrics.find((m) => m.id === metric)?.decimals ?? 1;
        const parts: Record<'value' | 'numerator' | 'denominator', string[]> = { value: [], numerator: [], denominator: [] };
        for (const place of comparison.places) {
          const f = comparison.figures.find((x) => x.metric === metric && x.place === place.name);
          if (!f) continue;
          prefix = of(place);
          const at: Location = { kind: 'place', metric, place: place.name };
          if (unit === 'count') print(idOf({ metric, field: 'value' }, periods.value, snap), read(f.display), f.display, name, at);
          if (unit === 'percent') percentRelation({ id: metric, decimals } as PublicFigure, f.display, periods.value, snap, name, at);
          if (place.kind === 'force') {
            parts.value.push(idOf({ metric, field: 'value' }, periods.value, snap));
            parts.numerator.push(idOf({ metric, field: 'numerator' }, periods.value, snap));
            parts.denominator.push(idOf({ metric, field: 'denominator' }, periods.value, snap));
          }
        }
        prefix = regionPrefix;
        const fields = unit === 'count' ? (['value'] as const) : unit === 'percent' ? (['numerator', 'denominator'] as const) : [];
        for (const field of fields) {
          const total = idOf({ metric, field }, periods.value, snap);
          [total, ...parts[field]].forEach(cell);
          rels.push({ route: 'forces of a region', terms: [{ cell: total, coef: 1 }, ...parts[field].map((c) => ({ cell: c, coef: -1 }))], lo: 0, hi: 0, given: [] });
        }
      }
      prefix = regionPrefix;
    }
  }
  // An area's figures are part of its force's: the force's count is at least the sum of its areas' (crimes of no
  // recorded area are in no area pack).
  const areaCells = [...cells.keys()].filter((id) => /^[^:]*\/[^:]*::/.test(id) && !id.includes('%@'));
  const byForce = new Map<string, string[]>();
  for (const id of areaCells) {
    const [scope, rest] = id.split('::') as [string, string];
    const force = placePrefix({ forces: [scope.slice(0, scope.indexOf('/'))] }, home) + rest;
    byForce.set(force, [...(byForce.get(force) ?? []), id]);
  }
  for (const [force, areas] of byForce) {
    if (!cells.has(force)) continue;
    rels.push({ route: 'areas of a force', terms: [{ cell: force, coef: 1 }, ...areas.map((c) => ({ cell: c, coef: -1 }))], lo: 0, hi: UNBOUNDED, given: [] });
  }

  function percentRelation(m: PublicFigure, display: string, period: string, snap: string, pack: string, at: Location) {
    const id = m.id;
    const p = Number(display.replace(/,/g, ''));
    if (!Number.isFinite(p) || display === '') return;
    // A whole-number percentage of an earlier period was rounded from the board's one decimal: 0.55 either side.
    const half = m.decimals === 0 ? 0.55 : 0.5 * 10 ** -m.decimals;
    const [n, dn] = [idOf({ metric: id, field: 'numerator' }, period, snap), idOf({ metric: id, field: 'denominator' }, period, snap)];
    cell(n);
    cell(dn);
    const given = [`${prefix}${id}%@${period}${tag(snap)}`];
    // (p - half) % of D <= N <= (p + half) % of D, and N <= D.
    rels.push({
      route: 'percentage x denominator',
      terms: [
        { cell: n, coef: 100 },
        { cell: dn, coef: -(p - half) },
      ],
      lo: 0,
      hi: UNBOUNDED,
      given,
    });
    rels.push({
      route: 'percentage x denominator',
      terms: [
        { cell: n, coef: 100 },
        { cell: dn, coef: -(p + half) },
      ],
      lo: -UNBOUNDED,
      hi: 0,
      given,
    });
    rels.push({
      route: 'percentage x denominator',
      terms: [
        { cell: n, coef: 1 },
        { cell: dn, coef: -1 },
      ],
      lo: -UNBOUNDED,
      hi: 0,
      given: [],
    });
    if (!cells.has(given[0]!)) cells.set(given[0]!, { id: given[0]!, lo: p, hi: p, check: null, display, printed: [] });
    cells.get(given[0]!)!.printed.push({ pack, at, exact: true, display });
  }

  // Over time, per snapshot: stock and flow, quarters from months, years from quarters.
  for (const snap of snapshots) {
    const suffix = tag(snap);
    const figures = [...cells.keys()]
      .filter((id) => id.endsWith(suffix) && !id.startsWith('input:') && !id.includes('%@'))
      .map((id) => {
        const [ref, period] = id.slice(0, id.length - suffix.length).split('@') as [string, string];
        return { ref, period };
      });
    // A cell of another place keeps its place: "Staffordshire::INC-01".
    const placeOf = (ref: string) => (ref.includes('::') ? ref.slice(0, ref.indexOf('::') + 2) : '');
    const has = new Set(figures.map((f) => `${f.ref}@${f.period}`));
    const done = new Set<string>();
    const add = (route: Route, total: string, parts: string[]) => {
      const key = `${route}|${total}`;
      if (done.has(key)) return;
      done.add(key);
      rels.push({ route, terms: [{ cell: total, coef: 1 }, ...parts.map((p) => ({ cell: p, coef: -1 }))], lo: 0, hi: 0, given: [] });
      [total, ...parts].forEach(cell);
    };
    for (const { ref, period } of figures) {
      const place = placeOf(ref);
      const metric = ref.slice(place.length, place.length + 6);
      const p = parsePeriod(period, '2000-01-01');
      if (ref === place + metric) {
        const flow = relations.stockFlow.get(metric);
        if (flow) {
          const before = previousPeriod(p).id;
          const terms = [`${metric}@${period}`, `${metric}@${before}`, `${flow.joiners}@${period}`, `${flow.leavers}@${period}`].map((t) => place + t + suffix);
          if (!done.has(`stock|${terms[0]}`)) {
            done.add(`stock|${terms[0]}`);
            terms.forEach(cell);
            rels.push({ route: 'stock and flow', terms: terms.map((t, i) => ({ cell: t, coef: [1, -1, -1, 1][i]! })), lo: 0, hi: 0, given: [] });
          }
        }
      }
      const over = relations.overTime.get(metric) ?? 'none';
      if (over === 'none' || p.kind === 'month') continue;
      for (const [route, whole, parts] of calendar(p)) {
        if (!parts.some((q) => has.has(`${ref}@${q.id}`)) && route === 'months of a quarter' && whole.id !== period) continue;
        const ids = parts.map((q) => `${ref}@${q.id}${suffix}`);
        add(route, `${ref}@${whole.id}${suffix}`, over === 'end' ? ids.slice(-1) : ids);
      }
    }
  }
  // Across snapshots: the same figure restated by late data differs by a checked difference.
  if (snapshots.length > 1) {
    const byFigure = new Map<string, string[]>();
    for (const id of cells.keys()) {
      const at = id.lastIndexOf('#');
      if (at > 0 && !id.startsWith('input:')) byFigure.set(id.slice(0, at), [...(byFigure.get(id.slice(0, at)) ?? []), id]);
    }
    for (const [figure, versions] of byFigure) {
      if (figure.includes('%@')) continue;
      for (let i = 1; i < versions.length; i++) {
        const diff = `restated:${figure}:${i}`;
        cells.set(diff, { id: diff, lo: -UNBOUNDED, hi: UNBOUNDED, check: 'difference', display: null, printed: [] });
        rels.push({
          route: 'restatement difference',
          terms: [
            { cell: versions[i]!, coef: 1 },
            { cell: versions[i - 1]!, coef: -1 },
            { cell: diff, coef: -1 },
          ],
          lo: 0,
          hi: 0,
          given: [],
        });
      }
    }
  }
  return { cells, relations: rels, minCount };
}

/** Read from the packs alone (an outsider's audit): the force of the first single-force pack. */
function homeOf(packs: PublicPack[]): string | undefined {
  return packs.map((p) => p.manifest.pack.scope).find((s) => s !== undefined && s.forces.length === 1 && s.area === undefined)?.forces[0];
}

/** A quarter is its three months; a year its four quarters (and each of those its months). */
function calendar(p: Period): [Route, Period, Period[]][] {
  const months = (q: Period) => monthsEnding(q.end, 3);
  if (p.kind === 'quarter') return [['months of a quarter', p, months(p)]];
  const quarters = [9, 6, 3, 0].map((back) => periodContaining('quarter', monthsEnding(p.end, back + 1)[0]!.start));
  return [['quarters of a year', p, quarters], ...quarters.map((q) => ['months of a quarter', q, months(q)] as [Route, Period, Period[]])];
}
