/**
 * An intruder's arithmetic, by brute force and independent of the pipeline's own audit: every
 * combination of force counts consistent with what a public pack shows ("12" exactly, "<5" is
 * 1 to 4, "[c]" is 1 or more) and with the regional total (when shown), and the values one
 * force's count can take across them.
 */
export function feasibleValues(shown: string[], total: string, force: number, max = 60): Set<number> {
  const ranges = shown.map((d): [number, number] => (/^\d+$/.test(d) ? [Number(d), Number(d)] : /^<\d+$/.test(d) ? [1, Number(d.slice(1)) - 1] : [1, max]));
  const sum = /^\d+$/.test(total) ? Number(total) : null;
  const values = new Set<number>();
  const walk = (i: number, acc: number, picked: number[]): void => {
    if (i === ranges.length) {
      if (sum === null || acc === sum) values.add(picked[force]!);
      return;
    }
    const [lo, hi] = ranges[i]!;
    for (let v = lo; v <= hi && (sum === null || acc + v <= sum); v++) walk(i + 1, acc + v, [...picked, v]);
  };
  walk(0, 0, []);
  return values;
}
