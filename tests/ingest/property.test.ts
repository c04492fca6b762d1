import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestEnv, reconciles, type TestEnv } from '../support/env.ts';
import { breaks, field } from './arbitraries.ts';

// Properties: whatever CSV-like bytes arrive, ingest never crashes or hangs, and
// either rejects the file with one clear sentence or reconciles exactly.

const REQUIRED = ['Crime Reference', 'Date Reported', 'NFIB Code', 'Victim Type'];
const OPTIONAL = ['Loss (£)', 'Summary', 'Outcome Code', 'Victim Name', 'Extra', 'Repeat Victim'];
const PLAUSIBLE: Record<string, string[]> = {
  'Crime Reference': ['CR1', 'CR2', 'CR3', 'CR4', 'CR5', 'CR6', 'CR7', 'CR8', 'CR9'],
  'Date Reported': ['01/10/2025', '2025-09-30', '3 Feb 2025', '14/10/2025 23:59'],
  'NFIB Code': ['NFIB52A', 'nfib 53b', 'NFIB52C', 'NFIB5A', 'NFIB1A'],
  'Victim Type': ['Individual', 'business', 'PUBLIC SECTOR', 'Charity'],
  'Loss (£)': ['', '£1,234.50', '12', '0.5'],
  Summary: ['', 'Phished, then "locked out"', 'line one\nline two', 'café £5'],
  'Outcome Code': ['', '18', '1', '22'],
  'Victim Name': ['Person 000001', ''],
  Extra: ['x', ''],
  'Repeat Victim': ['Yes', 'no', ''],
};
/** Lines in the bytes as they are: LF, CRLF and lone CR each end one; a last line without one counts too. */
function physicalLines(bytes: Buffer): number {
  const text = bytes.toString('latin1');
  return breaks(text) + (text.length > 0 && !/[\r\n]$/.test(text) ? 1 : 0);
}

/** Serialises rows the way exports do, quoting some fields whether needed or not, with a line ending (or one per row, cycling). */
function serialize(rows: string[][], delimiter: string, eol: string | string[], quoteAll: boolean): string {
  const endings = Array.isArray(eol) ? eol : [eol];
  return rows
    .map((row) => row.map((f) => (quoteAll || /[",;\t\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(delimiter))
    .map((line, i) => (i === rows.length - 1 ? line : line + endings[i % endings.length]))
    .join('');
}

describe('ingest never crashes and always reconciles', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.close());

  it('rejects with a sentence or reconciles, for random CSV-like input', async () => {
    // Mostly plausible files (the required columns, values that usually parse) with noise in every
    // cell, plus some with random headers, random widths or random bytes.
    const header = fc.oneof(
      { weight: 4, arbitrary: fc.shuffledSubarray(OPTIONAL).chain((optional) => fc.shuffledSubarray([...REQUIRED, ...optional], { minLength: REQUIRED.length + optional.length })) },
      { weight: 1, arbitrary: fc.subarray([...REQUIRED, ...OPTIONAL], { minLength: 1 }) },
    );
    const input = header.chain((columns) =>
      fc.record({
        header: fc.constant(columns),
        rows: fc.array(
          fc.oneof(
            { weight: 6, arbitrary: fc.tuple(...columns.map((c) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PLAUSIBLE[c]!) }, { weight: 1, arbitrary: field }))) },
            { weight: 1, arbitrary: fc.array(field, { maxLength: 10 }) },
          ),
          { maxLength: 25 },
        ),
        delimiter: fc.constantFrom(',', ';', '\t'),
        // One line ending for the file, or a random mix row by row.
        eol: fc.oneof(fc.constantFrom('\r\n', '\n', '\r'), fc.array(fc.constantFrom('\r\n', '\n', '\r'), { minLength: 1, maxLength: 8 })),
        encoding: fc.constantFrom('utf8', 'utf16le', 'latin1'),
        raw: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) }),
        // Bytes that are not UTF-8 dropped in at random places, and now and then a value past the record limit.
        badBytes: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat(), fc.constantFrom(0xff, 0xc3, 0x80, 0xa3)), { minLength: 1, maxLength: 3 }) }),
        long: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(200_000, (1 << 20) + 10) }),
      }),
    );
    let n = 0;
    let unreadable = 0;
    const statuses = { loaded: 0, rejected: 0, already_loaded: 0 };
    await fc.assert(
      fc.asyncProperty(input, async ({ header, rows, delimiter, eol, encoding, raw, badBytes, long }) => {
        const body = long > 0 && rows.length > 0 ? [...rows.slice(0, -1), [...rows.at(-1)!, 'y'.repeat(long)]] : rows;
        const text = serialize([header, ...body], delimiter, eol, false);
        let bytes = raw ? Buffer.from(raw) : encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, encoding as BufferEncoding);
        for (const [at, byte] of badBytes) {
          const k = bytes.length === 0 ? 0 : at % bytes.length;
          bytes = Buffer.concat([bytes.subarray(0, k), Buffer.from([byte]), bytes.subarray(k)]);
        }
        const report = await env.ingestText(`p${n++}.csv`, bytes, { maxQuarantineShare: 1 });
        statuses[report.status]++;
        if (report.status === 'rejected') {
          expect(report.error).toMatch(/^\S[^\n\r\u001b]*\.$/);
          expect(report.error!.length).toBeLessThan(1200);
          return;
        }
        expect(reconciles(report)).toBe(true);
        if (report.quarantine_by_reason.unreadable_character) unreadable++;
        // Every physical line is the header's, blank, or part of a record that was read or found blank.
        const lines = report.lines!;
        if (!raw && encoding !== 'utf16le') expect(lines.total).toBe(physicalLines(bytes));
        expect(lines.header + lines.blank + lines.data).toBe(lines.total);
        expect(lines.records).toBe(report.rows_read + report.rows_blank);
        if (report.status === 'loaded') {
          const [row] = await env.rows<{ loaded: number; quarantined: number }>(
            `select (select count(*) from incidents_versions h join ingested_files f on f.load_id = h._load_id where f.sha256 = '${report.sha256}')::integer as loaded,
                    (select count(distinct line) from quarantine q join ingested_files f on f.load_id = q.load_id where f.sha256 = '${report.sha256}')::integer as quarantined`,
          );
          expect(row).toEqual({ loaded: report.rows_loaded, quarantined: report.rows_quarantined });
        }
      }),
      { numRuns: 120, seed: 20251014 },
    );
    // The generator must reach both outcomes, or the property proves little.
    expect(statuses.loaded).toBeGreaterThan(10);
    expect(statuses.rejected).toBeGreaterThan(10);
    // Some files kept UTF-8 and set aside only the rows with bad bytes.
    expect(unreadable).toBeGreaterThan(0);
    // 120 ingests: generous headroom for a loaded 2-core CI machine (this is not a timed test).
  }, 240_000);
});
