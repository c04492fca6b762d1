/**
 * A tiny trend line for a scorecard row, drawn by the pipeline itself (so it may be
 * inlined unescaped). Decorative: the full trend chart and its data table carry the
 * information, so it is hidden from assistive technology.
 */
export function renderSparkline(values: (number | null)[], width = 96, height = 24): string | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const span = max - min || 1;
  const step = (width - 4) / (values.length - 1);
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
      return;
    }
    const x = (2 + i * step).toFixed(1);
    const y = (height - 2 - ((v - min) / span) * (height - 4)).toFixed(1);
    current.push(`${x},${y}`);
  });
  if (current.length) segments.push(current.join(' '));
  const lines = segments.map((points) => `<polyline points="${points}" fill="none" stroke="#003a70" stroke-width="1.5"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true" focusable="false">${lines}</svg>`;
}
