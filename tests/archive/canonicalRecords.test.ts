import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCanonical } from '../../pipelines/archive/canonicalCopy.ts';
import { createCanonicalWriter, type CanonicalWriter, type PreparedCanonical } from '../../pipelines/archive/canonicalRecords.ts';
import { normalizeFile, type NormalizedExport } from '../../pipelines/ingest/normalizeFile.ts';
import type { MalformedRecord } from '../../pipelines/ingest/scanRecords.ts';
import { createDb, type Db } from '../../pipelines/lib/db.ts';

// The canonical copy written while ingest reads the export (canonicalRecords.ts) must be the
// very bytes DuckDB writes from the normalised file (canonicalCopy.ts), under the same salt:
// the archive tests and verify rely on those bytes, and the load keeps the faster one.

const SALT = '00112233445566778899aabbccddeeff';
let dir: string;
let db: Db;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-canonical-records-'));
  db = await createDb(join(dir, 'db.duckdb'));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Both {
  normalized: NormalizedExport;
  prepared: PreparedCanonical;
  /** What ingest writes while reading. */
  read: Buffer;
  /** What DuckDB writes from the normalised file. */
  duckdb: Buffer;
  duckdbSha: string;
}

/** Writes `bytes` as an export, normalises it with the writer alongside, and has DuckDB write its copy too. */
async function bothCopies(bytes: Buffer, mapped: Set<number>, chunkSize?: number): Promise<Both | null> {
  const id = n++;
  const path = join(dir, `export-${id}.csv`);
  writeFileSync(path, bytes);
  let writer: CanonicalWriter | null = null;
  let normalized: NormalizedExport;
  try {
    normalized = normalizeFile(path, dir, {
      chunkSize,
      tee: (header) => {
        writer?.discard();
        writer = createCanonicalWriter(join(dir, `read-${id}.csv`), { ...header, mapped, salt: SALT });
        return writer;
      },
    });
  } catch {
    (writer as CanonicalWriter | null)?.discard();
    return null; // a file ingest refuses has no copy
  }
  const prepared = (writer as CanonicalWriter | null)!.finish();
  const target = join(dir, `duckdb-${id}.csv`);
  const duckdbSha = await writeCanonical(db, normalized, mapped, target, undefined, { salt: SALT });
  return { normalized, prepared, read: readFileSync(prepared.path), duckdb: readFileSync(target), duckdbSha };
}

/** What a load's DuckDB read reports for the records the writer expected it to refuse. */
function refusals(both: Both): MalformedRecord[] {
  return both.prepared.refused.map((r) => ({ line: r.line, reason: 'wrong_field_count', detail: `expected ${both.normalized.headers.length} fields, found ${r.found}` }));
}

