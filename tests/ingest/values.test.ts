import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, csv, type TestEnv } from '../support/env.ts';

// Every value rule of docs/datasets.md, with expected values worked out by hand.
// The clock is pinned to 14 October 2025, so that is the load date.

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(() => env.close());

const INCIDENT_HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type';
const everything = { maxQuarantineShare: 1 };

async function quarantine() {
  return env.rows<{ line: bigint; field: string; raw_value: string; reason: string }>('select line, field, raw_value, reason from quarantine order by line, field, reason');
}

describe('dates', () => {
  it('reads every documented form day-first, with or without a time', async () => {
    const forms = ['2025-02-03', '03/02/2025', '3/2/2025', '03-02-2025', '03.02.2025', '3 Feb 2025', '03-Feb-2025', '03/02/2025 14:30', '03/02/2025 14:30:15', '2025-02-03T14:30:00', '2025-02-03T09:15:00Z', '3 february 2025'];
    const lines = forms.map((d, i) => `C${i},"${d}",NFIB52A,Individual`);
    const report = await env.ingestText('dates.csv', csv(INCIDENT_HEADER, ...lines));
    expect(report.rows_loaded).toBe(12);
    const rows = await env.rows<{ d: string; n: bigint }>(`select strftime(reported_on, '%Y-%m-%d') as d, count(*) as n from incidents group by 1`);
    expect(rows).toEqual([{ d: '2025-02-03', n: 12n }]);
  });

  it('quarantines an impossible date, a two-digit year and a month-first date', async () => {
    const report = await env.ingestText(
      'bad-dates.csv',
      csv(INCIDENT_HEADER, 'C1,31/02/2025,NFIB52A,Individual', 'C2,03/02/25,NFIB52A,Individual', 'C3,12/31/2025,NFIB52A,Individual', 'C4,29/02/2024,NFIB52A,Individual', 'C5,29/02/2025,NFIB52A,Individual'),
      everything,
    );
    expect(report.rows_loaded).toBe(1); // 29/02/2024 is a leap day
    expect(await quarantine()).toEqual([
      { line: 2n, field: 'reported_on', raw_value: '31/02/2025', reason: 'invalid_date' },
      { line: 3n, field: 'reported_on', raw_value: '03/02/25', reason: 'invalid_date' },
      { line: 4n, field: 'reported_on', raw_value: '12/31/2025', reason: 'invalid_date' },
      { line: 6n, field: 'reported_on', raw_value: '29/02/2025', reason: 'invalid_date' },
    ]);
  });

  it('applies the incident date rules: contact or outcome before report, report after the load date', async () => {
    const report = await env.ingestText(
      'rules.csv',
      csv(
        `${INCIDENT_HEADER},First Contact Date,Outcome Date`,
        'C1,10/10/2025,NFIB52A,Individual,09/10/2025,',
        'C2,10/10/2025,NFIB52A,Individual,10/10/2025,09/10/2025',
        'C3,15/10/2025,NFIB52A,Individual,,',
        'C4,14/10/2025,NFIB52A,Individual,14/10/2025,14/10/2025',
      ),
      everything,
    );
    expect(report.rows_loaded).toBe(1);
    expect(await quarantine()).toEqual([
      { line: 2n, field: 'first_contact_on', raw_value: '09/10/2025', reason: 'contact_before_report' },
      { line: 3n, field: 'outcome_on', raw_value: '09/10/2025', reason: 'outcome_before_report' },
      { line: 4n, field: 'reported_on', raw_value: '15/10/2025', reason: 'reported_after_load_date' },
    ]);
  });
});

