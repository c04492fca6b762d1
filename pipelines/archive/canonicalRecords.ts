import { createHash, hash, randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ownerOnlyDir } from '../ingest/archive.ts';
import type { Delimiter } from '../ingest/dialect.ts';
import type { MalformedRecord, RecordSink } from '../ingest/scanRecords.ts';

/**
 * The canonical copy (canonicalCopy.ts) written during ingest's one reading pass, record by
 * record as the scanner splits them, instead of by DuckDB reading the normalised file a second
 * time and the result being scanned a third (that added about 70 % to a load). It writes the
 * bytes the DuckDB path writes: each value as DuckDB reads it from the normalised record (an
 * empty field, quoted or not, is null and written empty; any other value is written quoted,
 * with its quotes doubled), unused columns as "~" and a salted token, every record on its
 * physical line. A regular record with too few fields, or more with a value past the header's
 * width, is one DuckDB refuses: it becomes the placeholder the DuckDB path writes for it, and is
 * listed, so the load can check that DuckDB refused exactly those records before keeping this
 * copy (else the DuckDB path runs).
 */

export interface PreparedCanonical {
  path: string;
  sha256: string;
  /** Records with the wrong number of fields, which DuckDB is expected to refuse: line and fields found. */
  refused: { line: number; found: number }[];
}

