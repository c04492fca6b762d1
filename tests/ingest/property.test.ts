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
const OPTIONAL = ['Loss', 'Summary', 'Outcome Code', 'Victim Name', 'Extra', 'Repeat Victim'];
const PLAUSIBLE: Record<string, string[]> = {
  'Crime Reference': ['CR1', 'CR2', 'CR3', 'CR4', 'CR5', 'CR6', 'CR7', 'CR8', 'CR9'],
  'Date Reported': ['01/10/2025', '2025-09-30', '3 Feb 2025', '14/10/2025 23:59'],
  'NFIB Code': ['NFIB52A', 'nfib 53b', 'NFIB52C', 'NFIB5A', 'NFIB1A'],
  'Victim Type': ['Individual', 'business', 'PUBLIC SECTOR', 'Charity'],
  Loss: ['', '£1,234.50', '12', '0.5'],
  Summary: ['', 'Phished, then "locked out"', 'line one\nline two', 'café £5'],
  'Outcome Code': ['', '18', '1', '22'],
  'Victim Name': ['Person 000001', ''],
  Extra: ['x', ''],
  'Repeat Victim': ['Yes', 'no', ''],
};
const tricky = fc.constantFrom('', ' ', '"', '""', ',', ';', '\t', '\n', '\r\n', '\r', '£', 'é', '😀', '\u00a0', 'NFIB52A', 'nfib 53a', 'NFIB5A', '01/10/2025', '31/02/2025', '2025-10-01T10:00', 'Individual', 'Business', '£1,234.50', '-5', '7', '23', 'x');
const field = fc.oneof(fc.string({ maxLength: 6 }), tricky, fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join('')));

/** Serialises rows the way exports do, quoting some fields whether needed or not, with a random line ending. */
function serialize(rows: string[][], delimiter: string, eol: string, quoteAll: boolean): string {
  return rows
    .map((row) => row.map((f) => (quoteAll || /[",;\t\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(delimiter))
    .join(eol);
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
        eol: fc.constantFrom('\r\n', '\n', '\r'),
        encoding: fc.constantFrom('utf8', 'utf16le', 'latin1'),
        raw: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) }),
      }),
    );
    let n = 0;
    const statuses = { loaded: 0, rejected: 0, already_loaded: 0 };
    await fc.assert(
      fc.asyncProperty(input, async ({ header, rows, delimiter, eol, encoding, raw }) => {
        const text = serialize([header, ...rows], delimiter, eol, false);
        const bytes = raw ? Buffer.from(raw) : encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, encoding as BufferEncoding);
        const report = await env.ingestText(`p${n++}.csv`, bytes, { maxQuarantineShare: 1 });
        statuses[report.status]++;
        if (report.status === 'rejected') {
          expect(report.error).toMatch(/^\S[^\n]*\.$/);
          return;
        }
        expect(reconciles(report)).toBe(true);
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

  it('gives back exactly the fields written, with each record\'s physical line, for any chunk size', async () => {
    const table = fc.integer({ min: 2, max: 5 }).chain((width) =>
      fc.record({
        header: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e').map((h) => `${h}`), { minLength: width, maxLength: width }).map((h) => h.map((x, i) => `${x}${i}`)),
        rows: fc.array(fc.array(field, { minLength: width, maxLength: width }).filter((r) => r.some((f) => f.trim() !== '')), { minLength: 1, maxLength: 15 }),
      }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom(',', ';', '\t'), fc.constantFrom('\r\n', '\n'), fc.boolean(), fc.constantFrom(1, 3, 17, 1 << 16), async ({ header, rows }, delimiter, eol, quoteAll, chunkSize) => {
        const text = serialize([header, ...rows], delimiter, eol, quoteAll);
        const path = join(dir, `t${n++}.csv`);
        writeFileSync(path, text);
        const normalized = normalizeFile(path, dir, { chunkSize });
        expect(normalized.malformed).toEqual([]);
        expect(normalized.headers).toEqual(header);
        const columns = [`'line': 'BIGINT'`, ...header.map((_, i) => `'c${i}': 'VARCHAR'`)].join(', ');
        const read = await db.all<Record<string, unknown>>(
          `select * from read_csv('${normalized.normalizedPath}', auto_detect = false, header = false, delim = '${delimiter === '\t' ? '\\t' : delimiter}', quote = '"', escape = '"', new_line = '\\n', columns = {${columns}}) order by line`,
        );
        // Expected line numbers, worked out from the text: each record starts after the line
        // breaks before it. These files end lines with LF, so a lone CR inside a value is not a break.
        let line = 2;
        const expected = rows.map((row) => {
          const record = { line: BigInt(line), fields: row.map((f) => (f === '' ? null : f)) };
          line += 1 + row.reduce((sum, f) => sum + (f.match(/\n/g)?.length ?? 0), 0);
          return record;
        });
        expect(read.map((r) => ({ line: r.line, fields: header.map((_, i) => r[`c${i}`]) }))).toEqual(expected);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
