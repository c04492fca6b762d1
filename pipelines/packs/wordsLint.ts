/**
 * Board-facing words: what a board member, the public or the Commissioner's office reads in
 * a pack must not carry the machinery's words. Checked on the rendered page, text node by text
 * node (what a reader sees, and what assistive technology reads out: SVG titles and ARIA
 * labels too); the SQL shown as code in the methodology is code, and is left out.
 *
 *  - no file path or file name other than the exports the pack was built from;
 *  - no configuration key or other snake_case identifier (dataset names such as volunteer_hours);
 *  - no dataset identifier standing for the dataset (a cell reading "incidents");
 *  - no doubled unit ("Deployment rate (%) was 71.7 %");
 *  - no change without its unit in the scorecard ("−1.5 (−18.8 %)" for days);
 *  - no shortened hash called SHA-256 (a SHA-256 has 64 hex digits);
 *  - citation IDs only inside the scorecard's `.cite` links, which do not wrap.
 */

export interface WordsContext {
  /** The export file names the pack names as its inputs: allowed. */
  inputFiles: string[];
  /** Dataset identifiers (incidents, volunteer_hours, ...). */
  datasets: string[];
  /** Each metric's unit, for the scorecard's change column. */
  units: Record<string, string>;
}

const FILE = /(?:^|[\s(:'"])((?:[\w.-]+\/)*[\w.-]+\.(?:csv|md|sql|json|ts|js|hbs|css|txt|parquet|arrow|duckdb|xlsx))\b/g;
const SNAKE = /[a-z0-9]_[a-z0-9]/;
const DOUBLED = /\((%|£)\)[^()]*?(?:\d[\d,.]*\s*%|£\s*\d)/;
const SHORT_HASH = /SHA-256\W{0,3}\b([0-9a-f]{8,63})\b(?![0-9a-f])/;

export function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The page's text nodes and ARIA labels, without styles, comments and code blocks. */
export function readableText(html: string): string[] {
  const body = html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<pre[\s\S]*?<\/pre>/g, '');
  const labels = [...body.matchAll(/\saria-label="([^"]*)"/g)].map((m) => m[1]!);
  const nodes = body.split(/<[^>]*>/);
  return [...nodes, ...labels].map((t) => decodeEntities(t).replace(/\s+/g, ' ').trim()).filter((t) => t !== '');
}

export function lintWords(html: string, context: WordsContext): string[] {
  const problems: string[] = [];
  const inputs = new Set(context.inputFiles);
  const datasets = new Set(context.datasets);
  for (const text of readableText(html)) {
    for (const [, file] of text.matchAll(FILE)) if (!inputs.has(file!)) problems.push(`a file path or name: "${file}" in "${text}"`);
    // A file name is judged above; a dotted key (data_quality.max_age_days) is one name.
    for (const token of text.replace(FILE, ' ').split(/[^\w.]+/)) {
      if (SNAKE.test(token)) problems.push(`an internal name (configuration key or dataset identifier): "${token.replace(/^\.+|\.+$/g, '')}" in "${text}"`);
    }
    if (datasets.has(text)) problems.push(`a dataset identifier standing for its dataset: "${text}"`);
    if (DOUBLED.test(text)) problems.push(`a doubled unit: "${text}"`);
    const hash = SHORT_HASH.exec(text);
    if (hash) problems.push(`a ${hash[1]!.length}-character hash called SHA-256 (a SHA-256 has 64): "${text}"`);
  }
  for (const row of html.matchAll(/<tr id="score-([A-Z]{3}-\d{2})">([\s\S]*?)<\/tr>/g)) {
    const cells = [...row[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => decodeEntities(c[1]!.replace(/<[^>]*>/g, '')).trim());
    const change = cells[2] ?? '';
    const unit = context.units[row[1]!];
    const needs: Record<string, RegExp> = { days: /\bdays\b/, hours: /\bhours\b/, percent: /\bpoints\b/, gbp: /£/ };
    if (unit && needs[unit] && !['–', 'no change', ''].includes(change) && !needs[unit]!.test(change)) problems.push(`a change without its unit (${unit}) for ${row[1]}: "${change}"`);
  }
  // Citation IDs are read, copied and printed: each stays whole on one line (.cite does not wrap).
  const bare = html.replace(/<a class="cite"[^>]*>[^<]*<\/a>/g, '').replace(/\s(?:id|href)="[^"]*"/g, '');
  for (const [id] of readableText(bare)
    .join('\n')
    .matchAll(/\b[A-Z]{1,8}-\d{4}-\d{2}(?:-Q[1-4])?-[A-Z]{3}-\d{2}\b/g))
    problems.push(`a citation ID outside a .cite link, where it may break across lines: ${id}`);
  return problems;
}
