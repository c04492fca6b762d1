import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Db } from '../lib/db.ts';
import { ident, literal } from '../lib/db.ts';
import { parseRecords } from '../ingest/dialect.ts';
import type { NormalizedExport } from '../ingest/normalizeFile.ts';
import { createRecordScanner, type MalformedRecord } from '../ingest/scanRecords.ts';
import { placeholder, type PreparedCanonical } from './canonicalRecords.ts';

/**
 * The canonical copy of an export: what ingest read, as UTF-8 CSV, without the personal data.
 * Every record stays on its physical line (blank lines pad the gaps), so loading the copy gives
 * the same rows, lines, quarantine and counts as the original. Columns the contract does not
 * use (personal ones and unknown ones) keep their header, and each value becomes "~" and a
 * token equal only where the original values were equal (a hash under a random salt that is
 * never stored): duplicates are still found as they were, and no name, e-mail or phone number
 * is kept or can be recovered. Records ingest could not split
 * become placeholders that fail the same way (same field count, or an unreadable character).
 */

/**
 * `malformed`: every record ingest could not split or DuckDB refused, when the caller knows them
 * (a load does); without it, DuckDB's refusals are found here (a conversion). `prepared`: the
 * copy written while the export was read (canonicalRecords.ts), kept when DuckDB refused exactly
 * the records it expected; otherwise it is removed and DuckDB writes the copy as below.
 * `salt` is for tests, which compare the two.
 */
