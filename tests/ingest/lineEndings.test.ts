import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/env.ts';

// Every byte accounted for (issue 16): lone CRs, mixed line endings, bytes that are not text,
// and the limits, each with counts and messages worked out by hand.

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(() => env.close());

const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,Summary';

describe('line endings', () => {
  it('ends a record at a lone CR outside quotes, and quarantines what follows it, counted', async () => {
    // Line 1 header; line 2 "CR1,...,abc" (5 fields, loads); line 3 "def" (1 field); line 4 CR2.
    const report = await env.ingestText('lone-cr.csv', `${HEADER}\nCR1,01/10/2025,NFIB52A,Individual,abc\rdef\nCR2,02/10/2025,NFIB52A,Individual,ok\n`, { maxQuarantineShare: 1 });
    expect(report).toMatchObject({ status: 'loaded', rows_read: 3, rows_loaded: 2, rows_quarantined: 1 });
    expect(report.lines).toEqual({ total: 4, header: 1, blank: 0, data: 3, records: 3 });
    expect(await env.rows('select crime_ref, summary, _line from incidents order by _line')).toEqual([
      { crime_ref: 'CR1', summary: 'abc', _line: 2n },
      { crime_ref: 'CR2', summary: 'ok', _line: 4n },
    ]);
    expect(await env.rows('select line, reason, detail from quarantine')).toEqual([{ line: 3n, reason: 'wrong_field_count', detail: 'expected 5 fields, found 1' }]);
  });

  it('keeps a lone CR inside quotes as a line break in the value, and counts the line', async () => {
    const report = await env.ingestText('quoted-cr.csv', `${HEADER}\nCR1,01/10/2025,NFIB52A,Individual,"one\rtwo"\nCR2,02/10/2025,NFIB52A,Individual,x\n`);
    expect(report).toMatchObject({ rows_read: 2, rows_loaded: 2 });
    expect(report.lines).toEqual({ total: 4, header: 1, blank: 0, data: 3, records: 2 });
    expect(await env.rows('select summary, _line from incidents order by _line')).toEqual([
      { summary: 'one\rtwo', _line: 2n },
      { summary: 'x', _line: 4n },
    ]);
  });

  it('loads all 30 rows of a file mixing LF, CR and CRLF, each on its own line', async () => {
    const endings = ['\n', '\r', '\r\n'];
    const rows = Array.from({ length: 30 }, (_, i) => `CR${i + 1},01/10/2025,NFIB52A,Individual,row ${i + 1}${endings[i % 3]}`);
    const report = await env.ingestText('mixed.csv', `${HEADER}\r\n${rows.join('')}`);
    expect(report).toMatchObject({ status: 'loaded', rows_read: 30, rows_loaded: 30, rows_quarantined: 0 });
    expect(report.lines).toEqual({ total: 31, header: 1, blank: 0, data: 30, records: 30 });
    const lines = await env.rows<{ _line: bigint }>('select _line from incidents order by _line');
    expect(lines.map((r) => Number(r._line))).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  });

  it('loads a CR-only file, blank lines counted as lines', async () => {
    const report = await env.ingestText('mac.csv', `${HEADER}\rCR1,01/10/2025,NFIB52A,Individual,"a\rb"\r\rCR2,01/10/2025,NFIB52A,Individual,c\r`);
    expect(report).toMatchObject({ status: 'loaded', rows_read: 2, rows_loaded: 2 });
    expect(report.lines).toEqual({ total: 5, header: 1, blank: 1, data: 3, records: 2 });
    expect(await env.rows('select _line from incidents order by _line')).toEqual([{ _line: 2n }, { _line: 5n }]);
  });
});

