/**
 * Seeded randomness: sfc32 seeded through splitmix32, never Math.random. Each
 * dataset draws from its own named stream, so generating one dataset does not
 * change another.
 */

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32: small, fast, 128-bit state. One instance per named stream. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string) {
    const init = splitmix32((seed ^ fnv1a(stream)) >>> 0);
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/** Categorical distribution over a fixed table (weights need not sum to 1). */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cumulative: number[];

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let acc = 0;
    this.values = entries.map(([v]) => v);
    this.cumulative = entries.map(([, w]) => (acc += w / total));
  }

  pick(rng: Rng): T {
    const u = rng.next();
    const last = this.values.length - 1;
    for (let i = 0; i < last; i++) if (u < (this.cumulative[i] as number)) return this.values[i] as T;
    return this.values[last] as T;
  }
}

function binomial(n: number, p: number, rng: Rng): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, rng);
  const mean = n * p;
  if (mean < 30) {
    // Inversion: walk the pmf from k = 0 (cheap because the mean is small).
    const ratio = p / (1 - p);
    let pmf = (1 - p) ** n;
    let cdf = pmf;
    const u = rng.next();
    let k = 0;
    while (u > cdf && k < n) {
      pmf *= (ratio * (n - k)) / (k + 1);
      k++;
      cdf += pmf;
    }
    return k;
  }
  const k = Math.round(mean + Math.sqrt(mean * (1 - p)) * rng.normal());
  return Math.max(0, Math.min(n, k));
}

export function poisson(mean: number, rng: Rng): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = rng.next();
  while (prod > limit) {
    k++;
    prod *= rng.next();
  }
  return k;
}

/**
 * Split `total` items over slots in proportion to `weights`, with multinomial
 * noise, summing exactly to `total`. Lets rows be streamed in date order
 * without holding them (conditional binomials, one per slot).
 */
export function allocateCounts(total: number, weights: Float64Array, rng: Rng): Int32Array {
  const counts = new Int32Array(weights.length);
  let remainingWeight = weights.reduce((s, w) => s + w, 0);
  let remaining = total;
  for (let i = 0; i < weights.length && remaining > 0; i++) {
    const w = weights[i] as number;
    const isLast = i === weights.length - 1;
    const c = isLast ? remaining : binomial(remaining, remainingWeight > 0 ? w / remainingWeight : 1, rng);
    counts[i] = c;
    remaining -= c;
    remainingWeight -= w;
  }
  return counts;
}

/** `k` distinct items in random order (partial Fisher-Yates on a copy). */
export function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}
