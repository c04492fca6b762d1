import { WorkError } from '../lib/errors.ts';
import type { Relations } from '../metrics/relations.ts';
import { buildAuditModel, type AuditModel, type Location, type PublicPack } from './auditModel.ts';
import { SUPPRESSED } from './disclosure.ts';
import { auditRanges, type AuditResult, type CellRange } from './intruderAudit.ts';
import type { Policy } from '../lib/publicationPolicy.ts';

/**
 * The audit step of a public pack: the intruder audit (intruderAudit.ts) over this pack
 * and every public pack already issued; where a protected figure can be narrowed more than
 * the policy allows, one more figure of this pack is hidden ("[c]"), the nearest to it
 * through the relations and the smallest, and the audit runs again. Earlier packs cannot
 * change: if nothing of this pack is left to hide, the pack is refused in one sentence.
 * `hide` replays a recorded list instead (verify rebuilds the pack as it was issued).
 */

export interface PackAudit {
  result: 'passed';
  method: Policy['method'];
  /** Public packs audited together with this one. */
  packs: string[];
  routes: string[];
  /** Figures hidden by the audit on top of the method's own. */
  added: { figure: string; at: Location }[];
  /** Every protected figure of the packs and the range an intruder can derive for it. */
  cells: { figure: string; shown: string | null; range: [number, number | null] }[];
}

export interface ProtectInput {
  /** This pack as a public pack (its manifest is changed in place when figures are hidden). */
  current: PublicPack;
  issued: PublicPack[];
  relations: Relations;
  policy: Policy;
  /** Replay: hide these and audit nothing. */
  hide?: { figure: string; at: Location }[];
  /** The configured force, whose figures' cells carry no place (auditModel.ts placePrefix). */
  home?: string;
}

const MAX_ROUNDS = 200;

export async function protectPublic(input: ProtectInput): Promise<PackAudit> {
  const { current, policy } = input;
  // The pack this one replaces was public too, unless it showed the same data (a re-run).
  const others = input.issued.filter((p) => p.name !== current.name || p.manifest.snapshot.id !== current.manifest.snapshot.id).map((p) => (p.name === current.name ? { ...p, name: `${p.name} (as issued before)` } : p));
  const added: PackAudit['added'] = [];
  if (input.hide) {
    for (const h of input.hide) hideAt(current, h.at);
    return { result: 'passed', method: policy.method, packs: others.map((p) => p.name), routes: [], added: [...input.hide], cells: [] };
  }
  for (const h of restatedMoney(current, others, policy)) {
    hideAt(current, h.at);
    added.push(h);
  }
  for (let round = 0; ; round++) {
    const model = buildAuditModel([...others, current], input.relations, input.home);
    const audit = await auditRanges(model, { minCount: policy.minCount, minRange: policy.minRange }, (id) => printedIn(model, id, current.name));
    // Within one snapshot the declared sums hold (the build checked them), so a contradiction is a wrong declaration.
    if (audit.inconsistent.length > 0) {
      throw new WorkError(
        `The public pack ${current.name} was not written: its published figures and those of earlier public packs contradict each other at ${audit.inconsistent[0]}, so the intruder audit cannot be trusted; check the relations declared in the metric metadata (parts_of, numerator_is, denominator_is, stock_flow, over_time).`,
      );
    }
    if (audit.ok) return record(audit, others, added, policy);
    const hidden = new Set<string>();
    for (const v of audit.violations) {
      const pick = nearestToHide(model, v.cell, current.name, hidden);
      // Nothing left near it but what this round already hides: the next audit will tell.
      if (pick) hidden.add(pick);
    }
    if (hidden.size === 0) throw refusal(current, audit.violations[0]!, policy);
    if (round >= MAX_ROUNDS) throw refusal(current, audit.violations[0]!, policy);
    for (const id of hidden) {
      for (const p of model.cells.get(id)!.printed.filter((x) => x.pack === current.name)) {
        hideAt(current, p.at);
        added.push({ figure: id, at: p.at });
      }
    }
  }
}

/**
 * A sum of money printed again for the same period with another amount gives away the loss
 * of the crimes that moved it: the new amount is hidden unless both packs say how many crimes
 * they sum and those differ by at least minCrimesForMoney (the restatement difference route).
 */
function restatedMoney(current: PublicPack, others: PublicPack[], policy: Policy): PackAudit['added'] {
  const out: PackAudit['added'] = [];
  const { pack, comparisons } = current.manifest;
  const periods = { value: pack.period, previous: comparisons.previous.id, year_ago: comparisons.year_ago.id } as const;
  for (const m of current.manifest.metrics.filter((x) => x.unit === 'gbp')) {
    for (const column of ['value', 'previous', 'year_ago'] as const) {
      const now = m.display[column];
      if (!/\d/.test(now)) continue;
      for (const other of others) {
        const o = other.manifest;
        const before = o.metrics.find((x) => x.id === m.id);
        const col = (['value', 'previous', 'year_ago'] as const).find((c) => (c === 'value' ? o.pack.period : c === 'previous' ? o.comparisons.previous.id : o.comparisons.year_ago.id) === periods[column]);
        if (!before || !col || !/\d/.test(before.display[col]) || before.display[col] === now) continue;
        const crimes = column === 'value' && col === 'value' && m.denominator !== null && before.denominator !== null ? Math.abs(m.denominator - before.denominator) : 0;
        if (crimes < policy.minCrimesForMoney) {
          out.push({ figure: `${m.id}@${periods[column]}`, at: { kind: 'metric', metric: m.id, column } });
          break;
        }
      }
    }
  }
  return out;
}

