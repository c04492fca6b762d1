import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { normalizeFile } from '../../pipelines/ingest/normalizeFile.ts';
import { createTestEnv, reconciles, type TestEnv } from '../support/env.ts';

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
const tricky = fc.constantFrom(
  '',
  ' ',
  '"',
  '""',
  ',',
  ';',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '£',
  'é',
  '😀',
  '\u00a0',
  'NFIB52A',
  'nfib 53a',
  'NFIB5A',
  '01/10/2025',
  '31/02/2025',
  '2025-10-01T10:00',
  'Individual',
  'Business',
  '£1,234.50',
  '-5',
  '7',
  '23',
  'x',
);
const field = fc.oneof(
  fc.string({ maxLength: 6 }),
  tricky,
  fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join('')),
);

/** Physical line breaks in text: LF, CRLF and a lone CR each end one line. */
function breaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

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

describe('the record scanner', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bp-scan-'));
    db = await createDb(':memory:');
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives back exactly the fields written, with each record's physical line, for any mix of line endings and any chunk size", async () => {
    // Rows end with LF, CRLF or a lone CR, at random, row by row; some rows hold a byte that is not
    // UTF-8 (0xFF) or a long value. The header's "é" makes the file UTF-8 by its own evidence.
    const row = (width: number) =>
      fc.record({
        fields: fc
          .array(fc.oneof({ weight: 12, arbitrary: field }, { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 70_000 }).map((n) => 'x'.repeat(n)) }), { minLength: width, maxLength: width })
          .filter((r) => r.some((f) => f.trim() !== '')),
        eol: fc.constantFrom('\r\n', '\n', '\r'),
        bad: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      });
    const table = fc.integer({ min: 2, max: 5 }).chain((width) =>
      fc.record({
        header: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: width, maxLength: width }).map((h) => h.map((x, i) => `${x}${i}é`)),
        headerEol: fc.constantFrom('\r\n', '\n', '\r'),
        rows: fc.array(row(width), { minLength: 1, maxLength: 15 }),
        trailing: fc.boolean(),
      }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom(',', ';', '\t'), fc.boolean(), fc.constantFrom(1, 3, 17, 1 << 16), async ({ header, headerEol, rows, trailing }, delimiter, quoteAll, chunkSize) => {
        // Built as bytes, so a bad byte can sit in the middle of a value.
        const quote = (f: string) => (quoteAll || /[",;\t\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
        const parts: Buffer[] = [Buffer.from(header.map(quote).join(delimiter) + headerEol)];
        const expectedLines: { line: number; bad: boolean; fields: (string | null)[] }[] = [];
        let line = 1 + breaks(headerEol);
        rows.forEach((r, i) => {
          const eol = i < rows.length - 1 || trailing ? r.eol : '';
          const text = r.fields.map(quote).join(delimiter);
          const bytes = Buffer.from(text);
          // A bad byte goes just after the first character of the record, inside its first value.
          parts.push(r.bad ? Buffer.concat([bytes.subarray(0, 1), Buffer.from([0xff]), bytes.subarray(1), Buffer.from(eol)]) : Buffer.from(text + eol));
          expectedLines.push({ line, bad: r.bad, fields: r.fields.map((f) => (f === '' ? null : f)) });
          line += breaks(text) + breaks(eol);
        });
        const total = line - 1 + (trailing ? 0 : 1);
        const path = join(dir, `t${n++}.csv`);
        writeFileSync(path, Buffer.concat(parts));
        // Byte-sized chunks re-join a long value at every byte: such files go in 17-byte chunks.
        const long = rows.some((r) => r.fields.some((f) => f.length > 1000));
        const normalized = normalizeFile(path, dir, { chunkSize: long ? Math.max(chunkSize, 17) : chunkSize });
        expect(normalized.encoding).toBe('utf-8');
        expect(normalized.headers).toEqual(header);
        expect(normalized.malformed).toEqual(expectedLines.filter((r) => r.bad).map((r) => ({ line: r.line, reason: 'unreadable_character', detail: "holds bytes that are not valid text in the file's encoding" })));
        // Every physical line accounted for: the header's, each record's (a quoted value may span several), none blank.
        expect(normalized.lines).toEqual({ total, header: 1 + breaks(header.map(quote).join(delimiter)), blank: 0, data: total - 1, records: rows.length });
        const columns = [`'line': 'BIGINT'`, ...header.map((_, i) => `'c${i}': 'VARCHAR'`)].join(', ');
        const read = await db.all<Record<string, unknown>>(
          `select * from read_csv('${normalized.normalizedPath}', auto_detect = false, header = false, delim = '${delimiter === '\t' ? '\\t' : delimiter}', quote = '"', escape = '"', new_line = '\\n', max_line_size = 4000000, columns = {${columns}}) order by line`,
        );
        expect(read.map((r) => ({ line: Number(r.line), fields: header.map((_, i) => r[`c${i}`]) }))).toEqual(expectedLines.filter((r) => !r.bad).map(({ line: l, fields }) => ({ line: l, fields })));
      }),
      { numRuns: 120, seed: 7 },
    );
  });
});
