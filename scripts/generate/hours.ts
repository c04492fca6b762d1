/**
 * volunteer_hours: one row per duty or deployment, sorted by duty date. Some
 * rows cite crime references sampled from incidents, and two cite volunteer
 * ids that are not in the roster (a data-quality warning for the pipeline).
 */
import type { RowSink } from './csvWriter.ts';
import { pad } from './dates.ts';
import type { Ctx } from './options.ts';
import { poisson, Rng, Weighted } from './random.ts';
import type { RefSampler } from './refSampler.ts';
import { volunteerId, type Role, type Volunteer } from './volunteers.ts';

export interface Deployment {
  day: number;
  volunteerId: string;
  halfHours: number;
  activity: string;
  crimeRef: string;
}

const ACTIVITY_BY_ROLE: Record<Role, Weighted<string>> = {
  'Cyber Special Constable': new Weighted([
    ['Investigation support', 0.35],
    ['Digital forensics', 0.2],
    ['Victim call-back', 0.25],
    ['Training received', 0.1],
    ['Protect presentation', 0.05],
    ['Other', 0.05],
  ]),
  'Cyber Volunteer': new Weighted([
    ['Digital forensics', 0.35],
    ['Investigation support', 0.25],
    ['Training received', 0.15],
    ['Event support', 0.1],
    ['Other', 0.15],
  ]),
  'Cyber Protect Volunteer': new Weighted([
    ['Protect presentation', 0.4],
    ['Event support', 0.25],
    ['Victim call-back', 0.2],
    ['Training received', 0.1],
    ['Other', 0.05],
  ]),
  'Cyber Cadet Leader': new Weighted([
    ['Event support', 0.4],
    ['Protect presentation', 0.3],
    ['Training received', 0.2],
    ['Other', 0.1],
  ]),
};

/** Duration range per activity, in half-hours (0.5-8 h). */
const HALF_HOURS: Record<string, readonly [number, number]> = {
  'Protect presentation': [2, 6],
  'Victim call-back': [1, 4],
  'Investigation support': [4, 16],
  'Digital forensics': [6, 16],
  'Event support': [4, 12],
  'Training received': [2, 15],
  Other: [1, 8],
};

export function buildDeployments(ctx: Ctx, roster: readonly Volunteer[], refs: RefSampler | null): Deployment[] {
  const rng = new Rng(ctx.seed, 'volunteer_hours');
  const rows: Deployment[] = [];
  for (const v of roster) {
    const from = Math.max(v.joined, ctx.start);
    const to = Math.min(v.activeUntil, ctx.end);
    // ~20 % are rarely deployed: the HMICFRS question is whether they are used.
    const perMonth = rng.chance(0.2) ? 0.05 + 0.35 * rng.next() : 1 + 3 * rng.next();
    for (let m = from; m <= to; m += 30) {
      const len = Math.min(30, to - m + 1);
      const n = poisson((perMonth * len) / 30.4375, rng);
      for (let j = 0; j < n; j++) rows.push(makeDeployment(rng, v.id, v.role, m + rng.int(0, len - 1), refs));
    }
  }
  // A couple of rows cite ids missing from the roster (a data-quality warning).
  for (const n of [roster.length + 9, roster.length + 14]) {
    rows.push(makeDeployment(rng, volunteerId(n), 'Cyber Protect Volunteer', rng.int(ctx.start, ctx.end), refs));
  }
  // Exports come sorted by duty date; ids are numbered afterwards. Sort is stable.
  return rows.sort((a, b) => a.day - b.day || (a.volunteerId < b.volunteerId ? -1 : a.volunteerId > b.volunteerId ? 1 : 0));
}

function makeDeployment(rng: Rng, volunteerId: string, role: Role, day: number, refs: RefSampler | null): Deployment {
  const activity = ACTIVITY_BY_ROLE[role].pick(rng);
  const [lo, hi] = HALF_HOURS[activity] ?? [1, 8];
  const linkable = activity === 'Victim call-back' || activity === 'Investigation support';
  const crimeRef = linkable && refs !== null && rng.chance(0.6) ? refs.pick(day, rng) : '';
  return { day, volunteerId, halfHours: rng.int(lo, hi), activity, crimeRef };
}

export function writeDeployments(ctx: Ctx, rows: readonly Deployment[], file: RowSink): void {
  file.header(['Deployment ID', 'Volunteer ID', 'Duty Date', 'Hours', 'Activity', 'Crime Reference']);
  rows.forEach((r, i) => {
    const hours = r.halfHours % 2 === 0 ? String(r.halfHours / 2) : `${(r.halfHours - 1) / 2}.5`;
    file.record([`DEP-${pad(i + 1, 6)}`, r.volunteerId, ctx.cal.dmy(r.day), hours, r.activity, r.crimeRef]);
  });
}
