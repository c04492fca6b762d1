import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readIngestStatus, readQuarantine } from '../../pipelines/ingest/status.ts';
import { createTestEnv, csv, type TestEnv } from '../support/env.ts';

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv({ config: { ingest: { max_quarantine_share: 0.5 } } });
});
afterEach(() => env.close());

describe('status', () => {
  it('lists loaded files, records, the quarantine by reason and data-quality warnings', async () => {
    // Hours first: the roster arrives later, so "not on the roster" is worked out at status time.
    await env.ingestText('hours.csv', csv('Deployment ID,Volunteer ID,Duty Date,Hours,Activity', 'D1,CV1,01/10/2025,2,Other', 'D2,CV9,01/10/2025,1,Other', 'D3,CV9,02/10/2025,1,Other', 'D4,CV1,02/10/2025,30,Other'));
    await env.ingestText('roster.csv', csv('Volunteer ID,Role,Start Date,Local Policing Area', 'CV1,Cyber Volunteer,01/01/2024,Ludlow', 'CV2,Cyber Volunteer,01/01/2024,Shropshire'));
    const status = await readIngestStatus(env.db);
    expect(status.files.map((f) => [f.load_id, f.file_name, f.dataset, f.rows_read, f.rows_loaded, f.rows_quarantined])).toEqual([
      [1, 'hours.csv', 'volunteer_hours', 4, 3, 1],
      [2, 'roster.csv', 'volunteers', 2, 2, 0],
    ]);
    expect(status.files[0]!.loaded_at).toBe('2025-10-14T12:00:00Z');
    expect(status.records).toEqual({ incidents: 0, volunteers: 2, volunteer_hours: 3, training: 0, actions: 0 });
    expect(status.quarantine).toEqual([{ dataset: 'volunteer_hours', reason: 'out_of_range', rows: 1, files: 1 }]);
    expect(status.warnings).toEqual([
      { dataset: 'volunteer_hours', field: 'volunteer_id', kind: 'not_in_roster', value: 'CV9', rows: 2 },
      { dataset: 'volunteers', field: 'area', kind: 'unknown_value', value: 'Ludlow', rows: 1 },
    ]);
    expect(await readQuarantine(env.db)).toEqual([{ file_name: 'hours.csv', dataset: 'volunteer_hours', line: 5, field: 'hours', raw_value: '30', reason: 'out_of_range', detail: null }]);
  });
});
