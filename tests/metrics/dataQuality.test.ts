import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildModels } from '../../pipelines/model/buildModels.ts';
import { runDataQuality } from '../../pipelines/metrics/dataQuality.ts';
import { createTestEnv, csv, type TestEnv } from '../support/env.ts';

// The data-quality invariants in queries/checks, each proved to find what it should.

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv({ config: { ingest: { max_quarantine_share: 1 } } });
});
afterEach(() => env.close());

async function checks(asOf: string, maxAgeDays = 45) {
  await buildModels(env.db, env.config.queriesDir);
  const results = await runDataQuality(env.db, env.config.queriesDir, { as_of: asOf, max_age_days: maxAgeDays, start: '2025-07-01', end: '2025-09-30' });
  return Object.fromEntries(results.map((r) => [r.id, { status: r.status, count: r.count, examples: r.examples }]));
}

describe('data-quality checks', () => {
  it('finds hours by unknown volunteers, outcomes without dates, Unknown values and stale datasets', async () => {
    await env.ingestText('roster.csv', csv('Volunteer ID,Role,Start Date', 'CV1,Cyber Volunteer,01/01/2024'));
    await env.ingestText('hours.csv', csv('Deployment ID,Volunteer ID,Duty Date,Hours,Activity', 'D1,CV1,01/09/2025,2,Other', 'D2,CV7,02/09/2025,1,Other', 'D3,CV7,03/09/2025,1,Other'));
    await env.ingestText(
      'incidents.csv',
      csv(
        'Crime Reference,Date Reported,NFIB Code,Victim Type,Outcome Code,Outcome Date,Local Policing Area',
        'C1,01/08/2025,NFIB52A,Individual,18,,',
        'C2,01/09/2025,NFIB52A,Individual,18,10/09/2025,Telford',
        'C3,02/09/2025,NFIB52A,Individual,,,',
      ),
    );
    await env.ingestText('training.csv', csv('Event ID,Event Date,Audience,Attendees', 'E1,01/06/2025,SME,10'));
    const result = await checks('2025-10-14');
    expect(result['DQ-01']).toEqual({ status: 'warn', count: 1, examples: [{ volunteer_id: 'CV7', rows: 2 }] });
    expect(result['DQ-02']).toEqual({ status: 'warn', count: 1, examples: [{ crime_ref: 'C1', outcome_code: 18 }] });
    expect(result['DQ-03']).toEqual({ status: 'warn', count: 1, examples: [{ dataset: 'incidents', field: 'area', raw_value: 'Telford', rows: 1 }] });
    // As of 14 October: incidents newest 2 Sep (42 days), hours 3 Sep (41), training 1 Jun (135 days: stale).
    expect(result['DQ-04']).toEqual({ status: 'warn', count: 1, examples: [{ dataset: 'training', newest_record: '2025-06-01', age_days: 135, max_age_days: 45 }] });
    // As of 19 October all three are older than 45 days (hours: 46).
    expect((await checks('2025-10-19'))['DQ-04']!.count).toBe(3);
  });

  it('passes on clean data', async () => {
    await env.ingestText('roster.csv', csv('Volunteer ID,Role,Start Date', 'CV1,Cyber Volunteer,01/01/2024'));
    await env.ingestText('hours.csv', csv('Deployment ID,Volunteer ID,Duty Date,Hours,Activity', 'D1,CV1,01/10/2025,2,Other'));
    await env.ingestText('incidents.csv', csv('Crime Reference,Date Reported,NFIB Code,Victim Type', 'C1,01/10/2025,NFIB52A,Individual'));
    await env.ingestText('training.csv', csv('Event ID,Event Date,Audience,Attendees', 'E1,01/10/2025,SME,10'));
    const result = await checks('2025-10-14');
    expect(Object.values(result).map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });
});
