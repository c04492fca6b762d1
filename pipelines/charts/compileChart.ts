import type { Spec, View, ViewOptions } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { makeAccessible } from './makeAccessible.ts';
import { wrapLabel } from './formatFigures.ts';

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
  // Loaded on first use: Vega takes about a second to import, and most commands draw nothing.
  const { compile } = await import('vega-lite');
  if (allWithheld(rows)) return { id: options.id, title: options.title, description: options.description, svg: WITHHELD, table: tabulateRows(rows, options.table), warnings };
  const vega = keepRowOrder(compile(full, { logger }).spec);
  const [wide, narrow] = await renderSvgs(vega, rows, logger);
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    svg: narrow === null ? makeAccessible(wide, options) : withClass(makeAccessible(wide, options), 'chart-wide') + withClass(makeAccessible(narrow, { ...options, id: `${options.id}-narrow` }), 'chart-narrow'),
    table: tabulateRows(rows, options.table),
    warnings,
  };
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

/**
 * Phones get the chart drawn again at NARROW_WIDTH rather than the wide drawing shrunk (which
 * took its 11 px text down to 6 px at 375 px): the same view re-laid out narrower, category
 * names wrapped shorter, so its text stays at the spec's sizes. The page shows one or the
 * other by the screen's width (pack.css); paper gets the wide one.
 */
export const NARROW_WIDTH = 296;
/** Category names wrap onto lines of at most this many characters in the narrow drawing. */
const NARROW_LABEL = 14;
/** Titles and subtitles wrap at these many characters in the narrow drawing (Vega estimates 0.8 em a character). */
const NARROW_TITLE = 22;
const NARROW_SUBTITLE = 28;
/** Room for the wrapped title, subtitle and axis around a narrow bar chart's bands, and one label line's height. */
const NARROW_FRAME = 170;
const LINE_HEIGHT = 13;
/** Axis labels may take at most this much of the narrow drawing's width. */
const NARROW_LABEL_LIMIT = 140;

async function renderSvgs(vegaSpec: Spec, rows: ChartRow[], logger: Logger): Promise<[string, string | null]> {
  const wide = await renderSvg(vegaSpec, rows, logger);
  if (!(typeof vegaSpec.width === 'number' && vegaSpec.width > NARROW_WIDTH)) return [wide, null];
  // A view of its own: a view re-laid out at another width kept the wide layout's bounds.
  const narrowRows = rows.map((row) => (typeof row.label === 'string' ? { ...row, label: narrowLabel(row.label) } : row));
  // Category names take more lines when narrow: each band gets room for its longest name.
  const lines = Math.max(1, ...narrowRows.map((row) => (typeof row.label === 'string' ? row.label.split('\n').length : 1)));
  const height = typeof vegaSpec.height === 'number' ? vegaSpec.height : 0;
  const needed = lines > 1 ? NARROW_FRAME + narrowRows.length * (lines * LINE_HEIGHT + 12) : 0;
  return [wide, await renderSvg({ ...narrowSpec(vegaSpec), height: Math.max(height, needed) }, narrowRows, logger)];
}

async function renderSvg(vegaSpec: Spec, rows: ChartRow[], logger: Logger): Promise<string> {
  const { parse, View } = await import('vega');
  const view = new View(parse(vegaSpec), { renderer: 'none', logger });
  try {
    // Vega tags the objects it ingests; copies keep the caller's rows untouched.
    view.data('values', rows.map((row) => ({ ...row })));
    const svg = await view.toSVG();
    checkFit(view, svg, logger);
    return svg;
  } finally {
    view.finalize();
  }
}

/**
 * The narrow drawing's spec: NARROW_WIDTH wide, axis labels limited to NARROW_LABEL_LIMIT so
 * category names leave room for the bars, and month axes showing every other label when
 * they would collide.
 */
export function narrowSpec(spec: Spec): Spec {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (Array.isArray(record.axes)) {
      for (const axis of record.axes as Record<string, unknown>[]) {
        if (typeof axis.labelLimit === 'number' && axis.labelLimit > NARROW_LABEL_LIMIT) axis.labelLimit = NARROW_LABEL_LIMIT;
        if (axis.orient === 'bottom') Object.assign(axis, { labelFlush: true, ...(axis.labelOverlap === undefined ? { labelOverlap: 'parity' } : {}) });
      }
    }
    if (Array.isArray(record.marks)) visit(record.marks);
  };
  const copy = { ...structuredClone(spec), width: NARROW_WIDTH };
  visit(copy);
  // Titles and subtitles wrap rather than run off the side.
  const title = copy.title as { text?: unknown; subtitle?: unknown } | undefined;
  const wrap = (lines: unknown, width: number) => (typeof lines === 'string' || Array.isArray(lines) ? [lines].flat().flatMap((line) => wrapLabel(String(line), width).split('\n')) : lines);
  if (title && typeof title === 'object') Object.assign(title, { text: wrap(title.text, NARROW_TITLE), ...(title.subtitle === undefined ? {} : { subtitle: wrap(title.subtitle, NARROW_SUBTITLE) }) });
  return copy;
}

/** A category name wrapped for the narrow drawing; a word too long for a line breaks after a slash ("virus/" "malware/"). */
export function narrowLabel(label: string): string {
  return wrapLabel(label.replace(/\n/g, ' '), NARROW_LABEL)
    .split('\n')
    .flatMap((line) => (line.length > NARROW_LABEL && line.includes('/') ? line.split(/(?<=\/)/) : [line]))
    .join('\n');
}

/** What stands for a chart whose every figure is withheld: a sentence, not an empty frame with a target line. */
export const WITHHELD = '<p class="chart-withheld">Every figure in this chart is withheld to protect confidentiality ([c] or &lt;5), so there is nothing to draw: see <a href="#how-to-read">How to read this pack</a>.</p>';

/** No row has a value, and some were withheld by disclosure control (their text "[c]" or "<5"). */
export function allWithheld(rows: ChartRow[]): boolean {
  return rows.every((row) => row.value === null) && rows.some((row) => typeof row.value_text === 'string' && /^(\[c\]|<\d+)$/.test(row.value_text));
}

/**
 * Categories stay in the order of the rows. Vega-Lite unites a layered chart's category domain
 * from each layer's data after dropping rows without a value, so a category whose bar is
 * suppressed in the public edition ("[c]") moved to the end; its domain is read from the
 * rows themselves instead, in their order.
 */
export function keepRowOrder(spec: Spec): Spec {
  const copy = structuredClone(spec);
  for (const scale of (copy as unknown as { scales?: { type?: string; domain?: unknown }[] }).scales ?? []) {
    const fields = (scale.domain as { fields?: { data?: string; field?: string }[] } | undefined)?.fields;
    if ((scale.type === 'band' || scale.type === 'point') && fields?.length && fields.every((f) => typeof f === 'object' && f.field === fields[0]!.field)) {
      scale.domain = { data: 'values', field: fields[0]!.field };
    }
  }
  return copy;
}

function withClass(svg: string, name: string): string {
  return /^<svg\b[^>]*\sclass="/.test(svg) ? svg.replace(/^(<svg\b[^>]*\sclass=")([^"]*)"/, `$1$2 ${name}"`) : svg.replace(/^<svg\b/, `<svg class="${name}"`);
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
    const over = [[-left, 'left'], [-top, 'top'], [right, 'right'], [bottom, 'bottom']].filter(([by]) => (by as number) > 0.5);
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
