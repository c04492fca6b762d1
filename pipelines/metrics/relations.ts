import { join } from 'node:path';
import { UsageError, WorkError } from '../lib/errors.ts';
import type { MetricDefinition } from './catalog.ts';
import type { MetricResult } from './runMetrics.ts';

/**
 * Relations between published figures, declared once in the metric metadata
 * (queries/metrics/<ID>.json), so disclosure control and the intruder audit see the same
 * lattice of sums. Keys (all optional except `parts_of` on a breakdown):
 *  - `parts_of`: "INC-01" - a breakdown's rows add up to that figure in every period; its own
 *    id when the rows add up only to the breakdown's own total; "INC-07.denominator" for a
 *    ratio's base.
 *  - `numerator_is`, `denominator_is`: a percentage's numerator or base is that figure, in
 *    every period ("INC-10[Judicial (1-8)]" names one row of a breakdown).
 *  - `stock_flow`: {"joiners": "VOL-05", "leavers": "VOL-06"} - a stock at period end is the
 *    stock at the end of the period before, plus joiners, minus leavers.
 *  - `over_time`: "sum" (a quarter is its months, a year its quarters) or "end" (a quarter's
 *    figure is that of its last month) or "none" (the default).
 *  - `datasets`: the datasets the metric reads, in words for citation; not checked here.
 * The reconciliation identity of the inputs table (read = loaded + quarantined + excluded +
 * duplicates) is not a metric's: it is INPUT_IDENTITY below, declared once here.
 */

export type Field = 'value' | 'numerator' | 'denominator';

/** A published figure of one period: a metric's value, numerator or denominator, or one breakdown row. */
export interface FigureRef {
  metric: string;
  row?: string;
  field: Field;
}

export interface Relations {
  /** Breakdown id -> the figure its rows add up to. */
  partsOf: Map<string, FigureRef>;
  numeratorOf: Map<string, FigureRef>;
  denominatorOf: Map<string, FigureRef>;
  stockFlow: Map<string, { joiners: string; leavers: string }>;
  overTime: Map<string, 'sum' | 'end' | 'none'>;
}

export const INPUT_IDENTITY = { total: 'rows_read', parts: ['rows_loaded', 'rows_quarantined', 'rows_excluded', 'rows_duplicate'] } as const;

const REF = /^([A-Z]{3}-\d{2})(?:\[(.+)\])?(?:\.(value|numerator|denominator))?$/;

export function parseRef(text: unknown): FigureRef | null {
  const match = typeof text === 'string' ? REF.exec(text) : null;
  if (!match) return null;
  return { metric: match[1]!, ...(match[2] !== undefined ? { row: match[2] } : {}), field: (match[3] as Field | undefined) ?? 'value' };
}

export function refText(ref: FigureRef): string {
  return `${ref.metric}${ref.row !== undefined ? `[${ref.row}]` : ''}${ref.field === 'value' ? '' : `.${ref.field}`}`;
}

/** Reads the relation keys of every metric's metadata; an undeclared or unknown total is a configuration error (exit 2). */
export function loadRelations(catalog: MetricDefinition[]): Relations {
  const relations: Relations = { partsOf: new Map(), numeratorOf: new Map(), denominatorOf: new Map(), stockFlow: new Map(), overTime: new Map() };
  const ids = new Set(catalog.map((m) => m.meta.id));
  const file = (id: string) => join('queries', 'metrics', `${id}.json`);
  for (const m of catalog) {
    const id = m.meta.id;
    // The catalogue keeps every key of the JSON twin; these are read here only.
    const raw = m.meta as unknown as Record<string, unknown>;
    const ref = (key: string): FigureRef | null => {
      if (raw[key] === undefined) return null;
      const parsed = parseRef(raw[key]);
      if (!parsed || !ids.has(parsed.metric)) {
        throw new UsageError(
          `${file(id)} says "${key}": ${JSON.stringify(raw[key])}, which names no metric of the catalogue (there is no ${file(String(parsed?.metric ?? raw[key]))}); name one like "INC-01", "INC-10[Judicial (1-8)]" or "INC-07.denominator".`,
        );
      }
      return parsed;
    };
    const parts = ref('parts_of');
    if (m.meta.breakdown && !parts) {
      throw new UsageError(
        `${file(id)} is a breakdown but does not say what its rows add up to, so ${m.sqlPath} could publish a part the public edition must hide; add "parts_of": "${id}" (its own total) or the metric it adds up to, e.g. "parts_of": "INC-01".`,
      );
    }
    if (parts) relations.partsOf.set(id, parts);
    const numerator = ref('numerator_is');
    const denominator = ref('denominator_is');
    if (numerator) relations.numeratorOf.set(id, numerator);
    if (denominator) relations.denominatorOf.set(id, denominator);
    if (raw.stock_flow !== undefined) {
      const sf = raw.stock_flow as Record<string, unknown>;
      if (typeof sf !== 'object' || sf === null || !ids.has(String(sf.joiners)) || !ids.has(String(sf.leavers))) {
        throw new UsageError(`${file(id)} has "stock_flow" ${JSON.stringify(raw.stock_flow)}; it must name two metrics of the catalogue like {"joiners": "VOL-05", "leavers": "VOL-06"}.`);
      }
      relations.stockFlow.set(id, { joiners: String(sf.joiners), leavers: String(sf.leavers) });
    }
    const over = raw.over_time ?? 'none';
    if (over !== 'sum' && over !== 'end' && over !== 'none') throw new UsageError(`${file(id)} has "over_time" ${JSON.stringify(over)}; use "sum", "end" or "none".`);
    relations.overTime.set(id, over);
  }
  return relations;
}

