import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { createTestEnv, type TestEnv } from '../support/env.ts';
import type { FileReport } from '../../pipelines/ingest/ingestFiles.ts';

// Property: loading an export's canonical copy (under the export's SHA-256) gives the same rows,
// lines, quarantine and counts as loading the export: what verify relies on to recompute figures.

const HEADERS = ['Crime Reference', 'Date Reported', 'NFIB Code', 'Victim Type', 'Victim Name', 'E-mail Address', 'Summary', 'Loss', 'Extra'];
const cell = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('CR1', 'CR2', 'CR3', '01/10/2025', '2025-09-30', 'NFIB52A', 'nfib 53b', 'Individual', 'Business', 'Ada Lovelace', 'ada@example.invalid', '£1,234.50', '12', '') },
  { weight: 1, arbitrary: fc.constantFrom('"', ',', '\n', '\r\n', '\r', ' ', '  x  ', 'a"b', '😀', '\u00a0', 'x'.repeat(300)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
);
const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);

describe('canonical copies', () => {
  let original: TestEnv;
  let again: TestEnv;
  beforeAll(async () => {
    original = await createTestEnv();
    again = await createTestEnv();
  });
  afterAll(() => {
    original.close();
    again.close();
  });

  it('load back to the same rows, lines, quarantine and counts', async () => {
    const input = fc.record({
      header: fc.shuffledSubarray(HEADERS, { minLength: 5 }).filter((h) => ['Crime Reference', 'Date Reported', 'NFIB Code', 'Victim Type'].every((r) => h.includes(r))),
      rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 10 }), { maxLength: 20 }),
      eol: fc.array(fc.constantFrom('\n', '\r\n', '\r', '\n\n'), { minLength: 1, maxLength: 4 }),
      bad: fc.boolean(),
    });
    let n = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(input, async ({ header, rows, eol, bad }) => {
        // Most rows have the header's width; a few do not.
        const body = rows.map((r, i) => (i % 5 === 4 ? r : Array.from({ length: header.length }, (_, k) => r[k % r.length]!)));
        const text = [header, ...body].map((r, i) => r.map(quote).join(',') + eol[i % eol.length]).join('');
        const bytes = bad ? Buffer.concat([Buffer.from(text), Buffer.from([0xff]), Buffer.from('\n')]) : Buffer.from(text);
        const name = `c${n++}.csv`;
        const first = await original.ingestText(name, bytes, { maxQuarantineShare: 1 });
        if (first.status !== 'loaded') return;
        const [row] = await original.rows<{ archive_path: string }>(`select archive_path from ingested_files where sha256 = '${first.sha256}'`);
        const [second] = await again.ingest(join(original.config.archive, row!.archive_path), { maxQuarantineShare: 1, dataset: first.dataset as never, sha256: first.sha256 });
        expect(second!.status).toBe('loaded');
        expect(counts(second!)).toEqual(counts(first));
        expect(await loaded(again, first.sha256)).toEqual(await loaded(original, first.sha256));
        compared++;
      }),
      { numRuns: 20, seed: 16 },
    );
    expect(compared).toBeGreaterThan(8);
  }, 240_000);
});

function counts(r: FileReport) {
  const { rows_read, rows_loaded, rows_quarantined, rows_excluded, rows_duplicate, rows_blank, keys_replaced, quarantine_by_reason, columns_dropped, columns_ignored } = r;
  return { rows_read, rows_loaded, rows_quarantined, rows_excluded, rows_duplicate, rows_blank, keys_replaced, quarantine_by_reason, columns_dropped, columns_ignored };
}

async function loaded(env: TestEnv, sha: string) {
  const load = `(select load_id from ingested_files where sha256 = '${sha}')`;
  return {
    rows: await env.rows(`select * exclude (_load_id, force) from incidents_versions where _load_id = ${load} order by _line`),
    quarantine: await env.rows(`select line, field, raw_value, reason, detail from quarantine where load_id = ${load} order by line, field, reason`),
  };
}
