import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '../../pipelines/lib/db.ts';
import { normalizeFile } from '../../pipelines/ingest/normalizeFile.ts';
import { breaks, field } from './arbitraries.ts';

// Property: the record scanner splits any CSV-like bytes into the records written, each with its
// physical line. (Apart from property.test.ts, so the two long properties run side by side.)

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
