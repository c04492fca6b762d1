import type { Manifest } from './writePack.ts';

/**
 * A plain, accessible list of the pack's figures: the stand-in for the designed board
 * pack (issue 4). Every value from the data is escaped: free text is data, never HTML.
 */

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function figure(value: number | null, unit: string, decimals: number): string {
  if (value === null) return '–';
  const text = value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return unit === 'percent' ? `${text} %` : unit === 'gbp' ? `£${text}` : text;
}

export function renderFigureList(manifest: Manifest): string {
  const { pack } = manifest;
  const rows = manifest.metrics
    .map((m) => `<tr><th scope="row">${escapeHtml(m.id)}</th><td>${escapeHtml(m.title)}</td><td>${escapeHtml(figure(m.value, m.unit, m.decimals))}</td><td>${escapeHtml(figure(m.previous, m.unit, m.decimals))}</td><td>${escapeHtml(figure(m.year_ago, m.unit, m.decimals))}</td><td>${escapeHtml(m.rag ?? '')}</td></tr>`)
    .join('\n');
  const warnings = manifest.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(pack.force)} Strategic Cyber Crime Board: ${escapeHtml(pack.label)}</title></head>
<body>
<header><p>${escapeHtml(pack.marking)}</p></header>
<main>
<h1>${escapeHtml(pack.force)} Strategic Cyber Crime Board: ${escapeHtml(pack.label)}</h1>
<p>Data as of ${escapeHtml(pack.as_of)}; ${escapeHtml(pack.start)} to ${escapeHtml(pack.end)}${pack.partial ? ' (partial period: it ends after the as-of date)' : ''}.</p>
${warnings ? `<ul>${warnings}</ul>` : ''}
<table>
<caption>Figures for the period, the previous period and the same period a year earlier</caption>
<thead><tr><th scope="col">ID</th><th scope="col">Measure</th><th scope="col">This period</th><th scope="col">Previous</th><th scope="col">Year ago</th><th scope="col">RAG</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
</body>
</html>
`;
}
