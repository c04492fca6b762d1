/**
 * incidents: one row per cyber-dependent crime, streamed in report-date order
 * (10M rows need well under 300 MB RSS). Rows are concatenated from finished
 * cells (see `cell` in csvWriter.ts): this is the generator's hot path.
 */
import { EMPTY_CELL, type RowSink } from './csvWriter.ts';
import { isoYearStart, pad, weekdayOf, yearOf, type Calendar } from './dates.ts';
import { ASSIGNED, ASSIGNED_SERIOUS, CODES, INCIDENT_WEEKDAY, LARGE, ORG_SIZES, OUTCOMES, REPEAT, SOURCE_ACTION_FRAUD, SOURCE_LOCAL, incidentHeader, type CodeProfile } from './incidentTables.ts';
import { INCIDENT_AREAS } from './areas.ts';
import type { Ctx } from './options.ts';
import { allocateCounts, Rng } from './random.ts';
import type { RefSampler } from './refSampler.ts';

function incidentDayWeights(ctx: Ctx, rng: Rng): Float64Array {
  const w = new Float64Array(ctx.end - ctx.start + 1);
  for (let i = 0; i < w.length; i++) {
    const trend = 1 + (0.08 * i) / 365.25; // slow growth in reporting
    w[i] = (INCIDENT_WEEKDAY[weekdayOf(ctx.start + i)] as number) * trend * (0.75 + 0.5 * rng.next());
  }
  return w;
}

/**
 * Streams incidents in report-date order. Crime numbers run per calendar year
 * with gaps (other crimes take the numbers in between), so refs are unique.
 */
export function generateIncidents(ctx: Ctx, total: number, file: RowSink | null, refs: RefSampler | null): void {
  const rng = new Rng(ctx.seed, 'incidents');
  const pii = new Rng(ctx.seed, 'incidents-personal');
  const dayRng = new Rng(ctx.seed, 'incident-days');
  const counts = allocateCounts(total, incidentDayWeights(ctx, dayRng), dayRng);
  const perYear = total / ((ctx.end - ctx.start + 1) / 365.25);
  const gapMax = Math.floor(60_000 / Math.max(1, perYear));
  // Expected crime-number increments per day, so a period that starts mid-year
  // does not start at number 1.
  const seqPerDay = ((perYear / 365.25) * (2 + gapMax)) / 2;
  file?.header(incidentHeader(ctx.personal));

  let index = 0;
  let seq = 0;
  let seqYear = -1;
  for (let i = 0; i < counts.length; i++) {
    const day = ctx.start + i;
    const year = yearOf(day);
    if (year !== seqYear) [seqYear, seq] = [year, Math.floor((day - isoYearStart(year)) * seqPerDay)];
    const yy = pad(year % 100, 2);
    for (let k = counts[i] as number; k > 0; k--) {
      index++;
      seq += 1 + (gapMax > 0 ? rng.int(0, gapMax) : 0);
      const local = rng.chance(0.15);
      const ref = local ? `WM-${yy}-${pad(seq, 6)}` : `22/${pad(seq, 6)}/${yy}`;
      refs?.add(ref, day);
      // Built even when not written, to keep the random stream in step.
      const line = incidentLine(rng, pii, ctx, day, ref, local, index);
      file?.line(line);
    }
  }
}

/** One incident row, built from finished cells (see `cell`). */
function incidentLine(rng: Rng, pii: Rng, ctx: Ctx, day: number, ref: string, local: boolean, index: number): string {
  const cal = ctx.cal;
  const p = CODES.pick(rng);
  const victim = p.victims.pick(rng);
  const size = victim.organisation ? ORG_SIZES.pick(rng) : EMPTY_CELL;
  const area = INCIDENT_AREAS.pick(rng);
  const loss = drawLoss(rng, p, victim.organisation);
  const offence = drawOffenceDate(rng, cal, day);
  const receivedLag = local ? 0 : drawReceivedLag(rng);
  const received = day + receivedLag <= ctx.end ? cal.cell(day + receivedLag) : EMPTY_CELL;

  let contact = EMPTY_CELL;
  let contactDay = day;
  if (rng.chance(0.88)) {
    const c = day + Math.max(receivedLag, drawContactLag(rng));
    if (c <= ctx.end) {
      contact = cal.cell(c);
      contactDay = c;
    }
  }

  // Outcome after report (and after contact); blank if it would fall after --end.
  let outcome = EMPTY_CELL + EMPTY_CELL;
  if (rng.chance(0.65)) {
    const o = Math.max(day + 1, contactDay) + 7 + Math.min(540, Math.floor(rng.exponential(45)));
    if (o <= ctx.end) outcome = OUTCOMES.pick(rng) + cal.cell(o);
  }

  const repeat = REPEAT.pick(rng);
  const assigned = (p.escalate || size === LARGE ? ASSIGNED_SERIOUS : ASSIGNED).pick(rng);
  const summary = rng.chance(0.03) ? '' : rng.pick(p.summaries);

  let line = `${ref},${cal.cell(day)}${offence}${received}${p.codeCell}${victim.cell}`;
  if (ctx.personal) {
    const id = pad(index, 6);
    line += `Person ${id},${pii.chance(0.8) ? `person${id}@example.invalid` : ''},`;
  }
  return line + size + area + loss + contact + outcome + repeat + (local ? SOURCE_LOCAL : SOURCE_ACTION_FRAUD) + assigned + summary;
}

/** Blank for ~40 %; otherwise log-normal, £0-£50,000, higher for organisations and extortion. */
function drawLoss(rng: Rng, p: CodeProfile, isOrg: boolean): string {
  if (rng.chance(0.4)) return EMPTY_CELL;
  if (rng.chance(0.08)) return '0.00,';
  const median = (isOrg ? 1200 : 120) * p.lossFactor;
  const pounds = Math.min(50_000, median * Math.exp(1.4 * rng.normal()));
  return `${money(Math.max(1, Math.round(pounds * 100)))},`;
}

function money(pence: number): string {
  const p = pence % 100;
  return `${(pence - p) / 100}.${p < 10 ? '0' : ''}${p}`;
}

function drawOffenceDate(rng: Rng, cal: Calendar, day: number): string {
  const u = rng.next();
  if (u < 0.08) return EMPTY_CELL;
  const lag = u < 0.5 ? 0 : u < 0.82 ? rng.int(1, 7) : u < 0.96 ? rng.int(8, 60) : rng.int(61, 365);
  return cal.cell(day - lag);
}

/** Days from an Action Fraud report to dissemination to the force. */
function drawReceivedLag(rng: Rng): number {
  const u = rng.next();
  return u < 0.2 ? 1 : u < 0.7 ? rng.int(2, 5) : u < 0.95 ? rng.int(6, 14) : rng.int(15, 35);
}

/** Days from report to first Protect contact: mostly 1-10, a tail beyond 28. */
function drawContactLag(rng: Rng): number {
  const u = rng.next();
  return u < 0.04 ? 0 : u < 0.4 ? rng.int(1, 3) : u < 0.77 ? rng.int(4, 10) : u < 0.92 ? rng.int(11, 28) : rng.int(29, 120);
}
