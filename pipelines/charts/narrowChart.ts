import type { Spec } from 'vega';
import { wrapLabel } from './formatFigures.ts';

/** One row bound to a chart (as compileChart.ts binds it). */
type ChartRow = Record<string, string | number | null>;

/**
 * Phones get each chart drawn a second time, NARROW_WIDTH wide, rather than the wide drawing
 * shrunk (which took its 11 px text down to 6 px at 375 px): category names, titles and
 * subtitles wrapped shorter and every other month label, so its text stays at the spec's
 * sizes. The page shows one or the other by the screen's width (pack.css); paper gets the
 * wide one. Also here: the category order kept, and a chart with every figure withheld.
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

/**
 * The narrow drawing's spec: NARROW_WIDTH wide, axis labels limited to NARROW_LABEL_LIMIT so
 * category names leave room for the bars, and month axes showing every other label when
 * they would collide.
 */
export function narrowSpec(spec: Spec): Spec {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
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

export function withClass(svg: string, name: string): string {
  return /^<svg\b[^>]*\sclass="/.test(svg) ? svg.replace(/^(<svg\b[^>]*\sclass=")([^"]*)"/, `$1$2 ${name}"`) : svg.replace(/^<svg\b/, `<svg class="${name}"`);
}

/** The narrow drawing's spec and rows, or null when the spec is no wider than the narrow width. A view of its own: a view re-laid out at another width kept the wide layout's bounds. */
export function narrowDrawing(vegaSpec: Spec, rows: ChartRow[]): { spec: Spec; rows: ChartRow[] } | null {
  if (!(typeof vegaSpec.width === 'number' && vegaSpec.width > NARROW_WIDTH)) return null;
  const narrowRows = rows.map((row) => (typeof row.label === 'string' ? { ...row, label: narrowLabel(row.label) } : row));
  // Category names take more lines when narrow: each band gets room for its longest name.
  const lines = Math.max(1, ...narrowRows.map((row) => (typeof row.label === 'string' ? row.label.split('\n').length : 1)));
  const height = typeof vegaSpec.height === 'number' ? vegaSpec.height : 0;
  const needed = lines > 1 ? NARROW_FRAME + narrowRows.length * (lines * LINE_HEIGHT + 12) : 0;
  return { spec: { ...narrowSpec(vegaSpec), height: Math.max(height, needed) }, rows: narrowRows };
}
