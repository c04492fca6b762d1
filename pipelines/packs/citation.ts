import { londonDate } from '../lib/clock.ts';
import { formatFigure, formatNumber } from './format.ts';
import { datasetWords, longDate } from './datasetWords.ts';
import { packFolderName, type Manifest, type PackMetric } from './manifest.ts';

/**
 * A citation of one figure ready for a letter or a briefing: the figure as the pack shows it
 * (with its numerator and denominator in words where the metric has them), the period, the
 * definition, the caveats, the pack's title, edition and date, the source files and a link.
 * Everything comes from the one pack's manifest, so a public citation can only carry what
 * the public pack publishes. No local path: the link is the published address when one is
 * configured, otherwise an anchor inside the pack.
 */

export const PACK_TITLE = 'Strategic Cyber Crime Board performance pack';

export interface LetterCitation {
  citation_id: string;
  metric: { id: string; title: string; unit: string };
  figure: {
    /** Null when the edition does not publish it (suppressed) or there is none. */
    value: number | null;
    /** The figure as the pack shows it, in words for a controlled one: "86.3 %", "fewer than 5". */
    text: string;
    numerator: number | null;
    denominator: number | null;
    /** The numerator and denominator in words, "107 of 124 crimes due contact", or null. */
    basis: string | null;
  };
  period: { id: string; label: string; start: string; end: string };
  as_of: string;
  definition: string;
  caveats: string[];
  pack: { title: string; force: string; edition: 'board' | 'public'; marking: string; generated_on: string; link: string; publisher?: string };
  /** A public citation has neither the file name nor the load date (null): the public manifest does not publish them. */
  sources: { file: string | null; description: string; sha256: string; loaded_on: string | null }[];
}

export type CitationFormat = 'text' | 'markdown' | 'json';
export const CITATION_FORMATS: CitationFormat[] = ['text', 'markdown', 'json'];

/**
 * A citation ID's parts: the code of the pack's place (a force WM, an area of it WM-SHR, a region
 * WMR, or a force in a region's comparison WMR-SP), the period and the metric:
 * WM-SHR-2025-26-Q2-INC-05 -> { code: 'WM-SHR', period: '2025-26-Q2', metricId: 'INC-05' }.
 */
export function parseCitationId(id: string): { code: string; period: string; metricId: string } | null {
  const match = /^([A-Z][A-Z0-9]*(?:-[A-Z0-9]{1,8})?)-(\d{4}-\d{2}(?:-Q[1-4])?)-([A-Z]{3}-\d{2})$/.exec(id.trim());
  return match ? { code: match[1]!, period: match[2]!, metricId: match[3]! } : null;
}

/** What a controlled figure means, said in words (the pack's "How to read" box says the same). */
const CONTROLLED: Record<string, string> = {
  'n/a': 'not available',
  '[c]': 'not published: too few records to publish without identifying people',
};

function figureText(m: PackMetric): string {
  const display = (m as PackMetric & { display?: { value?: string } }).display?.value;
  if (display === undefined || (m.value !== null && /^-?[\d,.]+$/.test(display))) return formatFigure(m.value, m.unit, m.decimals);
  if (/^<\d+$/.test(display)) return `fewer than ${display.slice(1)}`;
  return CONTROLLED[display] ?? display;
}

