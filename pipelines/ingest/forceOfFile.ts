import type { Db } from '../lib/db.ts';
import { literal } from '../lib/db.ts';
import { FileRejected } from '../lib/errors.ts';
import { normalizeHeader } from './headerName.ts';
import { quoteForMessage, summarizeList } from './messages.ts';
import type { NormalizedExport } from './normalizeFile.ts';

/**
 * Which force a file's rows belong to. Several forces share one database (a regional hub), so
 * every row carries its force and every key is unique per force only. The force comes from,
 * strongest first: `ingest --force NAME` or the inbox sub-folder the file was delivered in
 * (`inbox/<force>/`); else the export's own `Force` column; else the configured force. A file
 * whose rows name another force than the one it was delivered for is rejected whole: loading
 * West Midlands' crimes as West Mercia's would be a silent error in every figure after it.
 */

/** Where the force was said: a delivery (option or inbox folder) binds; the configuration is a default. */
export interface Delivery {
  force: string;
  from: 'option' | 'inbox' | 'config';
}

/** Headers that name a row's force (compared as every header is: case, spaces and punctuation ignored). */
export const FORCE_HEADERS = ['Force', 'Police Force', 'Force Name', 'Police Force Area'].map(normalizeHeader);

/** The column holding each row's force, or null. */
export function forceColumnOf(headers: string[]): number | null {
  const index = headers.findIndex((h) => FORCE_HEADERS.includes(normalizeHeader(h)));
  return index < 0 ? null : index;
}

/** Forces are compared as people write them: case and runs of spaces do not matter. */
export function sameForce(a: string, b: string): boolean {
  return squeeze(a).toLowerCase() === squeeze(b).toLowerCase();
}

function squeeze(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

/**
 * The force to record for every row of the file. `known` are the forces this boardpack
 * takes exports for (the configured force and its region), so a column's `west mercia`
 * is stored with the configured spelling.
 */
export async function forceOfFile(db: Db, file: NormalizedExport, delivery: Delivery, known: string[], dataset: string): Promise<string> {
  const index = forceColumnOf(file.headers);
  if (index === null) return delivery.force;
  // The normaliser writes the line number first, then each field as text. A record with the
  // wrong field count is quarantined by the load, so it is skipped here.
  const columns = ["'line': 'BIGINT'", ...file.headers.map((_, i) => `'c${i}': 'VARCHAR'`)].join(', ');
  const named = await db.all<{ force: string; line: number; rows: number }>(
    `select trim(c${index}) as force, min(line)::integer as line, count(*)::integer as rows
     from read_csv(${literal(file.normalizedPath)}, auto_detect = false, header = false, columns = {${columns}},
       delim = ${literal(file.delimiter)}, quote = '"', escape = '"', new_line = '\\n', ignore_errors = true)
     where trim(c${index}) <> ''
     group by 1 order by line`,
  );
  if (named.length === 0) return delivery.force;
  if (delivery.from !== 'config') {
    const other = named.find((n) => !sameForce(n.force, delivery.force));
    if (other) {
      throw new FileRejected(
        `${file.fileName} was delivered for ${delivery.force} but line ${other.line} names the force ${quoteForMessage(other.force)} (${other.rows} row${other.rows === 1 ? '' : 's'}); nothing was loaded: deliver it for that force (its inbox folder or ingest --force), or correct the export.`,
        dataset,
      );
    }
    return delivery.force;
  }
  const distinct = [...new Map(named.map((n) => [squeeze(n.force).toLowerCase(), n])).values()];
  if (distinct.length > 1) {
    throw new FileRejected(
      `${file.fileName} holds rows of ${distinct.length} forces (${summarizeList(distinct.map((n) => `${quoteForMessage(n.force)} from line ${n.line}`))}); nothing was loaded: export one file per force, or ingest it with --force NAME if the column is wrong.`,
      dataset,
    );
  }
  const only = distinct[0]!;
  return known.find((k) => sameForce(k, only.force)) ?? squeeze(only.force);
}