describe('bytes that are not text', () => {
  const utf8 = (text: string) => Buffer.from(text, 'utf8');

  it('keeps UTF-8 with one bad byte, and quarantines only the row holding it', async () => {
    const bytes = Buffer.concat([
      utf8('Crime Reference,Date Reported,NFIB Code,Victim Type,Loss (£)\nCR1,01/10/2025,NFIB52A,Individual,£5\nCR2,01/10/2025,NFIB52A,Individual,'),
      Buffer.from([0xa3]), // a Windows-1252 £ in a UTF-8 file
      utf8('7\nCR3,01/10/2025,NFIB52A,Individual,£9.50\n'),
    ]);
    const report = await env.ingestText('one-bad-byte.csv', bytes, { maxQuarantineShare: 1 });
    expect(report).toMatchObject({ status: 'loaded', encoding: 'utf-8', rows_read: 3, rows_loaded: 2, rows_quarantined: 1, columns_ignored: [] });
    expect(report.quarantine_by_reason).toEqual({ unreadable_character: 1 });
    expect(await env.rows('select crime_ref, loss_gbp::varchar as loss from incidents order by crime_ref')).toEqual([
      { crime_ref: 'CR1', loss: '5.00' },
      { crime_ref: 'CR3', loss: '9.50' },
    ]);
    expect(await env.rows('select line, reason from quarantine')).toEqual([{ line: 3n, reason: 'unreadable_character' }]);
  });

  it('still reads a Windows-1252 file as Windows-1252', async () => {
    const bytes = Buffer.concat([utf8('Crime Reference,Date Reported,NFIB Code,Victim Type,Loss ('), Buffer.from([0xa3]), utf8(')\nCR1,01/10/2025,NFIB52A,Individual,'), Buffer.from([0xa3]), utf8('5\n')]);
    const report = await env.ingestText('cp1252.csv', bytes);
    expect(report).toMatchObject({ status: 'loaded', encoding: 'windows-1252', rows_loaded: 1, columns_ignored: [] });
    expect(await env.rows('select loss_gbp::varchar as loss from incidents')).toEqual([{ loss: '5.00' }]);
  });

  it('refuses a header that reads as wrongly decoded text, naming it', async () => {
    // "Loss (£)" saved once as UTF-8, read as Windows-1252, saved again as UTF-8: "Loss (Â£)".
    const report = await env.ingestText('mojibake.csv', utf8('Crime Reference,Date Reported,NFIB Code,Victim Type,Loss (Â£)\nCR1,01/10/2025,NFIB52A,Individual,5\n'));
    expect(report.status).toBe('rejected');
    expect(report.error).toBe('mojibake.csv has headers on line 1 that look wrongly decoded ("Loss (Â£)"); save the export again as UTF-8 and try again.');
  });

  it('refuses a header holding bytes that are not text, naming the line', async () => {
    const bytes = Buffer.concat([utf8('Crime Reference,Date Reported,NFIB Code,Victim Type,Summary (é),Bad'), Buffer.from([0xff]), utf8('\nCR1,01/10/2025,NFIB52A,Individual,x,y\n')]);
    const report = await env.ingestText('bad-header.csv', bytes);
    expect(report.error).toBe('bad-header.csv has a header on line 1 with bytes that are not valid text ("Bad\uFFFD"); save the export as UTF-8 and try again.');
  });
});

describe('limits, named with the line and the limit', () => {
  it('refuses an over-long unquoted value with its line and the limit', async () => {
    const report = await env.ingestText('long.csv', `${HEADER}\nCR1,01/10/2025,NFIB52A,Individual,ok\nCR2,01/10/2025,NFIB52A,Individual,${'x'.repeat(3 << 20)}\n`);
    expect(report.error).toBe('long.csv has a record on line 3 longer than the 1 MiB limit for one record; shorten that value in the export and try again.');
  });

  it('refuses a quoted value that never closes with where it starts', async () => {
    const report = await env.ingestText('open.csv', `${HEADER}\nCR1,01/10/2025,NFIB52A,Individual,"${'x\n'.repeat(600_000)}`);
    expect(report.error).toBe('open.csv has a quoted value starting on line 2 that runs past 1 MiB without closing; fix the quotes in the export and try again.');
  });

  it('refuses a file with no line break it can read', async () => {
    const report = await env.ingestText('one-line.csv', `${HEADER},${'y'.repeat(2 << 20)}`);
    expect(report.error).toBe('one-line.csv has no line break (LF, CRLF or CR) in its first 1 MiB, so its line endings cannot be read; export it again as CSV.');
  });

  it('refuses a header wider than the column limit, naming the limit', async () => {
    const header = Array.from({ length: 3001 }, (_, i) => `Column ${i}`).join(',');
    const report = await env.ingestText('wide.csv', `${header}\n${'1,'.repeat(3000)}1\n`);
    expect(report.error).toBe('wide.csv has 3001 columns in its header (line 1), more than the 1000 boardpack reads; export only the columns needed.');
  });
});