/**
 * Checks every declared breakdown against the board's own figures: its rows must add up to
 * its total in each period (to within rounding at the metric's decimals). A failure names
 * both files and is a failed build (exit 1): the declaration or the SQL is wrong.
 */
export function checkPartsAddUp(results: MetricResult[], relations: Relations): void {
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const [id, total] of relations.partsOf) {
    const breakdown = byId.get(id);
    const target = byId.get(total.metric);
    if (!breakdown?.breakdown || !target) continue;
    for (const column of ['value', 'previous', 'year_ago'] as const) {
      const want = figure(target, total, column);
      if (want === null) continue;
      const rows = breakdown.breakdown.map((r) => r[column] ?? 0);
      const got = rows.reduce((a, b) => a + b, 0);
      // Counts add up exactly; rows rounded on their own (hours) can be off by half a step each.
      const slack = breakdown.unit === 'count' ? 1e-9 : (rows.length * 0.5 + 1e-9) * 10 ** -breakdown.decimals;
      if (Math.abs(got - want) > slack) {
        const period = column === 'value' ? 'the period' : column === 'previous' ? 'the previous period' : 'the same period a year earlier';
        throw new WorkError(
          `The rows of queries/metrics/${id}.sql add up to ${got} for ${period} but queries/metrics/${total.metric}.json, which ${id}.json names as their total ("parts_of": "${refText(total)}"), is ${want}; fix the declaration or the query.`,
        );
      }
    }
  }
}

/** A figure of a board result for one column; numerator and denominator exist for the period only. */
export function figure(result: MetricResult, ref: FigureRef, column: 'value' | 'previous' | 'year_ago'): number | null {
  if (ref.row !== undefined) return result.breakdown?.find((r) => r.key === ref.row)?.[column] ?? null;
  if (ref.field === 'value') return result[column];
  if (column !== 'value') return ref.field === 'denominator' ? (column === 'previous' ? result.previous_denominator : result.year_ago_denominator) : null;
  return result[ref.field];
}

/** A percentage's declared numerator and base must be the figures it names, in the board's data (exit 1 otherwise). */
export function checkRatioLinks(results: MetricResult[], relations: Relations): void {
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const [key, links] of [
    ['numerator_is', relations.numeratorOf],
    ['denominator_is', relations.denominatorOf],
  ] as const) {
    for (const [id, ref] of links) {
      const [ratio, target] = [byId.get(id), byId.get(ref.metric)];
      if (!ratio || !target) continue;
      const own: FigureRef = { metric: id, field: key === 'numerator_is' ? 'numerator' : 'denominator' };
      for (const column of ['value', 'previous', 'year_ago'] as const) {
        const [mine, theirs] = [figure(ratio, own, column), figure(target, ref, column)];
        if (mine === null || theirs === null || Math.abs(mine - theirs) < 1e-9) continue;
        throw new WorkError(`The ${own.field} of queries/metrics/${id}.sql is ${mine} but queries/metrics/${ref.metric}.json, which ${id}.json names as it ("${key}": "${refText(ref)}"), gives ${theirs}; fix the declaration or the query.`);
      }
    }
  }
}
