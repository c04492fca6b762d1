/**
 * Reference tables for incidents: header, offence codes with their victim mix,
 * losses and summaries, and the other weighted columns. Values are stored as
 * finished CSV cells (see `cell`) for the hot path in incidents.ts.
 */
import { cell, cellTable, csvField } from './csvWriter.ts';
import { Weighted } from './random.ts';

export function incidentHeader(personal: boolean): string[] {
  return [
    'Crime Reference',
    'Date Reported',
    'Offence Date',
    'Date Received',
    'NFIB Code',
    'Victim Type',
    ...(personal ? ['Victim Name', 'Victim Email'] : []),
    'Organisation Size',
    'Local Policing Area',
    'Loss (£)',
    'First Contact Date',
    'Outcome Code',
    'Outcome Date',
    'Repeat Victim',
    'Source',
    'Assigned To',
    'Summary',
  ];
}

export interface Victim {
  cell: string;
  organisation: boolean;
}

function victimTable(entries: ReadonlyArray<readonly [string, number]>): Weighted<Victim> {
  return new Weighted(entries.map(([type, w]) => [{ cell: cell(type), organisation: type !== 'Individual' }, w] as const));
}

// Victim mix depends on the offence: account hacking hits people, server
// attacks and DoS hit organisations.
const PEOPLE_TARGETED = victimTable([
  ['Individual', 0.85],
  ['Business', 0.09],
  ['Charity', 0.015],
  ['Public sector', 0.015],
  ['Education', 0.02],
  ['Other', 0.01],
]);
const ORGS_TARGETED = victimTable([
  ['Individual', 0.25],
  ['Business', 0.55],
  ['Charity', 0.06],
  ['Public sector', 0.06],
  ['Education', 0.06],
  ['Other', 0.02],
]);
const MIXED_TARGETS = victimTable([
  ['Individual', 0.5],
  ['Business', 0.35],
  ['Charity', 0.04],
  ['Public sector', 0.04],
  ['Education', 0.05],
  ['Other', 0.02],
]);

export interface CodeProfile {
  codeCell: string;
  victims: Weighted<Victim>;
  lossFactor: number;
  /** Serious/organised: more often with the ROCU or NCA. */
  escalate: boolean;
  /** CSV-escaped once here (last column: no trailing comma). */
  summaries: string[];
}

function profile(code: string, victims: Weighted<Victim>, lossFactor: number, escalate: boolean, summaries: string[]): CodeProfile {
  return { codeCell: cell(code), victims, lossFactor, escalate, summaries: summaries.map(csvField) };
}

const FRAUD_SUMMARIES = [
  'Paid a deposit for a car advertised online, car never delivered',
  'Bank card used for online purchases the victim did not make',
  'Upfront "arrangement fee" paid for a loan that never arrived',
  'Investment scam promoted through a social media advert',
  'Courier fraud: caller claiming to be from the bank',
];

