import { setFlagsFromString } from 'node:v8';
import type { Highs } from 'highs';
import type { AuditModel, Cell, Relation, Route } from './auditModel.ts';
import { ROUTES } from './auditModel.ts';

/**
 * The intruder audit: for every protected figure of an audit model (auditModel.ts), the
 * tightest range an integer linear program (HiGHS) can derive from everything published,
 * judged against the policy. The figures are split into independent groups (figures tied by
 * some relation), so each program stays small.
 *
 * A protected figure is too narrow when:
 *  - its range holds fewer than minRange values and reaches below minCount (a small count,
 *    or one that might be small, narrowed or pinned: "<5" must stay 1-4). A "[c]" worked
 *    back to a count of minCount or more gives no small count away, so it is not judged;
 *    the small counts it was hidden for are.
 *  - or it is a restatement difference that cannot be 0 and is narrowed among small values.
 */

export interface AuditPolicy {
  minCount: number;
  minRange: number;
}

export interface CellRange {
  cell: string;
  display: string | null;
  lo: number;
  hi: number | null;
}

export interface Violation extends CellRange {
  routes: Route[];
}

export interface AuditResult {
  ok: boolean;
  /** Every protected figure and the range an intruder can derive for it (hi null: no upper limit). */
  cells: CellRange[];
  violations: Violation[];
  routes: Route[];
  /** Groups whose published figures contradict each other (not audited): their figures. */
  inconsistent: string[];
}

/** Larger than any count the packs print; a range reaching it has no upper limit. */
const CAP = 10_000_000;

let solver: Promise<Highs> | null = null;

/**
 * The solver's WebAssembly compiled by V8's baseline compiler only. By default V8 also
 * recompiles the module's hot functions with its optimising compiler on background threads,
 * and a public build (one audit a process) waited for that: about 300 ms of a 2 s build and
 * 600 ms of CPU, for linear programs of a few dozen cells that the baseline code solves in
 * less time than the recompiling took (docs/performance.md). The flag applies to WebAssembly
 * compiled after it is set, and nothing else in boardpack compiles any.
 */
async function compileHighs(): Promise<Highs> {
  // Imported here, not at the top: only public builds audit, and its 170 KB of JavaScript was
  // loaded at the start of every command (7-14 ms alone, within the noise of a whole `status`).
  // highs ships CommonJS types for an ES module build: its loader is the module's default export.
  const loadHighs = ((await import('highs')) as unknown as { default: () => Promise<Highs> }).default;
  setFlagsFromString('--liftoff-only');
  return loadHighs();
}
const answered = new Map<string, [number, number][] | null>();

/**
 * `focus`, when given, limits the audit to groups with a relation touching a figure it
 * accepts (the figures of the pack being built): the others were audited when their own
 * packs were, and nothing this pack prints can change them.
 */
