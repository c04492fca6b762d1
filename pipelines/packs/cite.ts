import { formatFigure } from './format.ts';
import type { Citation, Manifest, PackInput } from './manifest.ts';

/**
 * Citation IDs: each figure of a pack gets a stable ID, force code + period + metric
 * (WM-2025-26-Q2-INC-05), with the parameters it was computed with and the exported files
 * (SHA-256) of the datasets its SQL reads, so the PCC's office can cite it exactly.
 */

export function citationId(forceCode: string, period: string, metricId: string): string {
  return `${forceCode}-${period}-${metricId}`;
}

export function citeMetrics(manifest: Manifest, forceCode: string, inputs: PackInput[], snapshot: string): Manifest['metrics'] {
  const { pack } = manifest;
  return manifest.metrics.map((m) => {
    // The datasets the metric's metadata declares it reads.
    const datasets = m.datasets ?? [];
    const citation: Citation = {
      citation_id: citationId(forceCode, pack.period, m.id),
      parameters: { start: pack.start, end: pack.end, as_of: pack.as_of },
      sources: inputs.filter((i) => datasets.includes(i.dataset)).map((i) => ({ dataset: i.dataset, file: i.file, sha256: i.sha256 })),
      snapshot,
    };
    return { ...m, ...citation };
  });
}

/** A ready-to-paste citation of one figure. */
export function formatCitation(manifest: Manifest, id: string, packPath: string): string | null {
  const m = manifest.metrics.find((x) => x.citation_id === id || x.id === id);
  if (!m?.citation_id) return null;
  const display = (m as { display?: { value?: string } }).display?.value;
  const value = m.value === null && display !== undefined ? display : formatFigure(m.value, m.unit, m.decimals);
  const lines = [
    `${m.title} (${m.id}), ${manifest.pack.label}, ${manifest.pack.force}: ${value}.`,
    `Citation: ${m.citation_id}. Period ${manifest.pack.start} to ${manifest.pack.end}; data as of ${manifest.pack.as_of}; ${manifest.pack.edition} edition (${manifest.pack.marking}).`,
    `Definition: ${m.definition}`,
    `Query: ${m.sql_path} (SHA-256 ${m.sql_sha256}).`,
    ...(m.snapshot ? [`Snapshot: ${m.snapshot} (rebuild with boardpack build --period ${manifest.pack.period} --as-of ${manifest.pack.as_of} --snapshot ${m.snapshot}; check with boardpack verify).`] : []),
    ...(m.sources ?? []).map((s) => `Source: ${s.file} (${s.dataset}, SHA-256 ${s.sha256}).`),
    `Pack: ${packPath}#${m.citation_id}`,
  ];
  return lines.join('\n');
}