describe('money, numbers and booleans', () => {
  it('reads plain, pound-signed and thousands-separated amounts; blank is null', async () => {
    const rows = ['1234.56', '"£1,234.56"', '"1,234"', '', '£0.50', ' £ 12 '];
    const report = await env.ingestText('money.csv', csv(`${INCIDENT_HEADER},Loss (£)`, ...rows.map((m, i) => `C${i},01/10/2025,NFIB52A,Individual,${m}`)));
    expect(report.rows_loaded).toBe(6);
    const loss = await env.rows<{ crime_ref: string; loss: string | null }>(`select crime_ref, loss_gbp::varchar as loss from incidents order by crime_ref`);
    expect(loss.map((r) => r.loss)).toEqual(['1234.56', '1234.56', '1234.00', null, '0.50', '12.00']);
  });

  it('quarantines negative and malformed amounts', async () => {
    const rows = ['-5', '£-5.00', '-£5', '12abc', '"1,23,4"', '1.234'];
    await env.ingestText('bad-money.csv', csv(`${INCIDENT_HEADER},Loss`, ...rows.map((m, i) => `C${i},01/10/2025,NFIB52A,Individual,${m}`)), everything);
    expect((await quarantine()).map((q) => [q.raw_value, q.reason])).toEqual([
      ['-5', 'negative_amount'],
      ['£-5.00', 'negative_amount'],
      ['-£5', 'negative_amount'],
      ['12abc', 'invalid_amount'],
      ['1,23,4', 'invalid_amount'],
      ['1.234', 'invalid_amount'],
    ]);
  });

  it('reads yes/no, y/n, true/false and 1/0 in any case; blank is null; anything else is an error', async () => {
    const values = ['Yes', 'no', 'Y', 'n', 'TRUE', 'false', '1', '0', '', 'maybe'];
    await env.ingestText('bools.csv', csv(`${INCIDENT_HEADER},Repeat Victim`, ...values.map((v, i) => `C${i},01/10/2025,NFIB52A,Individual,${v}`)), everything);
    const rows = await env.rows<{ r: boolean | null }>(`select repeat_victim as r from incidents order by _line`);
    expect(rows.map((r) => r.r)).toEqual([true, false, true, false, true, false, true, false, null]);
    expect(await quarantine()).toEqual([{ line: 11n, field: 'repeat_victim', raw_value: 'maybe', reason: 'invalid_boolean' }]);
  });

  it('checks integer and decimal ranges from the contract', async () => {
    await env.ingestText(
      'outcomes.csv',
      csv(`${INCIDENT_HEADER},Outcome Code`, 'C1,01/10/2025,NFIB52A,Individual,1', 'C2,01/10/2025,NFIB52A,Individual,22', 'C3,01/10/2025,NFIB52A,Individual,23', 'C4,01/10/2025,NFIB52A,Individual,0', 'C5,01/10/2025,NFIB52A,Individual,3.5'),
      everything,
    );
    expect((await quarantine()).map((q) => [q.raw_value, q.reason])).toEqual([
      ['23', 'out_of_range'],
      ['0', 'out_of_range'],
      ['3.5', 'invalid_integer'],
    ]);
    const hours = await env.ingestText(
      'hours.csv',
      csv('Deployment ID,Volunteer ID,Duty Date,Hours,Activity', 'D1,V1,01/10/2025,0,Other', 'D2,V1,01/10/2025,24,Other', 'D3,V1,01/10/2025,24.5,Other', 'D4,V1,01/10/2025,0.25,Other', 'D5,V1,01/10/2025,two,Other'),
      everything,
    );
    expect(hours.rows_loaded).toBe(2);
    const q = await env.rows<{ raw_value: string; reason: string }>(`select raw_value, reason from quarantine where dataset = 'volunteer_hours' order by line`);
    expect(q).toEqual([
      { raw_value: '0', reason: 'out_of_range' },
      { raw_value: '24.5', reason: 'out_of_range' },
      { raw_value: 'two', reason: 'invalid_number' },
    ]);
  });
});

describe('lists and enumerations', () => {
  it('splits lists on semicolons, trims items and drops empty ones', async () => {
    await env.ingestText('training.csv', csv('Event ID,Event Date,Audience,Attendees,Volunteer IDs', 'E1,01/10/2025,SME,10," CV1; ;CV2 ;"', 'E2,01/10/2025,sme,"1,200",', 'E3,01/10/2025,general public,5,CV3'));
    const rows = await env.rows<{ event_id: string; audience: string; attendees: number; volunteer_ids: string[] | null }>('select event_id, audience, attendees, volunteer_ids from training order by event_id');
    expect(rows).toEqual([
      { event_id: 'E1', audience: 'SME', attendees: 10, volunteer_ids: ['CV1', 'CV2'] },
      { event_id: 'E2', audience: 'SME', attendees: 1200, volunteer_ids: null },
      { event_id: 'E3', audience: 'General public', attendees: 5, volunteer_ids: ['CV3'] },
    ]);
  });

  it('matches enums ignoring case and spaces; an unknown required value is an error, an unknown optional one becomes Unknown with a warning', async () => {
    const report = await env.ingestText(
      'enums.csv',
      csv(
        `${INCIDENT_HEADER},Local Policing Area`,
        'C1,01/10/2025,NFIB52A,PUBLIC SECTOR,telford & wrekin',
        'C2,01/10/2025,NFIB52A,publicsector,Telford',
        'C3,01/10/2025,NFIB52A,Alien,Shropshire',
        'C4,01/10/2025,NFIB52A,Business,Telford',
        'C5,01/10/2025,NFIB52A,Business,',
      ),
      everything,
    );
    const rows = await env.rows<{ victim_type: string; area: string | null }>('select victim_type, area from incidents order by crime_ref');
    expect(rows).toEqual([
      { victim_type: 'Public sector', area: 'Telford & Wrekin' },
      { victim_type: 'Public sector', area: 'Unknown' },
      { victim_type: 'Business', area: 'Unknown' },
      { victim_type: 'Business', area: null },
    ]);
    expect(await quarantine()).toEqual([{ line: 4n, field: 'victim_type', raw_value: 'Alien', reason: 'invalid_value' }]);
    expect(report.warnings).toEqual([{ field: 'area', kind: 'unknown_value', raw_value: 'Telford', rows: 2 }]);
    expect(await env.rows('select field, raw_value, rows from data_quality_warnings')).toEqual([{ field: 'area', raw_value: 'Telford', rows: 2 }]);
  });

  it('requires required fields and applies the roster rules', async () => {
    await env.ingestText(
      'roster.csv',
      csv(
        'Volunteer ID,Role,Start Date,Status,End Date',
        'V1,Cyber Volunteer,01/01/2024,Active,',
        'V2,Cyber Volunteer,01/01/2024,Left,',
        'V3,Cyber Volunteer,01/01/2024,Left,31/12/2023',
        'V4,,01/01/2024,Active,',
        'V5,Cyber Special Constable,01/01/2024,Left,01/01/2024',
      ),
      everything,
    );
    expect((await quarantine()).map((q) => [Number(q.line), q.field, q.reason])).toEqual([
      [3, 'left_on', 'left_without_date'],
      [4, 'left_on', 'left_before_joined'],
      [5, 'role', 'missing_value'],
    ]);
    expect(await env.rows('select volunteer_id from volunteers order by 1')).toEqual([{ volunteer_id: 'V1' }, { volunteer_id: 'V5' }]);
  });
});