export async function auditRanges(model: AuditModel, policy: AuditPolicy, focus?: (cell: string) => boolean): Promise<AuditResult> {
  const highs = await (solver ??= compileHighs());
  const { cells, relations } = model;
  const free = (id: string) => {
    const c = cells.get(id)!;
    return c.lo !== c.hi;
  };
  // Groups of unknown figures tied together by relations (union-find).
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const [id, c] of cells) if (c.lo !== c.hi) parent.set(id, id);
  for (const r of relations) {
    const vars = r.terms.map((t) => t.cell).filter(free);
    for (const v of vars.slice(1)) parent.set(find(v), find(vars[0]!));
  }
  const groups = new Map<string, { vars: string[]; rels: Relation[] }>();
  for (const id of parent.keys()) {
    const root = find(id);
    if (!groups.has(root)) groups.set(root, { vars: [], rels: [] });
    groups.get(root)!.vars.push(id);
  }
  const ranges = new Map<string, [number, number]>();
  const inconsistent: string[] = [];
  for (const r of relations) {
    const v = r.terms.map((t) => t.cell).find(free);
    if (v) groups.get(find(v))!.rels.push(r);
    else if (!holds(r, cells)) inconsistent.push(...r.terms.map((t) => t.cell));
  }
  for (const { vars, rels } of groups.values()) {
    if (focus && !vars.some(focus) && !rels.some((r) => r.terms.some((t) => focus(t.cell)) || r.given.some(focus))) continue;
    const checked = vars.filter((v) => {
      const k = cells.get(v)!.check;
      return k !== null && k !== 'derived';
    });
    if (checked.length === 0) continue;
    if (rels.length === 0) {
      for (const v of checked) ranges.set(v, [cells.get(v)!.lo, cells.get(v)!.hi]);
      continue;
    }
    // Whole-number bounds first: a figure they pin needs no program, and the rest splits further.
    const tight = tighten(vars, rels, cells);
    if (!tight) {
      inconsistent.push(...checked);
      continue;
    }
    const bound = (id: string): [number, number] => tight.get(id) ?? [cells.get(id)!.lo, cells.get(id)!.hi];
    const open = (id: string) => tight.has(id) && bound(id)[0] !== bound(id)[1];
    for (const v of checked.filter((x) => !open(x))) ranges.set(v, bound(v));
    const sub = new Map<string, string>(vars.filter(open).map((v) => [v, v]));
    const top = (x: string): string => (sub.get(x) === x ? x : top(sub.get(x)!));
    for (const r of rels) {
      const vs = r.terms.map((t) => t.cell).filter(open);
      for (const v of vs.slice(1)) sub.set(top(v), top(vs[0]!));
    }
    const parts = new Map<string, string[]>();
    for (const v of sub.keys()) parts.set(top(v), [...(parts.get(top(v)) ?? []), v]);
    for (const part of parts.values()) {
      const asked = checked.filter((v) => part.includes(v));
      if (asked.length === 0) continue;
      const inPart = rels.filter((r) => r.terms.some((t) => part.includes(t.cell)));
      const names = new Map(part.map((v, i) => [v, `x${i}`]));
      const lp = `Minimize\n obj: x0\n${program(part, inPart, bound, names)}`;
      const columns = asked.map((v) => names.get(v)!);
      // The build audits again after each hiding; parts it did not touch are answered from before.
      const key = `${lp}|${columns.join(' ')}`;
      const found = answered.has(key) ? answered.get(key)! : rangesIn(highs, lp, [...names.values()], columns, asked.map(bound));
      if (answered.size > 5000) answered.clear();
      answered.set(key, found);
      if (!found) inconsistent.push(...asked);
      else for (const [i, v] of asked.entries()) ranges.set(v, found[i]!);
    }
  }
  const shown: CellRange[] = [];
  const violations: Violation[] = [];
  for (const [id, [lo, hi]] of ranges) {
    const c = cells.get(id)!;
    const range: CellRange = { cell: id, display: c.display, lo: lo <= -CAP ? -Infinity : lo, hi: hi >= CAP ? null : hi };
    if (c.check !== 'derived') shown.push(range);
    if (tooNarrow(c, lo, hi, policy)) violations.push({ ...range, routes: routesOf(id, relations) });
  }
  return { ok: violations.length === 0, cells: shown.sort((a, b) => a.cell.localeCompare(b.cell)), violations, routes: ROUTES, inconsistent };
}

export function tooNarrow(c: Pick<Cell, 'check'>, lo: number, hi: number, policy: AuditPolicy): boolean {
  const width = hi - lo + 1;
  if (c.check === 'difference') return (lo > 0 || hi < 0) && width < policy.minRange && Math.min(Math.abs(lo), Math.abs(hi)) < policy.minCount;
  return width < policy.minRange && lo < policy.minCount && hi > 0;
}

function routesOf(id: string, relations: Relation[]): Route[] {
  return [...new Set(relations.filter((r) => r.terms.some((t) => t.cell === id)).map((r) => r.route))];
}

function holds(r: Relation, cells: Map<string, Cell>): boolean {
  const sum = r.terms.reduce((s, t) => s + t.coef * cells.get(t.cell)!.lo, 0);
  return sum >= r.lo - 1e-6 && sum <= r.hi + 1e-6;
}

/** The constraints, bounds and integrality of a group in CPLEX LP format (after the objective). */
/**
 * Whole-number bounds implied by the constraints, one constraint at a time, until nothing
 * moves (a sound deduction, the reader's own arithmetic): it fixes most figures a percentage
 * pins, so the relaxations come out whole and few integer programs are needed.
 */
function tighten(vars: string[], rels: Relation[], cells: Map<string, Cell>): Map<string, [number, number]> | null {
  const b = new Map<string, [number, number]>();
  const get = (id: string): [number, number] => b.get(id) ?? [Math.max(cells.get(id)!.lo, -CAP), Math.min(cells.get(id)!.hi, CAP)];
  for (const v of vars) b.set(v, get(v));
  for (let round = 0, changed = true; changed && round < 50; round++) {
    changed = false;
    for (const r of rels) {
      for (const t of r.terms) {
        if (!b.has(t.cell)) continue;
        // coef * x = sum - rest, with sum in [r.lo, r.hi] and rest the other terms.
        let restLo = 0;
        let restHi = 0;
        for (const o of r.terms) {
          if (o === t) continue;
          const [lo, hi] = get(o.cell);
          restLo += o.coef > 0 ? o.coef * lo : o.coef * hi;
          restHi += o.coef > 0 ? o.coef * hi : o.coef * lo;
        }
        const [lo, hi] = [r.lo - restHi, r.hi - restLo];
        let [xlo, xhi] = t.coef > 0 ? [lo / t.coef, hi / t.coef] : [hi / t.coef, lo / t.coef];
        xlo = Number.isFinite(xlo) ? Math.ceil(xlo - 1e-9) : -Infinity;
        xhi = Number.isFinite(xhi) ? Math.floor(xhi + 1e-9) : Infinity;
        const [clo, chi] = b.get(t.cell)!;
        if (xlo > clo || xhi < chi) {
          const next: [number, number] = [Math.max(clo, xlo), Math.min(chi, xhi)];
          if (next[0] > next[1]) return null;
          b.set(t.cell, next);
          changed = true;
        }
      }
    }
  }
  return b;
}