const CODE_PROFILES: ReadonlyArray<readonly [CodeProfile, number]> = [
  [
    profile('NFIB52C', PEOPLE_TARGETED, 0.6, false, [
      'Email account compromised after phishing message',
      'Instagram account taken over, followers sent investment scam messages',
      'Facebook account hacked; recovery email and phone number changed',
      'WhatsApp account taken over after victim shared a six-digit code',
      'Email account accessed from an unknown location, forwarding rules created',
      'Victim told "your account will be deleted" and entered password on a fake page',
      'Snapchat account hacked and used to message contacts',
      'Business email account compromised, invoices sent to customers altered',
    ]),
    0.42,
  ],
  [
    profile('NFIB52B', PEOPLE_TARGETED, 0.8, false, [
      'Home computer accessed remotely after a fake tech support call',
      'Ex-partner accessed phone and cloud storage without permission',
      'Cloud storage account accessed, photos downloaded',
      'Smart home camera accessed by an unknown party',
      'Remote access software installed during a "refund" call',
      'Online shopping account accessed, delivery address changed',
    ]),
    0.18,
  ],
  [
    profile('NFIB53A', PEOPLE_TARGETED, 1, false, [
      'Laptop infected with malware after opening an email attachment',
      'Spyware found on mobile phone',
      'Banking trojan detected on work laptop',
      'Browser pop-ups claiming the PC is infected, "call Microsoft" number shown',
      'Malicious app installed from a text message link',
      'Files on home PC encrypted by malware, no ransom paid',
    ]),
    0.14,
  ],
  [
    profile('NFIB52A', ORGS_TARGETED, 2, false, [
      'Company website defaced',
      'Web server compromised, customer database accessed',
      'Unauthorised access to office server via exposed remote desktop',
      'Cloud admin account compromised, new users created',
      'Online shop checkout page altered to skim card details',
    ]),
    0.1,
  ],
  [
    profile('NFIB52E', MIXED_TARGETS, 4, true, [
      'Ransomware on office server',
      'Data stolen and ransom demanded, threat to publish',
      'Sextortion email claiming webcam access, "pay in Bitcoin" demand',
      'Ransomware encrypted shared drives, backups also affected',
      'Ransom note left on screen:\n"Your files are encrypted"',
      'Hacked social media account held to ransom',
    ]),
    0.08,
  ],
  [profile('NFIB53B', ORGS_TARGETED, 1.5, false, ['Website taken offline by denial of service attack', 'Online game server flooded with traffic', 'Booking system unavailable for two days, traffic flood suspected']), 0.05],
  [profile('NFIB52D', ORGS_TARGETED, 3, false, ['Phone system hacked, premium rate calls made overnight', 'PBX voicemail compromised and used for international calls']), 0.015],
  [profile('NFIB53C', ORGS_TARGETED, 4, true, ['DDoS attack with ransom demand to stop', 'Threat of "bigger attack" unless payment made, site briefly offline']), 0.015],
];
// About 3 % out-of-scope fraud codes: the pipeline must exclude and count them.
const OUT_OF_SCOPE: ReadonlyArray<readonly [CodeProfile, number]> = ['NFIB1A', 'NFIB3A', 'NFIB5A', 'NFIB90'].map((code) => [profile(code, PEOPLE_TARGETED, 1, false, FRAUD_SUMMARIES), 0.03 / 4] as const);
export const CODES = new Weighted<CodeProfile>([...CODE_PROFILES.map(([p, w]) => [p, w * 0.97] as const), ...OUT_OF_SCOPE]);

export const ORG_SIZES = cellTable([
  ['Micro', 0.42],
  ['Small', 0.3],
  ['Medium', 0.16],
  ['Large', 0.08],
  ['', 0.04],
]);
export const LARGE = cell('Large');
export const REPEAT = cellTable([
  ['No', 0.73],
  ['Yes', 0.07],
  ['', 0.2],
]);
export const ASSIGNED = cellTable([
  ['Local cyber team', 0.88],
  ['ROCU', 0.1],
  ['NCA', 0.02],
]);
export const ASSIGNED_SERIOUS = cellTable([
  ['Local cyber team', 0.55],
  ['ROCU', 0.35],
  ['NCA', 0.1],
]);
export const SOURCE_LOCAL = cell('Local');
export const SOURCE_ACTION_FRAUD = cell('Action Fraud');

// Home Office outcomes: judicial 1-8 about 8 %; 18, 14 and 16 dominate.
export const OUTCOMES = cellTable(
  (
    [
      [1, 3],
      [2, 0.3],
      [3, 1.2],
      [4, 0.3],
      [5, 0.2],
      [6, 0.2],
      [7, 0.1],
      [8, 2.7],
      [9, 0.5],
      [10, 1.5],
      [11, 0.5],
      [12, 0.2],
      [13, 0.1],
      [14, 14],
      [15, 6],
      [16, 16],
      [17, 0.7],
      [18, 38],
      [19, 0.5],
      [20, 6],
      [21, 5],
      [22, 1.3],
    ] as const
  ).map(([code, w]) => [String(code), w] as const),
);

// Reports peak on Mondays, dip at weekends.
export const INCIDENT_WEEKDAY = [0.6, 1.2, 1.1, 1.05, 1.05, 1.0, 0.7];
