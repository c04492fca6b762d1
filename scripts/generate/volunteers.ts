/**
 * volunteers: the roster, one row per cyber special constable or volunteer
 * over the scheme's life. The roster is built once and shared with
 * volunteer_hours and training, which deploy volunteers while active.
 */
import { VOLUNTEER_AREAS } from './areas.ts';
import type { RowSink } from './csvWriter.ts';
import { dayToDmy, isoToDay, pad } from './dates.ts';
import type { Ctx } from './options.ts';
import { Rng, sample, Weighted } from './random.ts';

export const ROLES = ['Cyber Special Constable', 'Cyber Volunteer', 'Cyber Protect Volunteer', 'Cyber Cadet Leader'] as const;
export type Role = (typeof ROLES)[number];
type VolunteerStatus = 'Active' | 'Inactive' | 'Suspended' | 'Left';

export interface Volunteer {
  id: string;
  n: number;
  role: Role;
  joined: number;
  status: VolunteerStatus;
  left: number | null;
  /** Last day the volunteer could be deployed (status changes are not exported). */
  activeUntil: number;
  vetting: string;
  vettingExpiry: number;
  skills: string;
  area: string;
}

// The scheme began with specials and technical volunteers; recent recruits are
// mostly Cyber Protect Volunteers (the strategy's volunteer network).
const ROLES_EARLY = new Weighted<Role>([
  ['Cyber Special Constable', 0.35],
  ['Cyber Volunteer', 0.4],
  ['Cyber Protect Volunteer', 0.12],
  ['Cyber Cadet Leader', 0.13],
]);
const ROLES_RECENT = new Weighted<Role>([
  ['Cyber Special Constable', 0.15],
  ['Cyber Volunteer', 0.25],
  ['Cyber Protect Volunteer', 0.5],
  ['Cyber Cadet Leader', 0.1],
]);

const VETTING: Record<Role, Weighted<string>> = {
  'Cyber Special Constable': new Weighted([
    ['NPPV3', 0.6],
    ['NPPV2', 0.4],
  ]),
  'Cyber Volunteer': new Weighted([
    ['NPPV3', 0.3],
    ['NPPV2', 0.5],
    ['NPPV1', 0.2],
  ]),
  'Cyber Protect Volunteer': new Weighted([
    ['NPPV2', 0.4],
    ['NPPV1', 0.6],
  ]),
  'Cyber Cadet Leader': new Weighted([['NPPV2', 1]]),
};

const SKILLS: Record<Role, readonly string[]> = {
  'Cyber Special Constable': ['Digital forensics', 'OSINT', 'Network investigation', 'Mobile device examination', 'Cryptocurrency tracing', 'Malware analysis'],
  'Cyber Volunteer': ['Digital forensics', 'OSINT', 'Network security', 'Cloud security', 'Programming', 'Data analysis', 'Malware analysis'],
  'Cyber Protect Volunteer': ['Protect presentations', 'Cyber Essentials advice', 'Social media safety', 'Victim support', 'Public speaking'],
  'Cyber Cadet Leader': ['Youth engagement', 'Protect presentations', 'Cyber Choices', 'Programming'],
};

export function buildVolunteers(ctx: Ctx, count: number): Volunteer[] {
  const rng = new Rng(ctx.seed, 'volunteers');
  const schemeStart = Math.min(isoToDay('2020-01-01') as number, ctx.start - 3 * 365);
  const span = ctx.end - schemeStart;
  // u^0.7 puts more joiners later: the scheme grew.
  const joins = Array.from({ length: count }, () => schemeStart + Math.floor(rng.next() ** 0.7 * span)).sort((a, b) => a - b);
  return joins.map((joined, i) => makeVolunteer(rng, ctx, i + 1, joined));
}

function makeVolunteer(rng: Rng, ctx: Ctx, n: number, joined: number): Volunteer {
  const role = (joined >= ctx.start - 365 ? ROLES_RECENT : ROLES_EARLY).pick(rng);
  const u = rng.next();
  let status: VolunteerStatus = 'Active';
  let left: number | null = null;
  let activeUntil = ctx.end;
  if (u < 0.15 && ctx.end - joined > 90) {
    status = 'Left';
    left = rng.int(joined + 60, ctx.end);
    activeUntil = left;
  } else if (u < 0.21) {
    status = 'Inactive';
    activeUntil = Math.max(joined, ctx.end - rng.int(60, 300));
  } else if (u < 0.24) {
    status = 'Suspended';
    activeUntil = Math.max(joined, ctx.end - rng.int(14, 180));
  }
  return {
    id: volunteerId(n),
    n,
    role,
    joined,
    status,
    left,
    activeUntil,
    vetting: VETTING[role].pick(rng),
    vettingExpiry: drawVettingExpiry(rng, ctx, joined),
    skills: drawSkills(rng, role),
    area: VOLUNTEER_AREAS.pick(rng),
  };
}

export const volunteerId = (n: number): string => `CV${pad(n, 4)}`;

/** Some already expired, some due within 90 days of --end (renewals the board should see). */
function drawVettingExpiry(rng: Rng, ctx: Ctx, joined: number): number {
  const u = rng.next();
  const expiry = u < 0.12 ? ctx.end - rng.int(1, 240) : u < 0.24 ? ctx.end + rng.int(1, 90) : ctx.end + rng.int(91, 1400);
  return expiry > joined ? expiry : joined + 3 * 365;
}

function drawSkills(rng: Rng, role: Role): string {
  if (rng.chance(0.05)) return '';
  return sample(rng, SKILLS[role], rng.int(1, 3)).join('; ');
}

export function writeVolunteers(ctx: Ctx, roster: readonly Volunteer[], file: RowSink): void {
  file.header(['Volunteer ID', ...(ctx.personal ? ['Name', 'Phone'] : []), 'Role', 'Start Date', 'Status', 'End Date', 'Vetting Level', 'Vetting Expiry', 'Skills', 'Local Policing Area']);
  for (const v of roster) {
    file.record([
      v.id,
      // Obviously synthetic: Ofcom's drama range 07700 900000-900999.
      ...(ctx.personal ? [`Person ${pad(v.n, 6)}`, `07700 900${pad(v.n % 1000, 3)}`] : []),
      v.role,
      dayToDmy(v.joined),
      v.status,
      v.left === null ? '' : dayToDmy(v.left),
      v.vetting,
      dayToDmy(v.vettingExpiry),
      v.skills,
      v.area,
    ]);
  }
}
