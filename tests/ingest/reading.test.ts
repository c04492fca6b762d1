import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeFile } from '../../pipelines/ingest/normalizeFile.ts';
import { createTranscoder } from '../../pipelines/ingest/decode.ts';
import { createTestEnv, csv, type TestEnv } from '../support/env.ts';

// Encodings, delimiters, quoting and physical line numbers (docs/datasets.md, "Encoding and shape").

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(() => env.close());

const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,Summary,Loss (£)';
const TEXT = csv(HEADER, 'CR1,01/10/2025,NFIB52A,Individual,Café owner’s “email” hacked,£1.50', 'CR2,02/10/2025,NFIB53A,Business,Résumé: £5 lost,2');

async function summaries() {
  return env.rows<{ crime_ref: string; summary: string }>('select crime_ref, summary from incidents order by crime_ref');
}

const EXPECTED = [
  { crime_ref: 'CR1', summary: 'Café owner’s “email” hacked' },
  { crime_ref: 'CR2', summary: 'Résumé: £5 lost' },
];

describe('encodings', () => {
  it('keeps £, é and smart quotes from a Windows-1252 file', async () => {
    // Windows-1252 bytes: £ = A3, é = E9, ’ = 92, “ = 93, ” = 94.
    const cp1252 = Buffer.from([...TEXT].map((c) => ({ '£': 0xa3, é: 0xe9, '’': 0x92, '“': 0x93, '”': 0x94 })[c] ?? c.charCodeAt(0)));
    expect(cp1252.includes(0xa3)).toBe(true);
    const report = await env.ingestText('cp1252.csv', cp1252);
    expect(report.encoding).toBe('windows-1252');
    expect(report.rows_loaded).toBe(2);
    expect(await summaries()).toEqual(EXPECTED);
    expect(await env.rows('select loss_gbp::varchar as l from incidents order by crime_ref')).toEqual([{ l: '1.50' }, { l: '2.00' }]);
  });

  it('reads UTF-8 with a BOM (the BOM is not part of the first header)', async () => {
    const report = await env.ingestText('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]));
    expect(report.encoding).toBe('utf-8-bom');
    expect(await summaries()).toEqual(EXPECTED);
  });

  it('reads UTF-16 little- and big-endian with a BOM', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    const report = await env.ingestText('utf16le.csv', le);
    expect(report.encoding).toBe('utf-16le');
    expect(await summaries()).toEqual(EXPECTED);
    const be = Buffer.from(le);
    be.swap16(); // FF FE becomes FE FF and every code unit big-endian
    const second = await env.ingestText('utf16be.csv', be);
    expect(second.encoding).toBe('utf-16be');
    expect(second.status).toBe('loaded');
  });

  it('never splits a multi-byte character across chunks, whatever the chunk size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-chunks-'));
    try {
      const text = csv('A,B', '£é€,“😀”', 'x,ÿ');
      for (const encoding of ['utf-8', 'utf-16le'] as const) {
        const bytes = encoding === 'utf-8' ? Buffer.from(text, 'utf8') : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
        const path = join(dir, `${encoding}.csv`);
        writeFileSync(path, bytes);
        for (const chunk of [1, 2, 3, 5, 7, 64]) {
          const normalized = normalizeFile(path, dir, { chunkSize: chunk });
          expect(readFileSync(normalized.normalizedPath, 'utf8')).toBe('2,£é€,“😀”\n3,x,ÿ\n');
          rmSync(normalized.normalizedPath);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes Windows-1252 chunk by chunk to the same text', () => {
    const transcoder = createTranscoder('windows-1252');
    const bytes = Buffer.from([0xa3, 0x31, 0xe9, 0x80]);
    const out = Buffer.concat([...bytes].map((b) => transcoder.push(Buffer.from([b]))).concat(transcoder.end()));
    expect(out.toString('utf8')).toBe('£1é€');
  });
});

