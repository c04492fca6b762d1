import type { Citation, Manifest, PackInput } from './manifest.ts';

/**
 * Citation IDs: each figure of a pack gets a stable ID, force code + period + metric
 * (WM-2025-26-Q2-INC-05), with the parameters it was computed with and the exported files
 * (SHA-256) of the datasets its SQL reads, so the PCC's office can cite it exactly
 * (citation.ts words it for a letter).
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