function printedIn(model: AuditModel, id: string, pack: string): boolean {
  return model.cells.get(id)?.printed.some((p) => p.pack === pack) ?? false;
}

/**
 * The figure to hide for an exposed one: breadth first through the relations from it, the
 * smallest non-zero figure printed exactly (or rounded) by this pack and by no earlier one.
 */
function nearestToHide(model: AuditModel, start: string, pack: string, taken: Set<string>): string | null {
  const mine = (id: string) => model.cells.get(id)?.printed.filter((p) => p.pack === pack) ?? [];
  const elsewhere = (id: string) => model.cells.get(id)?.printed.filter((p) => p.pack !== pack) ?? [];
  // Printed exactly by this pack and by no earlier one: hiding it here takes it from the public.
  const hideable = (id: string) => {
    const c = model.cells.get(id);
    return !!c && c.hi > 0 && !taken.has(id) && mine(id).some((p) => p.exact) && !elsewhere(id).some((p) => p.exact);
  };
  // Else a "<5" of this pack shown "[c]" instead, so it no longer says "at most 4" (the last
  // resort): where no other pack prints it but as "[c]".
  const maskable = (id: string) => !taken.has(id) && mine(id).some((p) => p.display.startsWith('<')) && elsewhere(id).every((p) => p.display === SUPPRESSED);
  let frontier = new Set([start]);
  const seen = new Set<string>(frontier);
  const used = new Set<number>();
  while (frontier.size > 0) {
    const candidates: string[] = [];
    const masks: string[] = [];
    const next = new Set<string>();
    model.relations.forEach((r, i) => {
      if (used.has(i) || !r.terms.some((t) => frontier.has(t.cell))) return;
      used.add(i);
      for (const id of [...r.terms.map((t) => t.cell), ...r.given]) {
        if (hideable(id)) candidates.push(id);
        else if (maskable(id)) masks.push(id);
        if (!seen.has(id)) next.add(id);
        seen.add(id);
      }
    });
    const best = candidates.length > 0 ? candidates : masks;
    if (best.length > 0) return best.sort((a, b) => model.cells.get(a)!.lo - model.cells.get(b)!.lo || a.localeCompare(b))[0]!;
    frontier = next;
  }
  return null;
}

/** Hides one printed figure of a public manifest in place, with every figure worked out from it (changes, RAG). */
export function hideAt(pack: PublicPack, at: Location): void {
  // biome-ignore lint/suspicious/noExplicitAny: figures of every shape are edited in place by field name.
  const manifest = pack.manifest as unknown as { metrics: Record<string, any>[]; inputs?: Record<string, any>[] };
  if (at.kind === 'input') {
    const input = manifest.inputs?.find((i) => i.sha256 === at.sha256);
    if (input) {
      input.display = { ...(input.display ?? {}), [at.field]: SUPPRESSED };
      input[at.field] = null;
    }
    return;
  }
  if (at.kind === 'place') {
    // A force's figure in a regional pack; its rate and the group averages follow (comparison.ts settleComparison).
    const comparison = (pack.manifest as { comparison?: { figures: { metric: string; place: string; value: number | null; display: string }[] } }).comparison;
    const f = comparison?.figures.find((x) => x.metric === at.metric && x.place === at.place);
    if (f) Object.assign(f, { value: null, display: SUPPRESSED, numerator: null, denominator: null });
    return;
  }
  const m = manifest.metrics.find((x) => x.id === at.metric);
  if (!m) return;
  if (at.kind === 'part') m[at.field] = null;
  else if (at.kind === 'series') {
    const p = (m.series ?? []).find((x: { period: string }) => x.period === at.period);
    if (p) Object.assign(p, { value: null, display: SUPPRESSED });
  } else if (at.row !== undefined) {
    const r = (m.breakdown ?? []).find((x: { key: string }) => x.key === at.row);
    if (r) {
      r[at.column] = null;
      r.display = { ...r.display, [at.column]: SUPPRESSED };
    }
  } else {
    m[at.column] = null;
    m.display = { ...m.display, [at.column]: SUPPRESSED };
    if (at.column !== 'year_ago') Object.assign(m, { change: null, change_pct: null });
    if (at.column !== 'previous') Object.assign(m, { year_change: null, year_change_pct: null });
    if (at.column === 'value') Object.assign(m, { rag: null, suppressed: true, numerator: null, denominator: null });
  }
}

function record(audit: AuditResult, others: PublicPack[], added: PackAudit['added'], policy: Policy): PackAudit {
  return {
    result: 'passed',
    method: policy.method,
    packs: others.map((p) => p.name),
    routes: audit.routes,
    added,
    cells: audit.cells.map((c) => ({ figure: c.cell, shown: c.display, range: [c.lo, c.hi] as [number, number | null] })),
  };
}

function refusal(current: PublicPack, v: CellRange & { routes: string[] }, policy: Policy): WorkError {
  const range = v.hi === null ? `${v.lo} or more` : v.lo === v.hi ? `exactly ${v.lo}` : `${v.lo} to ${v.hi}`;
  return new WorkError(
    `The public pack ${current.name} was not written: ${v.cell} (shown ${v.display ?? 'nowhere'}) can be worked out as ${range} through ${v.routes.join(' and ') || 'the published figures'}, narrower than the policy's ${policy.minRange} values, and no figure of this pack is left to hide that would prevent it; publish fewer periods or metrics (disclosure.periods, disclosure.metrics) or withdraw the earlier pack.`,
  );
}
