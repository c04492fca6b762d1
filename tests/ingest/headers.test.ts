import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, csv, type TestEnv } from '../support/env.ts';
import { normalizeHeader } from '../../pipelines/ingest/headers.ts';

// Header matching and dataset detection (docs/datasets.md, "Headers").

let env: TestEnv;
afterEach(() => env.close());

describe('header matching', () => {
  beforeEach(async () => {
    env = await createTestEnv({ config: { aliases: { incidents: { crime_ref: ['Occurrence No'] } } } });
  });

  it('normalises case, spaces, _ - . ( ) £ and a BOM', () => {
    expect(['Crime Reference', 'crime_reference', 'CRIME-REFERENCE', '\uFEFFCrime.Reference', ' (Crime) Reference ', 'Loss (£)'].map(normalizeHeader)).toEqual([
      'crimereference',
      'crimereference',
      'crimereference',
      'crimereference',
      'crimereference',
      'loss',
    ]);
  });

  it('maps headers in other cases, aliases, any order, and aliases from configuration', async () => {
    const report = await env.ingestText('odd.csv', csv('victim_TYPE,nfib-code,Occurrence No,REPORT DATE,Colour', 'business,NFIB52A,OCC1,01/10/2025,blue'));
    expect(report.status).toBe('loaded');
    expect(report.dataset).toBe('incidents');
    expect(report.columns_ignored).toEqual(['Colour']);
    expect(await env.rows('select crime_ref, victim_type, nfib_code from incidents')).toEqual([{ crime_ref: 'OCC1', victim_type: 'Business', nfib_code: 'NFIB52A' }]);
  });

  it('rejects a file missing a required column, naming the field and the headers that would match', async () => {
    const report = await env.ingestText('missing.csv', csv('Crime Reference,NFIB Code,Victim Type,Summary', 'CR1,NFIB52A,Individual,x'));
    expect(report.status).toBe('rejected');
    expect(report.dataset).toBe('incidents');
    expect(report.error).toBe(
      'missing.csv looks like incidents but lacks required column reported_on (accepted headers: reported_on, Date Reported, Report Date, Reported Date, Reported On); nothing was loaded: add the column to the export or add an alias under "aliases" in boardpack.config.json.',
    );
    expect(await env.rows('select count(*)::integer as n from incidents')).toEqual([{ n: 0 }]);
  });

  it('rejects two columns that map to the same field', async () => {
    const report = await env.ingestText('twice.csv', csv('Crime Reference,Crime No,Date Reported,NFIB Code,Victim Type', 'A,B,01/10/2025,NFIB52A,Individual'));
    expect(report.error).toMatch(/^twice\.csv has two columns for incidents field crime_ref \("Crime Reference" and "Crime No"\)/);
  });
});

describe('dataset detection', () => {
  beforeEach(async () => {
    env = await createTestEnv();
  });

  it.each([
    ['volunteers', 'Volunteer ID,Role,Start Date', 'V1,Cyber Volunteer,01/01/2024'],
    ['volunteer_hours', 'Deployment ID,Volunteer ID,Date,Hours,Activity', 'D1,V1,01/10/2025,2,Other'],
    ['training', 'Event ID,Date,Audience,Attendees', 'E1,01/10/2025,SME,12'],
    ['actions', 'Ref,Source,Action,Owner,Raised,Status', 'A1,Board action,Report back,PCC Office,01/10/2025,On track'],
    ['incidents', 'NFIB Ref,Report Date,Offence Code,Victim Type', 'X1,01/10/2025,NFIB52A,Individual'],
  ])('detects %s from its headers', async (dataset, header, row) => {
    const report = await env.ingestText(`${dataset}.csv`, csv(header, row));
    expect([report.dataset, report.status, report.rows_loaded]).toEqual([dataset, 'loaded', 1]);
  });

  it('says so when headers match no dataset, listing what it found', async () => {
    const report = await env.ingestText('shopping.csv', csv('Item,Price', 'Milk,1'));
    expect(report.error).toBe('shopping.csv is not recognised as any dataset (headers found: Item, Price); name it with --dataset incidents|volunteers|volunteer_hours|training|actions or add aliases in boardpack.config.json.');
  });

  it('says so when headers fit two datasets equally', async () => {
    const report = await env.ingestText('vague.csv', csv('Date,Hours,Attendees', '01/10/2025,2,30'));
    expect(report.error).toBe('vague.csv could be volunteer_hours or training (headers found: Date, Hours, Attendees); name it with --dataset.');
  });

  it('uses the named dataset instead of detecting one', async () => {
    const report = await env.ingestText('named.csv', csv('Date,Volunteer ID,Deployment ID,Hours,Activity', '01/10/2025,V1,D1,1.5,Other'), { dataset: 'volunteer_hours' });
    expect(report.dataset).toBe('volunteer_hours');
    const wrong = await env.ingestText('named2.csv', csv('Date,Volunteer ID,Deployment ID,Hours,Activity', '02/10/2025,V1,D2,1.5,Other'), { dataset: 'training' });
    expect(wrong.error).toMatch(/^named2\.csv looks like training but lacks required columns event_id .*audience .*attendees/);
  });
});