/** The metric's `basis` words ("{numerator} of {denominator} crimes due contact") filled in; null when a part is not published. */
export function fillBasis(basis: string | null, m: Pick<PackMetric, 'unit' | 'value' | 'numerator' | 'denominator'>): string | null {
  const template = basis ?? (m.unit === 'percent' ? '{numerator} of {denominator}' : null);
  if (template === null || m.value === null) return null;
  const parts = { numerator: m.numerator, denominator: m.denominator };
  let missing = false;
  const text = template.replace(/\{(numerator|denominator)\}/g, (_, key: 'numerator' | 'denominator') => {
    const v = parts[key];
    if (v === null || v === undefined) missing = true;
    return v === null || v === undefined ? '' : formatNumber(v, Number.isInteger(v) ? 0 : 1);
  });
  return missing ? null : text;
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function composeCitation(manifest: Manifest, id: string, options: { publishUrl: string | null; basis: string | null }): LetterCitation | null {
  const m = manifest.metrics.find((x) => x.citation_id === id || x.id === id);
  if (!m?.citation_id) return null;
  const { pack } = manifest;
  // The pack's own folder: an area or regional pack's is named for it (2025-26-Q2-area-shropshire-public).
  const folder = packFolderName({ period: pack.period, edition: pack.edition, name: pack.name, area: pack.area });
  const anchor = `index.html#${m.citation_id}`;
  const link = options.publishUrl ? `${options.publishUrl.replace(/\/+$/, '')}/${folder}/${anchor}` : anchor;
  const datasets = new Set((m.sources ?? []).map((s) => s.dataset));
  const caveats = [
    ...m.caveats.map(sentence),
    ...(pack.partial ? [`The period had not ended by the date the data runs to (${longDate(pack.as_of)}), so the figure will change.`] : []),
    ...(m.restatements ?? []).filter((r) => r.figure === 'value').map((r) => `This figure restates the ${r.reported_display} given in the pack of ${longDate(r.reported_in.generated_at)}: later data changed it.`),
    ...manifest.data_quality.filter((c) => c.status !== 'pass' && datasets.has(c.dataset)).map((c) => `Data quality: ${c.title.charAt(0).toLowerCase()}${c.title.slice(1)} (see the pack's data quality section).`),
  ];
  const inputs = new Map(manifest.inputs.map((i) => [i.sha256, i]));
  return {
    citation_id: m.citation_id,
    metric: { id: m.id, title: m.title, unit: m.unit },
    figure: { value: m.value, text: figureText(m), numerator: m.numerator, denominator: m.denominator, basis: fillBasis(options.basis, m) },
    period: { id: pack.period, label: pack.label, start: pack.start, end: pack.end },
    as_of: pack.as_of,
    definition: m.definition,
    caveats,
    pack: {
      // The board pack keeps its long-standing title; an area or regional pack is cited by its own.
      title: pack.name && pack.name !== 'board' ? pack.title : PACK_TITLE,
      force: pack.force,
      edition: pack.edition,
      marking: pack.marking,
      generated_on: londonDate(new Date(pack.generated_at)),
      link,
      // Who publishes it: the force's Commissioner (an area pack's too), or the region for a regional pack.
      publisher: pack.scope?.kind === 'region' ? pack.force : `${pack.scope?.forces[0] ?? pack.force} Police and Crime Commissioner`,
    },
    // A public manifest names no export file and no load time: its citation gives the export's kind and hash only.
    sources: (m.sources ?? []).map((s) => {
      const loadedAt = inputs.get(s.sha256)?.loaded_at;
      return { file: s.file ?? null, description: datasetWords(s.dataset), sha256: s.sha256, loaded_on: loadedAt ? londonDate(new Date(loadedAt)) : null };
    }),
  };
}

function editionWords(c: LetterCitation): string {
  return c.pack.edition === 'board' ? `board edition (${c.pack.marking}: not for publication)` : `public edition (${c.pack.marking})`;
}

function figureLine(c: LetterCitation, strong: (s: string) => string): string {
  const basis = c.figure.basis ? ` (${c.figure.basis})` : '';
  return `${c.metric.title}, ${c.pack.force}, ${c.period.label}: ${strong(c.figure.text)}${basis}. Data as of ${longDate(c.as_of)}.`;
}

function sourceLine(c: LetterCitation): string {
  return `${c.pack.publisher ?? `${c.pack.force} Police and Crime Commissioner`}, ${c.pack.title}, ${c.period.label}, ${editionWords(c)}, ${longDate(c.pack.generated_on)}; figure ${c.citation_id}.`;
}

export function citationText(c: LetterCitation): string {
  return [
    figureLine(c, (s) => s),
    `Definition: ${sentence(c.definition)}`,
    `Caveats: ${c.caveats.length ? c.caveats.join(' ') : 'none recorded.'}`,
    `Source: ${sourceLine(c)}`,
    `Link: ${c.pack.link}`,
    ...c.sources.map((s) => (s.file ? `Source file: ${s.file} (${s.description}, received ${longDate(s.loaded_on!)}, SHA-256 ${s.sha256}).` : `Source: the ${s.description} export (SHA-256 ${s.sha256}).`)),
  ].join('\n');
}

/** Markdown's special characters escaped, so a title or file name is read as text. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (ch) => `\\${ch}`);
}

export function citationMarkdown(c: LetterCitation): string {
  const link = /^https?:\/\//.test(c.pack.link) ? `[${md(c.pack.link)}](${c.pack.link})` : `\`${c.pack.link}\``;
  const figure = `${md(c.metric.title)}, ${md(c.pack.force)}, ${md(c.period.label)}: **${md(c.figure.text)}**${c.figure.basis ? ` (${md(c.figure.basis)})` : ''}. Data as of ${longDate(c.as_of)}.`;
  return [
    figure,
    '',
    `- **Definition:** ${md(sentence(c.definition))}`,
    `- **Caveats:** ${c.caveats.length ? md(c.caveats.join(' ')) : 'none recorded.'}`,
    `- **Source:** ${md(sourceLine(c))}`,
    `- **Link:** ${link}`,
    ...c.sources.map((s) => (s.file ? `- **Source file:** ${md(s.file)} (${md(s.description)}, received ${longDate(s.loaded_on!)}, SHA-256 \`${s.sha256}\`)` : `- **Source:** the ${md(s.description)} export (SHA-256 \`${s.sha256}\`)`)),
  ].join('\n');
}

export function formatLetterCitation(c: LetterCitation, format: CitationFormat): string {
  if (format === 'json') return JSON.stringify(c, null, 2);
  return format === 'markdown' ? citationMarkdown(c) : citationText(c);
}