describe('delimiters and quoting', () => {
  it('detects semicolon files, even with commas inside values', async () => {
    const report = await env.ingestText('semi.csv', csv('Crime Reference;Date Reported;NFIB Code;Victim Type;Loss', 'CR1;01/10/2025;NFIB52A;Individual;"£1,234.50"', 'CR2;01/10/2025;NFIB52B;Business;1,5'), { maxQuarantineShare: 1 });
    expect(report.delimiter).toBe(';');
    // "1,5" is not a UK amount: a decimal comma would be ambiguous, so it is quarantined, not guessed.
    expect(report.rows_loaded).toBe(1);
    expect(await env.rows('select loss_gbp::varchar as l from incidents')).toEqual([{ l: '1234.50' }]);
  });

  it('detects tab files', async () => {
    const report = await env.ingestText('tab.csv', 'Crime Reference\tDate Reported\tNFIB Code\tVictim Type\nCR1\t01/10/2025\tNFIB52A\tIndividual\n');
    expect(report.delimiter).toBe('\t');
    expect(report.rows_loaded).toBe(1);
  });

  it('numbers rows by physical line: blank lines count, a multi-line record takes its first line', async () => {
    const text = [
      'Crime Reference,Date Reported,NFIB Code,Victim Type,Summary', // line 1
      'CR1,01/10/2025,NFIB52A,Individual,"first line', // line 2
      'second, with ""quotes""', // line 3
      'third"', // line 4
      '', // line 5: blank
      'CR2,bad date,NFIB52A,Individual,plain', // line 6
      ',,,,', // line 7: Excel's empty row
      'CR3,01/10/2025,NFIB52A,Individual,"x', // line 8
      'y",extra', // line 9: one field too many
      'CR4,32/10/2025,NFIB52A,Individual,', // line 10
      '',
      '',
    ].join('\r\n');
    const report = await env.ingestText('lines.csv', text, { maxQuarantineShare: 1 });
    expect(report.rows_read).toBe(4);
    expect(report.rows_loaded).toBe(1);
    expect(report.rows_quarantined).toBe(3);
    expect(report.rows_blank).toBe(1);
    expect(await env.rows('select summary, _line from incidents')).toEqual([{ summary: 'first line\r\nsecond, with "quotes"\r\nthird', _line: 2n }]);
    expect(await env.rows('select line, field, reason, detail from quarantine order by line')).toEqual([
      { line: 6n, field: 'reported_on', reason: 'invalid_date', detail: null },
      { line: 8n, field: null, reason: 'wrong_field_count', detail: 'expected 5 fields, found 6' },
      { line: 10n, field: 'reported_on', reason: 'invalid_date', detail: null },
    ]);
  });

  it('accepts LF and old Mac CR line endings alike', async () => {
    const lf = await env.ingestText('lf.csv', 'Crime Reference,Date Reported,NFIB Code,Victim Type\nCR1,01/10/2025,NFIB52A,Individual\n\nCR2,x,NFIB52A,Individual', { maxQuarantineShare: 1 });
    const cr = await env.ingestText('cr.csv', 'Crime Reference,Date Reported,NFIB Code,Victim Type\rCR3,01/10/2025,NFIB52A,Individual\r\rCR4,x,NFIB52A,Individual\r', { maxQuarantineShare: 1 });
    expect([lf.rows_read, cr.rows_read]).toEqual([2, 2]);
    expect(await env.rows('select line from quarantine order by line')).toEqual([{ line: 4n }, { line: 4n }]);
  });

  it('keeps a stray quote inside an unquoted value as a character', async () => {
    const report = await env.ingestText('stray.csv', csv('Crime Reference,Date Reported,NFIB Code,Victim Type,Summary', 'CR1,01/10/2025,NFIB52A,Individual,He said "pay now" twice', 'CR2,01/10/2025,NFIB52A,Individual,"quoted" then more'));
    expect(report.rows_loaded).toBe(2);
    expect(await summaries()).toEqual([
      { crime_ref: 'CR1', summary: 'He said "pay now" twice' },
      { crime_ref: 'CR2', summary: 'quoted then more' },
    ]);
  });

  it('quarantines a quote left open at the end of the file as one row', async () => {
    const report = await env.ingestText(
      'open.csv',
      csv(
        'Crime Reference,Date Reported,NFIB Code,Victim Type,Summary',
        ...Array.from({ length: 10 }, (_, i) => `CR${i},01/10/2025,NFIB52A,Individual,ok`),
        'CRX,01/10/2025,NFIB52A,Individual,"never closed',
        'CRY,01/10/2025,NFIB52A,Individual,swallowed',
      ),
    );
    expect(report.rows_read).toBe(11);
    expect(report.rows_quarantined).toBe(1);
    expect(await env.rows('select line, reason from quarantine')).toEqual([{ line: 12n, reason: 'unterminated_quote' }]);
  });
});

describe('field counts', () => {
  it('quarantines rows with too many or too few fields, with the count found', async () => {
    const report = await env.ingestText(
      'ragged.csv',
      csv('Crime Reference,Date Reported,NFIB Code,Victim Type', ...Array.from({ length: 18 }, (_, i) => `C${i},01/10/2025,NFIB52A,Individual`), 'X1,01/10/2025,NFIB52A,Individual,surplus,more', 'X2,01/10/2025'),
    );
    expect(report).toMatchObject({ status: 'loaded', rows_read: 20, rows_loaded: 18, rows_quarantined: 2 });
    expect(await env.rows('select line, reason, detail from quarantine order by line')).toEqual([
      { line: 20n, reason: 'wrong_field_count', detail: 'expected 4 fields, found 6' },
      { line: 21n, reason: 'wrong_field_count', detail: 'expected 4 fields, found 2' },
    ]);
  });
});
