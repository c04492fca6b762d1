import type { Rng } from './random.ts';

/**
 * A bounded reservoir sample of crime refs per 30-day bucket, so hours rows can
 * cite real, already-reported crimes without keeping 10M refs in memory.
 */
export class RefSampler {
  private readonly buckets: { refs: string[]; days: number[]; seen: number }[] = [];

  constructor(
    private readonly start: number,
    private readonly rng: Rng,
    private readonly size = 64,
  ) {}

  add(ref: string, day: number): void {
    const b = Math.floor((day - this.start) / 30);
    const bucket = (this.buckets[b] ??= { refs: [], days: [], seen: 0 });
    bucket.seen++;
    if (bucket.refs.length < this.size) {
      bucket.refs.push(ref);
      bucket.days.push(day);
      return;
    }
    const j = Math.floor(this.rng.next() * bucket.seen);
    if (j < this.size) [bucket.refs[j], bucket.days[j]] = [ref, day];
  }

  /** A ref reported at least two days before `day` (time to reach the team), within about two months; '' if none. */
  pick(day: number, rng: Rng): string {
    const b = Math.floor((day - this.start) / 30);
    const candidates: string[] = [];
    for (const bucket of [this.buckets[b - 1], this.buckets[b]]) {
      if (!bucket) continue;
      bucket.refs.forEach((ref, i) => {
        if ((bucket.days[i] as number) + 2 <= day) candidates.push(ref);
      });
    }
    return candidates.length > 0 ? rng.pick(candidates) : '';
  }
}