function program(vars: string[], rels: Relation[], bound: (id: string) => [number, number], names: Map<string, string>): string {
  const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(10).replace(/0+$/, ''));
  const lines: string[] = [];
  rels.forEach((r, i) => {
    let constant = 0;
    const parts: string[] = [];
    for (const t of r.terms) {
      const name = names.get(t.cell);
      if (name === undefined) constant += t.coef * bound(t.cell)[0];
      else parts.push(`${t.coef < 0 ? '-' : '+'} ${num(Math.abs(t.coef))} ${name}`);
    }
    const expr = parts.join(' ');
    if (r.lo === r.hi) lines.push(` e${i}: ${expr} = ${num(r.lo - constant)}`);
    else {
      if (Number.isFinite(r.lo)) lines.push(` l${i}: ${expr} >= ${num(r.lo - constant)}`);
      if (Number.isFinite(r.hi)) lines.push(` u${i}: ${expr} <= ${num(r.hi - constant)}`);
    }
  });
  const bounds = vars.map((v) => ` ${num(bound(v)[0])} <= ${names.get(v)} <= ${num(bound(v)[1])}`);
  return `Subject To\n${lines.join('\n')}\nBounds\n${bounds.join('\n')}\nGenerals\n ${vars.map((v) => names.get(v)).join(' ')}\nEnd\n`;
}

/**
 * Least and greatest value of each named column; one model, its objective changed per
 * question. Every solution found is a feasible point for all columns, so an end already
 * reached by some point at the column's own bound needs no program of its own: first the
 * sum of the columns is pushed down and up, then only the ends still open are asked.
 * Null when the published figures contradict each other.
 */
function rangesIn(highs: Highs, lp: string, all: string[], columns: string[], bounds: [number, number][]): [number, number][] | null {
  const model = highs.createModel({ format: 'lp', data: lp });
  try {
    // These programs are small: presolve costs more than it saves (measured on the sample).
    model.options.set({ output_flag: false, mip_rel_gap: 0, presolve: 'off', solver: 'simplex' });
    const index = new Map(all.map((name) => [name, model.getColByName(name)]));
    const seen = columns.map(() => [Infinity, -Infinity] as [number, number]);
    const integral = (integer: boolean) => {
      for (const j of index.values()) model.changeColIntegrality(j, integer ? highs.constants.variableType.integer : highs.constants.variableType.continuous);
    };
    // Most groups are sums only, whose linear relaxation has whole-number optima: the integer
    // program is run only when the relaxation's answer is not whole.
    integral(false);
    const run = (): number[] | null => {
      model.run();
      if (model.getModelStatus() !== highs.constants.modelStatus.optimal) return null;
      return [...model.getSolution().colValue];
    };
    const ask = (costs: Map<number, number>, sense: 'min' | 'max'): boolean => {
      for (const j of index.values()) model.changeColCost(j, costs.get(j) ?? 0);
      model.changeObjectiveSense(sense === 'min' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize);
      let values = run();
      // A relaxation that reaches the cap is unbounded, and so (the data being rational) is the integer program.
      const open = values !== null && Math.abs(model.getObjectiveValue()) >= CAP / 2;
      const fractional = values?.some((v) => Math.abs(v - Math.round(v)) > 1e-6);
      // The sums only gather witnesses: a fractional one is not worth an integer program.
      if (fractional && costs.size > 1) return true;
      if (values && !open && fractional) {
        // Presolve and no heuristics pay for themselves on the integer programs (measured on the sample).
        integral(true);
        model.options.set({ presolve: 'on', solver: 'choose', mip_heuristic_effort: 0 });
        values = run();
        model.options.set({ presolve: 'off', solver: 'simplex' });
        integral(false);
      }
      if (!values) return false;
      if (open && costs.size > 1) return true;
      if (open) {
        const i = columns.findIndex((name) => costs.has(index.get(name)!));
        seen[i] = sense === 'max' ? [seen[i]![0], CAP] : [-CAP, seen[i]![1]];
        return true;
      }
      columns.forEach((name, i) => {
        const v = Math.round(values[index.get(name)!]!);
        seen[i] = [Math.min(seen[i]![0], v), Math.max(seen[i]![1], v)];
      });
      return true;
    };
    const everything = new Map(columns.map((name) => [index.get(name)!, 1]));
    if (!ask(everything, 'min') || !ask(everything, 'max')) return null;
    for (const [i, name] of columns.entries()) {
      const one = new Map([[index.get(name)!, 1]]);
      if (seen[i]![0] > bounds[i]![0] && !ask(one, 'min')) return null;
      if (seen[i]![1] < bounds[i]![1] && !ask(one, 'max')) return null;
    }
    return seen;
  } finally {
    model.dispose();
  }
}