export async function writeCanonical(db: Db, file: NormalizedExport, mapped: Set<number>, target: string, malformed?: MalformedRecord[], options: { prepared?: PreparedCanonical; salt?: string } = {}): Promise<string> {
  const { prepared } = options;
  if (prepared) {
    if (malformed && refusedAsExpected(file, prepared, malformed)) {
      renameSync(prepared.path, target);
      return prepared.sha256;
    }
    rmSync(prepared.path, { force: true });
  }
  const width = file.headers.length;
  const columns = [`'__line': 'BIGINT'`, ...Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`)].join(', ');
  const copied = `${target}.rows-${process.pid}`;
  const temp = `${target}.tmp-${process.pid}`;
  const rejects = malformed ? 'ignore_errors = true' : `store_rejects = true, rejects_table = 'canon_rejects', rejects_scan = 'canon_rejects_scan'`;
  // A random salt, never stored: the tokens are equal where values are equal, and cannot be
  // turned back into values, even by trying every phone number.
  const salt = options.salt ?? randomBytes(16).toString('hex');
  try {
    const values = Array.from({ length: width }, (_, i) => {
      const c = ident(`c${i}`);
      return mapped.has(i) ? c : `case when ${c} is null or trim(${c}) = '' then ${c} else '~' || left(md5(${literal(salt)} || ${c}), 20) end as ${c}`;
    });
    const quoted = Array.from({ length: width }, (_, i) => ident(`c${i}`)).join(', ');
    await db.run(`copy (select __line, ${values.join(', ')} from read_csv(${literal(file.normalizedPath)}, auto_detect = false, header = false,
      delim = ${literal(file.delimiter)}, quote = '"', escape = '"', new_line = '\\n', columns = {${columns}}, ${rejects}))
      to ${literal(copied)} (format csv, header false, delimiter ',', quote '"', escape '"', force_quote (${quoted}))`);
    let refused: { line: number; text: string }[] = [];
    if (!malformed) {
      const rows = await db.all<{ line: bigint | null; csv_line: string }>(`select try_cast(split_part(csv_line, ${literal(file.delimiter)}, 1) as bigint) as line, min(csv_line) as csv_line from canon_rejects group by 1 order by 1`);
      refused = rows
        .filter((r) => r.line !== null)
        .map((r) => {
          const found = (parseRecords(r.csv_line, file.delimiter, 1)[0]?.fields.length ?? 1) - 1;
          return { line: Number(r.line), text: Array(Math.max(found, 1)).fill('"~"').join(',') };
        });
    }
    const placeholders = [...(malformed ?? file.malformed).map((m) => ({ line: m.line, text: placeholder(m) })), ...refused].sort((a, b) => a.line - b.line);
    const sha256 = assemble(file, copied, placeholders, temp);
    renameSync(temp, target);
    return sha256;
  } finally {
    rmSync(copied, { force: true });
    rmSync(temp, { force: true });
    if (!malformed) await db.run('drop table if exists canon_rejects; drop table if exists canon_rejects_scan');
  }
}

/** DuckDB refused (wrong field count) the records the prepared copy has placeholders for, and no others. */
function refusedAsExpected(file: NormalizedExport, prepared: PreparedCanonical, malformed: MalformedRecord[]): boolean {
  const scanned = new Set(file.malformed);
  const byDuckDb = malformed.filter((m) => !scanned.has(m)).sort((a, b) => a.line - b.line);
  const expected = [...prepared.refused].sort((a, b) => a.line - b.line);
  const width = file.headers.length;
  return byDuckDb.length === expected.length && byDuckDb.every((m, i) => m.line === expected[i]!.line && m.reason === 'wrong_field_count' && m.detail === `expected ${width} fields, found ${expected[i]!.found}`);
}

/** Header, then records and placeholders in line order, each on its original line. */
function assemble(file: NormalizedExport, copied: string, placeholders: { line: number; text: string }[], temp: string): string {
  const out = openSync(temp, 'w', 0o600);
  const hash = createHash('sha256');
  let buffer = Buffer.allocUnsafe(4 << 20);
  let used = 0;
  const flush = () => {
    hash.update(buffer.subarray(0, used));
    for (let done = 0; done < used; ) done += writeSync(out, buffer, done, used - done);
    used = 0;
  };
  const reserve = (n: number) => {
    if (used + n <= buffer.length) return;
    flush();
    if (n > buffer.length) buffer = Buffer.allocUnsafe(n * 2);
  };
  let line = 1;
  let next = 0;
  let last = 0;
  const writeAt = (at: number, source: Buffer, start: number, end: number) => {
    const gap = Math.max(0, at - line);
    reserve(gap + end - start + 1);
    buffer.fill(0x0a, used, used + gap);
    used += gap;
    used += source.copy(buffer, used, start, end);
    buffer[used++] = 0x0a;
    line = Math.max(at, line) + breaks(source, start, end) + 1;
  };
  const flushPlaceholders = (before: number) => {
    while (next < placeholders.length && placeholders[next]!.line < before) {
      const p = placeholders[next++]!;
      const bytes = Buffer.from(p.text, 'utf8');
      writeAt(p.line, bytes, 0, bytes.length);
    }
  };
  try {
    const header = Buffer.from(file.headers.map((h) => `"${h.replaceAll('"', '""')}"`).join(','), 'utf8');
    writeAt(file.headerLine, header, 0, header.length);
    const scanner = createRecordScanner(',', {
      header: () => {},
      record: (source, start, end) => {
        const comma = source.indexOf(0x2c, start);
        let at = 0;
        for (let k = start; k < comma; k++) at = at * 10 + (source[k]! - 0x30);
        // DuckDB keeps the records in file order; were it ever not to, lines would shift: stop instead.
        if (at <= last) throw new Error(`canonical copy: record at line ${at} came after line ${last}`);
        last = at;
        flushPlaceholders(at);
        writeAt(at, source, comma + 1, end);
      },
      // DuckDB writes regular CSV; anything else would be a row lost, so it stops the load.
      irregular: (_fields, at) => {
        throw new Error(`canonical copy: record at line ${at} of the written rows is irregular`);
      },
      malformed: (m) => {
        throw new Error(`canonical copy: record at line ${m.line} of the written rows is malformed`);
      },
    });
    scanner.push(Buffer.from('h\n'));
    const input = openSync(copied, 'r');
    try {
      const chunk = Buffer.allocUnsafe(4 << 20);
      for (let n = readSync(input, chunk, 0, chunk.length, null); n > 0; n = readSync(input, chunk, 0, chunk.length, null)) scanner.push(Buffer.from(chunk.subarray(0, n)));
    } finally {
      closeSync(input);
    }
    scanner.finish();
    flushPlaceholders(Infinity);
    flush();
  } finally {
    closeSync(out);
  }
  return hash.digest('hex');
}

/** Line breaks inside a record: LF, CRLF and lone CR each count once. */
function breaks(source: Buffer, start: number, end: number): number {
  // Searched within the record only: a search past it would run to the end of the chunk every time.
  const bytes = source.subarray(start, end);
  let n = 0;
  for (let k = bytes.indexOf(0x0a); k !== -1; k = bytes.indexOf(0x0a, k + 1)) n++;
  for (let k = bytes.indexOf(0x0d); k !== -1; k = bytes.indexOf(0x0d, k + 1)) if (bytes[k + 1] !== 0x0a) n++;
  return n;
}
