/**
 * Secondary suppression for the public edition (docs/metrics.md, "disclosure control"): given
 * published counts tied together by sums (a breakdown and its total, the months of a
 * series and the quarter they make up, two metrics that are the same number), hide more
 * figures until no hidden count can be worked back out. Pure: it only changes the marks
 * of the slots it is given.
 *
 * The reader is assumed to know every shown figure, every sum in `tables`, and this
 * algorithm. So a hidden figure is known to lie in:
 *   - primary ("<5"): 1 .. minCount-1;
 *   - secondary ("[c]"): minCount or more (it is neither 0 nor small, or it would not
 *     have been chosen); a secondary cell is also at most the smallest non-zero cell
 *     still shown in the table it was chosen from, because cells are chosen smallest first;
 *   - masked (a small count shown "[c]" rather than "<5", the last resort): 1 or more.
 * Those bounds are tightened through every sum until nothing changes (interval
 * propagation; for a single sum this is exactly what the reader can deduce). A hidden
 * figure whose bounds meet is exposed. The fix, looked for first in the tables holding it,
 * then in the tables next to those, and so on: hide the smallest non-zero cell still
 * shown; else a shown total; else show a small total, else a small cell, as "[c]". Every
 * step hides one more figure, so it ends; a figure that still cannot be protected (with
 * minCount 2, "<2" already says 1) is left as it is.
 */

export type Mark = 'shown' | 'primary' | 'secondary' | 'masked';

export interface Slot {
  /** The exact value, a count: an integer of 0 or more. Null values take no part. */
  value: number;
  mark: Mark;
  /** The table a secondary cell was chosen from, smallest first (it bounds the cell). */
  chosenIn?: Table;
  /** Known to the reader but printed nowhere, so hiding it would protect nothing. */
  locked?: boolean;
}

/** total = sum(cells). A slot may be in several tables (as a total in one, a cell in another). */
export interface Table {
  total: Slot;
  cells: Slot[];
}

export function isPrimary(value: number, minCount: number): boolean {
  return value >= 1 && value < minCount;
}

export function slot(value: number, minCount: number): Slot {
  return { value, mark: isPrimary(value, minCount) ? 'primary' : 'shown' };
}

type Bounds = Map<Slot, [number, number]>;

/** What the reader can deduce about each slot: [lowest, highest] possible value. */
export function readerBounds(tables: Table[], minCount: number): Bounds {
  const bounds: Bounds = new Map();
  const smallestShown = (t: Table) => Math.min(...t.cells.filter((c) => c.mark === 'shown' && !c.locked && c.value > 0).map((c) => c.value));
  for (const t of tables) {
    for (const s of [t.total, ...t.cells]) {
      if (s.mark === 'shown') bounds.set(s, [s.value, s.value]);
      else if (s.mark === 'primary') bounds.set(s, [1, minCount - 1]);
      else if (s.mark === 'masked') bounds.set(s, [1, Infinity]);
      else bounds.set(s, [minCount, s.chosenIn ? smallestShown(s.chosenIn) : Infinity]);
    }
  }
  const get = (s: Slot) => bounds.get(s)!;
  let changed = true;
  for (let round = 0; changed && round < 1000; round++) {
    changed = false;
    const narrow = (s: Slot, lo: number, hi: number) => {
      const [l, h] = get(s);
      if (lo > l || hi < h) {
        bounds.set(s, [Math.max(l, lo), Math.min(h, hi)]);
        changed = true;
      }
    };
    for (const t of tables) {
      const sum = (slots: Slot[], end: 0 | 1) => slots.reduce((total, s) => total + get(s)[end], 0);
      narrow(t.total, sum(t.cells, 0), sum(t.cells, 1));
      const [tlo, thi] = get(t.total);
      for (const c of t.cells) {
        const others = t.cells.filter((o) => o !== c);
        // Infinity only ever appears as an upper bound, so no Infinity - Infinity.
        narrow(c, tlo - sum(others, 1), thi - sum(others, 0));
      }
    }
  }
  return bounds;
}

/** Hides more figures (secondary suppression) until no hidden slot in `tables` is exposed. */
export function protect(tables: Table[], minCount: number): void {
  const givenUp = new Set<Slot>();
  for (;;) {
    const bounds = readerBounds(tables, minCount);
    const exposed = [...bounds].find(([s, [lo, hi]]) => s.mark !== 'shown' && lo === hi && !givenUp.has(s))?.[0];
    if (!exposed) return;
    if (!fix(tables, exposed)) givenUp.add(exposed);
  }
}

/** Hides one more figure as near `exposed` as it can; false when there is none left. */
function fix(tables: Table[], exposed: Slot): boolean {
  const seen = new Set<Table>();
  let near = new Set<Slot>([exposed]);
  while (near.size > 0) {
    const level = tables.filter((t) => !seen.has(t) && (near.has(t.total) || t.cells.some((c) => near.has(c))));
    for (const t of level) seen.add(t);
    let best: { cell: Slot; table: Table } | null = null;
    for (const t of level) {
      for (const c of t.cells) {
        if (c.mark === 'shown' && !c.locked && c.value > 0 && (!best || c.value < best.cell.value)) best = { cell: c, table: t };
      }
    }
    if (best) {
      best.cell.mark = 'secondary';
      best.cell.chosenIn = best.table;
      return true;
    }
    const next = level.find((t) => t.total.mark === 'shown' && t.total.value > 0)?.total ?? level.find((t) => t.total.mark === 'primary')?.total ?? level.flatMap((t) => t.cells).find((c) => c.mark === 'primary');
    if (next) {
      next.mark = next.mark === 'shown' ? 'secondary' : 'masked';
      return true;
    }
    near = new Set(level.flatMap((t) => [t.total, ...t.cells]));
  }
  return false;
}
