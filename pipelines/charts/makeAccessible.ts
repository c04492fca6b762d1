/**
 * Turns Vega's SVG into an accessible, self-contained figure for inlining in the pack:
 * role="img" with an accessible name and description from inserted <title> and <desc>
 * elements, focusable="false" (older browsers otherwise put the SVG in the tab order),
 * and every internal id (Vega's clip paths and gradients) scoped to the chart, so eight
 * charts on one page never share an id.
 */

export interface ChartLabels {
  id: string;
  title: string;
  description: string;
}

const CHART_ID = /^[a-z][a-z0-9-]*$/;

export function makeAccessible(svg: string, chart: ChartLabels): string {
  if (!CHART_ID.test(chart.id)) throw new Error(`chart id "${chart.id}" must be lower-case letters, digits and hyphens`);
  const prefix = `chart-${chart.id}`;
  const scoped = scopeIds(svg, prefix);
  const open = /^<svg\b[^>]*>/.exec(scoped);
  if (!open) throw new Error(`the SVG for chart ${chart.id} does not start with an <svg> element`);
  const titleId = `${prefix}-title`;
  const descId = `${prefix}-desc`;
  const tag = open[0].replace(/>$/, ` role="img" aria-labelledby="${titleId} ${descId}" focusable="false">`);
  const labels = `<title id="${titleId}">${escapeXml(chart.title)}</title><desc id="${descId}">${escapeXml(chart.description)}</desc>`;
  return tag + labels + scoped.slice(open[0].length);
}

/**
 * Renames every id="..." to `<prefix>-<n>`, numbered in order of first appearance,
 * with its url(#...) and href="#..." references. Vega numbers clip paths from a
 * process-wide counter (clip1, clip2, ... growing with every render), so this also
 * makes the same chart render to the same bytes however many charts came before it.
 */
export function scopeIds(svg: string, prefix: string): string {
  const renamed = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = match[1]!;
    if (!renamed.has(id)) renamed.set(id, `${prefix}-${renamed.size + 1}`);
  }
  if (renamed.size === 0) return svg;
  const to = (id: string) => renamed.get(id);
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (whole, a: string, id: string, b: string) => (to(id) ? a + to(id) + b : whole))
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (to(id) ? `url(#${to(id)})` : whole))
    .replace(/((?:xlink:)?href=")#([^"]+)(")/g, (whole, a: string, id: string, b: string) => (to(id) ? `${a}#${to(id)}${b}` : whole));
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