export interface CanonicalWriter extends Omit<RecordSink, 'header'> {
  /** Writes what is left, closes the file and returns it with its SHA-256. */
  finish(): PreparedCanonical;
  /** Removes the file, whatever state it is in. */
  discard(): void;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const CHUNK = 4 << 20;
/** What DuckDB's trim() leaves empty (the DuckDB path keeps such a value as it is): Unicode's space separators, not tabs. */
const BLANK = /^[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]*$/;

export interface CanonicalHeader {
  fields: string[];
  line: number;
  delimiter: Delimiter;
  /** Indexes of the columns the contract uses: their values are kept, the others tokenised. */
  mapped: Set<number>;
  /** Tests pass one to compare with the DuckDB path; otherwise a random one, never stored. */
  salt?: string;
}

let counter = 0;

/**
 * A writer in the archive's canonical folder (so the finished copy is renamed into place, and a
 * killed load's is swept: its name ends in `.tmp-<pid>`), or null when the header maps to no
 * dataset (the load refuses the file itself, saying why).
 */
export function startCanonicalCopy(archiveDir: string, header: Omit<CanonicalHeader, 'mapped'>, mappedColumns: () => Set<number>): CanonicalWriter | null {
  let mapped: Set<number>;
  try {
    mapped = mappedColumns();
  } catch {
    return null;
  }
  const dir = join(archiveDir, 'canonical');
  ownerOnlyDir(dir);
  return createCanonicalWriter(join(dir, `incoming-${++counter}.csv.tmp-${process.pid}`), { ...header, mapped });
}

export function createCanonicalWriter(path: string, header: CanonicalHeader): CanonicalWriter {
  const width = header.fields.length;
  const delim = header.delimiter.charCodeAt(0);
  const salt = header.salt ?? randomBytes(16).toString('hex');
  const keep = Array.from({ length: width }, (_, i) => header.mapped.has(i));
  const fd = openSync(path, 'w', 0o600);
  const digest = createHash('sha256');
  const refused: PreparedCanonical['refused'] = [];
  let out = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  /** The next physical line to write. */
  let line = 1;
  let closed = false;

  const flush = () => {
    digest.update(out.subarray(0, used));
    for (let done = 0; done < used; ) done += writeSync(fd, out, done, used - done);
    used = 0;
  };
  const reserve = (n: number) => {
    if (used + n <= out.length) return;
    flush();
    if (n > out.length) out = Buffer.allocUnsafe(n * 2);
  };
  /** Pads with blank lines up to `at`, where the record goes (as canonicalCopy.ts's assemble does). */
  const padTo = (at: number, recordBytes: number) => {
    const gap = Math.max(0, at - line);
    reserve(gap + recordBytes + 1);
    out.fill(LF, used, used + gap);
    used += gap;
    line = Math.max(at, line);
  };
  const writeText = (at: number, text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    padTo(at, bytes.length);
    used += bytes.copy(out, used);
    out[used++] = LF;
    line += breaks(bytes, 0, bytes.length) + 1;
  };
  const token = (value: string) => (BLANK.test(value) ? quote(value) : `"~${hash('md5', salt + value, 'hex').slice(0, 20)}"`);

  writeText(header.line, header.fields.map(quote).join(','));

  return {
    record(source, start, end, at, span) {
      // A record as in the file: quotes only open a field and close it before a delimiter or the
      // end (the scanner sends anything else to `irregular`), and line breaks only inside quotes.
      // Kept values are copied byte by byte in JavaScript, quoted where they were not: a native
      // call per field (indexOf, copy) cost more than the copying at a million records.
      padTo(at, end - start + 24 * width + 2);
      const dst = out;
      let o = used;
      // The record's line breaks are all in quoted values; the tokenised ones' are not written.
      let spanned = span - 1;
      let fields = 0;
      // DuckDB reads a record with more fields than the header if every one past it is empty.
      let extra = false;
      let p = start;
      for (;;) {
        const f = fields++;
        let fieldEnd: number;
        if (p < end && source[p] === QUOTE) {
          // Quoted: up to the quote that is not doubled.
          let q = p + 1;
          for (;;) {
            while (q < end && source[q] !== QUOTE) q++;
            if (q + 1 < end && source[q + 1] === QUOTE) q += 2;
            else break;
          }
          fieldEnd = q < end ? q + 1 : end;
          const empty = fieldEnd - p === 2; // "" is read as null: written empty
          if (f >= width) extra ||= !empty;
          else if (empty) {
          } else if (keep[f]) {
            for (let k = p; k < fieldEnd; k++) dst[o++] = source[k]!;
          } else {
            const value = source.toString('utf8', p + 1, fieldEnd - 1).replaceAll('""', '"');
            spanned -= textBreaks(value);
            o += dst.write(token(value), o);
          }
        } else if (f < width && keep[f]) {
          let d = p;
          while (d < end && source[d] !== delim) d++;
          fieldEnd = d;
          // An empty field is read as null: written empty.
          if (d > p) {
            dst[o++] = QUOTE;
            if (d - p > 32) o += source.copy(dst, o, p, d);
            else for (let k = p; k < d; k++) dst[o++] = source[k]!;
            dst[o++] = QUOTE;
          }
        } else {
          let d = p;
          while (d < end && source[d] !== delim) d++;
          fieldEnd = d;
          if (f >= width) extra ||= d !== p;
          else if (d !== p) o += dst.write(token(source.toString('utf8', p, d)), o);
        }
        if (fieldEnd >= end) break;
        if (f < width - 1) dst[o++] = COMMA;
        p = fieldEnd + 1;
      }
      if (fields < width || extra) {
        refused.push({ line: at, found: fields });
        writeText(at, placeholderFields(fields));
        return;
      }
      dst[o++] = LF;
      used = o;
      line += spanned + 1;
    },
    irregular(fields, at) {
      // Written to the normalised file quoted only where needed: an empty field is read as null.
      writeText(at, fields.map((value, f) => (value === '' ? '' : keep[f] ? quote(value) : token(value))).join(','));
    },
    malformed(m) {
      writeText(m.line, placeholder(m));
    },
    finish() {
      flush();
      closeSync(fd);
      closed = true;
      return { path, sha256: digest.digest('hex'), refused };
    },
    discard() {
      if (!closed) closeSync(fd);
      closed = true;
      rmSync(path, { force: true });
    },
  };
}

function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

function placeholderFields(found: number): string {
  return Array(Math.max(found, 1)).fill('"~"').join(',');
}

/** A record that fails as the original did, holding nothing of it. */
export function placeholder(m: MalformedRecord): string {
  if (m.reason === 'unterminated_quote') return '"~';
  if (m.reason === 'unreadable_character') return '\uFFFD';
  return placeholderFields(Number(/found (\d+)/.exec(m.detail)?.[1] ?? 1));
}

/** Line breaks in a value: LF, CRLF and lone CR each count once. */
function textBreaks(value: string): number {
  return value.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** Line breaks in source[start, end): LF, CRLF and lone CR each count once. */
function breaks(source: Buffer, start: number, end: number): number {
  let n = 0;
  for (let k = source.indexOf(LF, start); k !== -1 && k < end; k = source.indexOf(LF, k + 1)) n++;
  for (let k = source.indexOf(CR, start); k !== -1 && k < end; k = source.indexOf(CR, k + 1)) if (k + 1 >= end || source[k + 1] !== LF) n++;
  return n;
}
