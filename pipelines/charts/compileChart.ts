import type { Spec, View, ViewOptions } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { vegaOf, runtimeOf } from './keptSpecs.ts';
import { makeAccessible } from './makeAccessible.ts';
import { allWithheld, keepRowOrder, narrowDrawing, WITHHELD, withClass } from './narrowChart.ts';

/**
 * The chart stage for one chart: a Vega-Lite spec (reports/charts/<id>.json, whose
 * data is the named placeholder `values`) and its rows become an inline, accessible
 * SVG and the data table that stands in for it. Rendered server-side with no canvas
 * (Vega's renderer `none`, then toSVG), so text is measured by Vega's estimate; the
 * specs give explicit sizes and label limits to fit anyway. Whatever Vega-Lite or
 * Vega logs as a warning or error is returned, not printed: a clean chart has none.
 */

export type ChartRow = Record<string, string | number | null>;

export interface TableLayout {
  caption: string;
  /** One column per field of the rows, in order, with its header. */
  columns: { header: string; field: string }[];
}

export interface ChartOptions {
  id: string;
  title: string;
  description: string;
  /** Lines under the title (a key to the marks, say); the spec's own subtitle if absent. */
  subtitle?: string[];
  table: TableLayout;
}

export interface ChartTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

export interface CompiledChart {
  id: string;
  title: string;
  description: string;
  svg: string;
  table: ChartTable;
  warnings: string[];
}

type Logger = NonNullable<ViewOptions['logger']>;

export async function compileChart(spec: TopLevelSpec, rows: ChartRow[], options: ChartOptions): Promise<CompiledChart> {
  const warnings: string[] = [];
  const logger = captureLogger(warnings);
  const full = composeSpec(spec, options);
  if (allWithheld(rows)) return { id: options.id, title: options.title, description: options.description, svg: WITHHELD, table: tabulateRows(rows, options.table), warnings };
  const key = JSON.stringify([full, rows, options.id]);
  let drawing = drawn.get(key);
  if (drawing === undefined) {
    // Compiled once per spec and kept between processes (keptSpecs.ts); Vega-Lite is imported only to compile.
    const vega = keepRowOrder(await vegaOf(full, logger));
    const [wide, narrow] = await renderSvgs(vega, rows, logger);
    drawing = {
      svg: narrow === null ? makeAccessible(wide, options) : withClass(makeAccessible(wide, options), 'chart-wide') + withClass(makeAccessible(narrow, { ...options, id: `${options.id}-narrow` }), 'chart-narrow'),
      warnings: [...warnings],
    };
    remember(key, drawing);
  }
  return { id: options.id, title: options.title, description: options.description, svg: drawing.svg, table: tabulateRows(rows, options.table), warnings: [...drawing.warnings] };
}

/**
 * Drawings already made in this process, by spec and rows. Drawing is a pure function of them,
 * and a refresh draws the same chart more than once: the board and public editions share every
 * chart with nothing withheld, and a force with area packs has some ten packs of nine charts.
 * Bounded (a drawing is some 10-40 kB of SVG), oldest out first.
 */
const drawn = new Map<string, { svg: string; warnings: string[] }>();
const DRAWINGS_KEPT = 256;

/** Forgets every drawing kept: the chart benchmark times drawing, not looking one up. */
export function forgetDrawings(): void {
  drawn.clear();
}

function remember(key: string, drawing: { svg: string; warnings: string[] }): void {
  drawn.set(key, drawing);
  if (drawn.size > DRAWINGS_KEPT) drawn.delete(drawn.keys().next().value!);
}

/**
 * Starts loading Vega without waiting for it: a refresh calls it while DuckDB checks the largest
 * export (the JavaScript thread waits for it then) instead of after the metrics, when the charts
 * need it. Vega-Lite is not loaded: the specs it compiles are kept (keptSpecs.ts), so it is needed
 * only for a spec not compiled before, and loading it cost the ingest about 75 ms. A failure to
 * load is left to the first chart to report.
 */
export function preloadCharts(): void {
  import('vega').catch(() => undefined);
}

