/** Small helpers for terminal output. Export values are data: control characters never reach the terminal. */

export function displayValue(value: unknown, max = 60): string {
  if (value === null || value === undefined) return '';
  // Matching control characters is the point of this one.
  const text = String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A count with thousands separated by commas, as en-GB writes it ("48,470"). */
export function formatCount(n: number): string {
  // Whole numbers by hand: the first toLocaleString of a process sets up ICU's number formats,
  // some 6 ms of `boardpack status`'s start-up.
  if (Number.isSafeInteger(n)) return `${n < 0 ? '-' : ''}${String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',')}`;
  return n.toLocaleString('en-GB');
}

/** Lays out rows as aligned columns under a header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