describe('the canonical copy written while reading', () => {
  it('is byte for byte what DuckDB writes: quotes, empty and quoted-empty values, line breaks in values, every line ending, personal columns tokenised, refused and unreadable records', async () => {
    const text = [
      '',
      'Ref;Name;"Sum;mary";Loss\r\n',
      '\r\n',
      'CR1;Ada Lovelace;"one ""quoted"" word";12\r\n',
      'CR2;"";"";\r\n',
      'CR3;   ;"line one\r\nline two\nthree\rfour";£5\r\n',
      '   \r\n',
      'CR4;a"b;x;1\r\n', // a stray quote: re-split leniently
      'CR5;too;few\r\n', // DuckDB refuses it
      'CR6;too;many;fields;here\n',
      'CR6a;x;y;z;;""\n', // empty fields past the header's width: DuckDB reads the record
      'CR7;"Bob ""B"" Smith";"é 😀 \u00a0";-\r',
      ';;;\n',
      'CR8;\u00ff;x;1\n',
    ].join('');
    // A byte that is not UTF-8 (the file is read a second time, leniently), and a quote never closed.
    const bytes = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0x43, 0x52, 0x39, 0x3b, 0xff, 0x3b, 0x78, 0x3b, 0x31, 0x0a]), Buffer.from('CR10;"never closed;x;1\n')]);
    const both = (await bothCopies(bytes, new Set([0, 2, 3])))!;
    expect(both.normalized.malformed.map((m) => m.reason)).toEqual(['unreadable_character', 'unterminated_quote']);
    expect(both.read.toString('utf8')).toBe(both.duckdb.toString('utf8'));
    expect(both.prepared.sha256).toBe(both.duckdbSha);
    expect(both.prepared.refused).toEqual([
      { line: 11, found: 3 },
      { line: 12, found: 5 },
    ]);
    // The personal column holds tokens, equal where the values were equal, and nothing of the names.
    expect(both.read.toString('utf8')).not.toMatch(/Ada|Lovelace|Bob/);
    expect(both.read.toString('utf8').split('\n')[2]).toMatch(/^"CR1","~[0-9a-f]{20}","one ""quoted"" word","12"$/);
  });

  it('matches DuckDB on any export: delimiters, quoting, line endings, widths, chunk boundaries and columns kept or tokenised', async () => {
    const cell = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('CR1', '01/10/2025', 'Ada Lovelace', 'ada@example.invalid', '£1,234.50', '12', '') },
      { weight: 2, arbitrary: fc.constantFrom('"', '""', ',', ';', '\t', '\n', '\r\n', '\r', ' ', '  x  ', ' \u00a0\u2003 ', '\t', 'a"b', '😀', '\u00a0', 'x'.repeat(70)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
    );
    const input = fc.record({
      width: fc.integer({ min: 1, max: 6 }),
      rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 15 }),
      delimiter: fc.constantFrom(',', ';', '\t'),
      quoteAll: fc.boolean(),
      eol: fc.array(fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\n \r\n'), { minLength: 1, maxLength: 3 }),
      kept: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      chunkSize: fc.constantFrom(undefined, 5, 64),
      tail: fc.constantFrom('', '"open', '\u00ff'),
    });
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(input, async ({ width, rows, delimiter, quoteAll, eol, kept, chunkSize, tail }) => {
        const header = Array.from({ length: width }, (_, i) => `Column ${i}`);
        // Most rows have the header's width; every fourth keeps its own.
        const body = rows.map((r, i) => (i % 4 === 3 ? r : Array.from({ length: width }, (_, k) => r[k % r.length]!)));
        const quote = (f: string) => (quoteAll || f.includes('"') || f.includes(delimiter) || /[\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
        // Some fields are written raw, stray quotes and all, as broken exports are.
        const text = [header, ...body].map((r, i) => r.map((f, k) => (i > 0 && (i + k) % 7 === 6 ? f : quote(f))).join(delimiter) + eol[i % eol.length]).join('') + tail;
        const mapped = new Set(kept.map((keep, i) => (keep ? i : -1)).filter((i) => i >= 0));
        const both = await bothCopies(Buffer.from(text, 'utf8'), mapped, chunkSize);
        if (!both) return;
        expect(both.read.toString('utf8')).toBe(both.duckdb.toString('utf8'));
        expect(both.prepared.sha256).toBe(both.duckdbSha);
        compared++;
      }),
      { numRuns: 60, seed: 17 },
    );
    expect(compared).toBeGreaterThan(40);
  }, 120_000);

  it('is kept when DuckDB refused exactly the records it expected, and otherwise written again by DuckDB', async () => {
    const text = 'Ref,Loss\nCR1,1\nCR2,2,3\nCR3,"4"\n';
    const both = (await bothCopies(Buffer.from(text), new Set([0, 1])))!;
    expect(both.prepared.refused).toEqual([{ line: 3, found: 3 }]);

    const kept = join(dir, 'kept.csv');
    const sha = await writeCanonical(db, both.normalized, new Set([0, 1]), kept, [...both.normalized.malformed, ...refusals(both)], { prepared: both.prepared });
    expect(sha).toBe(both.prepared.sha256);
    expect(existsSync(both.prepared.path)).toBe(false);
    expect(readFileSync(kept, 'utf8')).toBe('"Ref","Loss"\n"CR1","1"\n"~","~","~"\n"CR3","4"\n');

    // Told of no refusal, the prepared copy is not trusted: it is removed and DuckDB writes the copy.
    const again = (await bothCopies(Buffer.from(text), new Set([0, 1])))!;
    const rewritten = join(dir, 'rewritten.csv');
    await writeCanonical(db, again.normalized, new Set([0, 1]), rewritten, [...again.normalized.malformed], { prepared: again.prepared });
    expect(existsSync(again.prepared.path)).toBe(false);
    // DuckDB, told of no refusal, skips the record it cannot read and writes no placeholder: another copy.
    expect(readFileSync(rewritten, 'utf8')).toBe('"Ref","Loss"\n"CR1","1"\n\n"CR3","4"\n');
  });
});
