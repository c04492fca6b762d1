/**
 * actions: the board's action and recommendation tracker. A fixed list whose
 * dates are placed relative to the period, so any --start/--end gives a
 * sensible mix of open, overdue and completed actions.
 */
import type { RowSink } from './csvWriter.ts';
import { dayToDmy } from './dates.ts';
import type { Ctx } from './options.ts';
import { Rng } from './random.ts';

type ActionStatus = 'Not started' | 'On track' | 'At risk' | 'Complete' | 'Closed';

interface ActionSpec {
  id: string;
  source: 'HMICFRS recommendation' | 'HMICFRS area for improvement' | 'Strategy commitment' | 'Board action';
  text: string;
  owner: string;
  status: ActionStatus;
  /** When raised, as a fraction of start..end (negative: before the period). */
  raisedAt: number;
  /** Days from raised to due; null for no due date. */
  dueAfter: number | null;
  /** Days from raised to completion (Complete/Closed only). */
  doneAfter?: number;
  update: string;
}

// Dates are relative to the period so any --start/--end gives a sensible mix:
// several open actions fall overdue by --end; completed ones carry a date.
export const ACTIONS: readonly ActionSpec[] = [
  {
    id: 'AFI-01',
    source: 'HMICFRS area for improvement',
    text: 'Evaluate the use of cyber special constables and cyber volunteers, including how often they are deployed and the value they add',
    owner: 'Head of Cyber Crime Unit',
    status: 'At risk',
    raisedAt: -0.05,
    dueAfter: 365,
    update: 'Volunteer hours now collected monthly; evaluation of deployment rates and "rarely deployed" volunteers delayed to next quarter',
  },
  {
    id: 'AFI-02',
    source: 'HMICFRS area for improvement',
    text: 'Make sure victims of cyber-dependent crime receive Protect advice within 28 days of dissemination',
    owner: 'Head of Cyber Crime Unit',
    status: 'Complete',
    raisedAt: -0.05,
    dueAfter: 270,
    doneAfter: 240,
    update: 'Contact within 28 days now reported to every Board',
  },
  {
    id: 'AFI-03',
    source: 'HMICFRS area for improvement',
    text: 'Improve supervision of cyber-dependent crime investigations',
    owner: 'Detective Chief Superintendent, Crime',
    status: 'On track',
    raisedAt: 0.5,
    dueAfter: 400,
    update: 'Supervision checklist drafted, dip sample planned',
  },
  {
    id: 'REC-01',
    source: 'HMICFRS recommendation',
    text: 'Share cyber-dependent crime intelligence with the ROCU and NCA in line with the national tasking model',
    owner: 'Head of Cyber Crime Unit',
    status: 'Complete',
    raisedAt: 0,
    dueAfter: 180,
    doneAfter: 150,
    update: 'Weekly tasking call in place',
  },
  {
    id: 'REC-02',
    source: 'HMICFRS recommendation',
    text: 'Make sure all cyber special constables and volunteers hold vetting that is in date for their role',
    owner: 'Force Vetting Manager',
    status: 'Not started',
    raisedAt: 0.35,
    dueAfter: 150,
    update: '',
  },
  {
    id: 'REC-03',
    source: 'HMICFRS recommendation',
    text: 'Make sure call handlers can recognise cyber-dependent crime and give basic Protect advice',
    owner: 'Head of Contact Management',
    status: 'On track',
    raisedAt: 0.6,
    dueAfter: 300,
    update: 'E-learning module live; 62% of call handlers completed',
  },
  {
    id: 'REC-04',
    source: 'HMICFRS recommendation',
    text: 'Review the quality of investigations closed as outcome 18 (no suspect identified)',
    owner: 'Force Crime Registrar',
    status: 'Closed',
    raisedAt: 0.2,
    dueAfter: 120,
    doneAfter: 110,
    update: 'Review complete, findings shared with the Board',
  },
  {
    id: 'STR-01',
    source: 'Strategy commitment',
    text: 'Develop a network of Cyber Protect Volunteers across all four local policing areas',
    owner: 'Cyber Protect Coordinator',
    status: 'On track',
    raisedAt: -0.1,
    dueAfter: 900,
    update: 'Recruitment open in Herefordshire, Shropshire and Telford & Wrekin',
  },
  {
    id: 'STR-02',
    source: 'Strategy commitment',
    text: 'Deliver cyber prevention training to small and medium-sized enterprises, including Cyber Essentials and Police CyberAlarm',
    owner: 'Cyber Protect Coordinator',
    status: 'On track',
    raisedAt: -0.1,
    dueAfter: 900,
    update: 'SME sessions running monthly, online and in person',
  },
  {
    id: 'STR-03',
    source: 'Strategy commitment',
    text: 'Publish a quarterly cyber crime performance pack for the Strategic Cyber Crime Board',
    owner: 'Performance and Analysis Manager',
    status: 'Complete',
    raisedAt: 0.1,
    dueAfter: 120,
    doneAfter: 100,
    update: 'First pack presented',
  },
  {
    id: 'STR-04',
    source: 'Strategy commitment',
    text: 'Recruit and train a further ten cyber volunteers',
    owner: 'Citizens in Policing Manager',
    status: 'At risk',
    raisedAt: 0,
    dueAfter: 700,
    update: 'Vetting backlog, "about six months" per applicant',
  },
  { id: 'STR-05', source: 'Strategy commitment', text: 'Work with schools and Cyber Choices to divert young people from cyber offending', owner: 'Cyber Prevent Lead', status: 'On track', raisedAt: 0.3, dueAfter: 600, update: '' },
  {
    id: 'STR-06',
    source: 'Strategy commitment',
    text: 'Run "staying safe online" sessions with older people\'s groups, with partners',
    owner: 'Cyber Protect Coordinator',
    status: 'Complete',
    raisedAt: 0.15,
    dueAfter: 240,
    doneAfter: 200,
    update: 'Sessions delivered with Age UK and libraries',
  },
  {
    id: 'BRD-01',
    source: 'Board action',
    text: 'Provide a breakdown of incidents by local policing area and victim type',
    owner: 'Performance and Analysis Manager',
    status: 'Closed',
    raisedAt: 0.25,
    dueAfter: 60,
    doneAfter: 50,
    update: 'Included in the pack',
  },
  {
    id: 'BRD-02',
    source: 'Board action',
    text: 'Report volunteer hours by activity, including volunteers not deployed in the quarter',
    owner: 'Citizens in Policing Manager',
    status: 'On track',
    raisedAt: 0.8,
    dueAfter: 180,
    update: 'Data now in the hours export',
  },
  { id: 'BRD-03', source: 'Board action', text: 'Confirm funding for digital forensics capacity', owner: 'PCC Office', status: 'Not started', raisedAt: 0.55, dueAfter: 120, update: 'Awaiting budget round' },
  {
    id: 'BRD-04',
    source: 'Board action',
    text: 'Explain the rise in social media and email hacking reports, and the Protect response',
    owner: 'Head of Cyber Crime Unit',
    status: 'Closed',
    raisedAt: 0.4,
    dueAfter: 90,
    doneAfter: 85,
    update: 'Paper presented; campaign on two-step verification agreed',
  },
  { id: 'BRD-05', source: 'Board action', text: 'Agree a target for first victim contact', owner: 'PCC Office', status: 'Complete', raisedAt: 0.45, dueAfter: 90, doneAfter: 120, update: 'Target agreed: contact within 28 days' },
  { id: 'BRD-06', source: 'Board action', text: 'Review training satisfaction feedback and follow-up referrals', owner: 'Cyber Protect Coordinator', status: 'Not started', raisedAt: 0.9, dueAfter: 90, update: '' },
  {
    id: 'BRD-07',
    source: 'Board action',
    text: 'Share Protect messages with the Local Resilience Forum and business partners',
    owner: 'Corporate Communications',
    status: 'Closed',
    raisedAt: 0.6,
    dueAfter: null,
    doneAfter: 45,
    update: 'Shared via partner newsletters, LRF bulletin',
  },
];

export function writeActions(ctx: Ctx, file: RowSink): void {
  const rng = new Rng(ctx.seed, 'actions');
  const span = ctx.end - ctx.start;
  file.header(['Action ID', 'Source', 'Action', 'Owner', 'Date Raised', 'Status', 'Due Date', 'Date Completed', 'Latest Update']);
  for (const a of ACTIONS) {
    const raised = Math.min(ctx.end, ctx.start + Math.round(a.raisedAt * span) + rng.int(-7, 7));
    const done = a.doneAfter !== undefined && (a.status === 'Complete' || a.status === 'Closed') ? Math.min(ctx.end, raised + a.doneAfter) : null;
    file.record([a.id, a.source, a.text, a.owner, dayToDmy(raised), a.status, a.dueAfter === null ? '' : dayToDmy(raised + a.dueAfter), done === null ? '' : dayToDmy(done), a.update]);
  }
}
