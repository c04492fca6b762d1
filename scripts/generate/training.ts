/**
 * training: one Protect / Prevent event per row, on weekdays, with seasonal
 * peaks; some list the volunteers (active on the day) who helped deliver it.
 */
import { LPA_ONLY } from './areas.ts';
import type { RowSink } from './csvWriter.ts';
import { dayToDmy, monthOf, pad, weekdayOf } from './dates.ts';
import type { Ctx } from './options.ts';
import { allocateCounts, Rng, Weighted } from './random.ts';
import type { Volunteer } from './volunteers.ts';

const AUDIENCES = new Weighted<string>([
  ['SME', 0.28],
  ['General public', 0.22],
  ['Older people', 0.18],
  ['Education', 0.12],
  ['Charity', 0.08],
  ['Public sector', 0.07],
  ['Large business', 0.05],
]);

const ONLINE_SHARE: Record<string, number> = {
  SME: 0.4,
  'General public': 0.35,
  'Older people': 0.08,
  Education: 0.15,
  Charity: 0.4,
  'Public sector': 0.35,
  'Large business': 0.3,
};

const TITLES: Record<string, readonly string[]> = {
  SME: ['Cyber Essentials for small business', 'Protecting your business from ransomware', 'Phishing, passwords and backups: the basics for small firms', 'Police CyberAlarm briefing', 'Exercise in a Box: incident response for SMEs'],
  'General public': ['Staying safe online', 'Scams, hacking and how to protect your accounts', 'Cyber Café drop-in', 'Two-step verification: set it up today'],
  'Older people': ['Staying safe online', 'Little Book of Cyber Scams – talk', 'Spotting scam texts, emails and calls', 'Online banking safely'],
  Education: ['Online safety for parents, carers and teachers', 'Cyber Choices: using skills for good', 'Cyber security careers talk', 'Protecting your social media accounts'],
  Charity: ['Cyber security for charities', 'Protecting donor data', 'Cyber Essentials for small business'],
  'Public sector': ['Cyber resilience for public sector teams', 'Ransomware: "what would we do?" tabletop exercise'],
  'Large business': ['Board-level cyber briefing', 'Business email compromise, insider risk and supply chains'],
};

const DELIVERED_BY = new Weighted<string>([
  ['Officer', 0.35],
  ['Staff', 0.3],
  ['Volunteer', 0.2],
  ['Partner', 0.15],
]);

// Events run on weekdays; quieter in August and December, busier in October
// (Cyber Security Awareness Month) and March.
const TRAINING_WEEKDAY = [0.05, 1, 1, 1, 1, 1, 0.2];
const TRAINING_MONTH = [0.9, 1, 1.2, 1, 1, 1, 0.9, 0.5, 1, 1.3, 1.1, 0.6];

function trainingDayWeights(ctx: Ctx): Float64Array {
  const w = new Float64Array(ctx.end - ctx.start + 1);
  for (let i = 0; i < w.length; i++) {
    const day = ctx.start + i;
    w[i] = (TRAINING_WEEKDAY[weekdayOf(day)] as number) * (TRAINING_MONTH[monthOf(day)] as number);
  }
  return w;
}

export function writeTraining(ctx: Ctx, roster: readonly Volunteer[], total: number, file: RowSink): void {
  const rng = new Rng(ctx.seed, 'training');
  const counts = allocateCounts(total, trainingDayWeights(ctx), rng);
  file.header(['Event ID', 'Event Date', 'Title', 'Audience', 'Format', 'Attendees', 'Organisations', 'Local Policing Area', 'Delivered By', 'Volunteer IDs', 'Satisfaction', 'Follow Ups']);
  let seq = 0;
  counts.forEach((n, i) => {
    for (let k = 0; k < n; k++) file.record(trainingRecord(rng, roster, ctx.start + i, ++seq));
  });
}

function trainingRecord(rng: Rng, roster: readonly Volunteer[], day: number, seq: number): string[] {
  const audience = AUDIENCES.pick(rng);
  const online = rng.chance(ONLINE_SHARE[audience] ?? 0.3);
  const attendees = online ? clamp(Math.round(45 * Math.exp(0.5 * rng.normal())), 15, 120) : clamp(Math.round(18 * Math.exp(0.5 * rng.normal())), 5, 60);
  let deliveredBy = DELIVERED_BY.pick(rng);
  const volunteers = eventVolunteers(rng, roster, day, deliveredBy === 'Volunteer');
  if (deliveredBy === 'Volunteer' && volunteers === '') deliveredBy = 'Staff';
  const businessLike = audience === 'SME' || audience === 'Charity' || audience === 'Large business';
  return [
    `EVT-${pad(seq, 5)}`,
    dayToDmy(day),
    rng.pick(TITLES[audience] ?? ['Staying safe online']),
    audience,
    online ? 'Online' : 'In person',
    String(attendees),
    drawOrganisations(rng, audience, attendees),
    online && rng.chance(0.6) ? 'Force-wide' : LPA_ONLY.pick(rng),
    deliveredBy,
    volunteers,
    rng.chance(0.3) ? '' : ((35 + Math.min(15, Math.floor(16 * Math.sqrt(rng.next())))) / 10).toFixed(1),
    String(businessLike ? Math.floor(11 * rng.next() ** 1.5) : rng.int(0, 4)),
  ];
}

function drawOrganisations(rng: Rng, audience: string, attendees: number): string {
  if (audience === 'Large business') return String(rng.int(1, 3));
  if (audience !== 'SME' && audience !== 'Charity') return '';
  return String(Math.max(1, Math.round(attendees * (0.4 + 0.5 * rng.next()))));
}

/** ~40 % of events list 1-3 volunteers active on the day; always when a volunteer delivered it. */
function eventVolunteers(rng: Rng, roster: readonly Volunteer[], day: number, deliveredByVolunteer: boolean): string {
  if (!deliveredByVolunteer && !rng.chance(0.25)) return '';
  const active = roster.filter((v) => v.joined <= day && v.activeUntil >= day);
  if (active.length === 0) return '';
  // Protect volunteers do most of the talks.
  const pool = active.flatMap((v) => (v.role === 'Cyber Protect Volunteer' ? [v.id, v.id, v.id] : [v.id]));
  const ids = new Set<string>();
  const want = rng.int(1, 3);
  for (let tries = 0; ids.size < want && tries < 20; tries++) ids.add(rng.pick(pool));
  return [...ids].sort().join('; ');
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