/** The spec with the chart's title, subtitle and description, marks hidden from ARIA; the spec file itself is not changed. */
export function composeSpec(spec: TopLevelSpec, options: Pick<ChartOptions, 'title' | 'description' | 'subtitle'>): TopLevelSpec {
  const copy = structuredClone(spec) as TopLevelSpec & { title?: unknown };
  const given = copy.title;
  const title = typeof given === 'object' && given !== null && !Array.isArray(given) ? { ...(given as object) } : {};
  const subtitle = options.subtitle ?? (title as { subtitle?: unknown }).subtitle;
  // The SVG is one role="img" named by its title and description, with a data table
  // beside it; Vega's own ARIA on each mark container would be unnamed images inside it
  // (axe: svg-img-alt), so marks are hidden from assistive technology whatever the spec says.
  const config = (copy as { config?: Record<string, unknown> }).config ?? {};
  const mark = typeof config.mark === 'object' && config.mark !== null ? config.mark : {};
  Object.assign(copy, {
    title: { ...title, text: options.title, ...(subtitle === undefined ? {} : { subtitle }) },
    description: options.description,
    config: { ...config, mark: { ...mark, aria: false } },
  });
  return copy;
}

/** The wide drawing (the spec's width), and the narrow one for phones when the spec is wider (narrowChart.ts). */
async function renderSvgs(vegaSpec: Spec, rows: ChartRow[], logger: Logger): Promise<[string, string | null]> {
  const wide = await renderSvg(vegaSpec, rows, logger);
  const narrow = narrowDrawing(vegaSpec, rows);
  return [wide, narrow ? await renderSvg(narrow.spec, narrow.rows, logger) : null];
}

async function renderSvg(vegaSpec: Spec, rows: ChartRow[], logger: Logger): Promise<string> {
  // Loaded on first use: Vega takes a few hundred milliseconds to import, and most commands draw nothing.
  const { View } = await import('vega');
  const view = new View(await runtimeOf(vegaSpec), { renderer: 'none', logger });
  try {
    // Vega tags the objects it ingests; copies keep the caller's rows untouched.
    view.data(
      'values',
      rows.map((row) => ({ ...row })),
    );
    const svg = await view.toSVG();
    checkFit(view, svg, logger);
    return svg;
  } finally {
    view.finalize();
  }
}

/**
 * Warns when anything drawn (by Vega's own text estimate, which runs wider than real
 * fonts) spills outside the SVG, where it would be cut off, or when Vega shortened a
 * label to its limit with an ellipsis. Either way a label does not fit.
 */
function checkFit(view: View, svg: string, logger: Logger): void {
  const size = /^<svg\b[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const root = (view.scenegraph() as unknown as { root?: { bounds?: { x1: number; y1: number; x2: number; y2: number } } }).root;
  if (size && root?.bounds) {
    const [ox, oy] = view.origin();
    const pad = view.padding() as { left: number; top: number };
    const b = root.bounds;
    const left = b.x1 + ox + pad.left;
    const top = b.y1 + oy + pad.top;
    const right = b.x2 + ox + pad.left - Number(size[1]);
    const bottom = b.y2 + oy + pad.top - Number(size[2]);
    const over = [
      [-left, 'left'],
      [-top, 'top'],
      [right, 'right'],
      [bottom, 'bottom'],
    ].filter(([by]) => (by as number) > 0.5);
    if (over.length) logger.warn(`the chart overflows its ${size[1]} x ${size[2]} area (${over.map(([by, side]) => `${side} by ${Math.ceil(by as number)} px`).join(', ')}); shorten a title or label, or give it more room`);
  }
  for (const text of svg.matchAll(/>([^<]*\u2026)</g)) logger.warn(`a label was cut short to "${text[1]}"; raise its labelLimit or wrap it`);
}

/** The data table: one row per chart row, the columns the layout names, as text. */
export function tabulateRows(rows: ChartRow[], layout: TableLayout): ChartTable {
  return {
    caption: layout.caption,
    columns: layout.columns.map((c) => c.header),
    // "n/a" (the public edition's none) in the words the board edition uses.
    rows: rows.map((row) => layout.columns.map((c) => (row[c.field] === 'n/a' ? 'not available' : String(row[c.field] ?? '')))),
  };
}

/** A Vega logger that keeps warnings and errors (with their level) and drops info and debug. */
function captureLogger(into: string[]): Logger {
  let level = 0;
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      into.push(`error: ${text(args)}`);
      return logger;
    },
    warn(...args: unknown[]) {
      into.push(`warning: ${text(args)}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as Logger;
}
