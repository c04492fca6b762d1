import { parseRecords, type Delimiter } from './dialect.ts';

/**
 * Splits UTF-8 CSV bytes into records, quote-aware, counting physical lines so
 * every record keeps the line it starts on (header = line 1; a quoted multi-line
 * record is numbered by its first line). This is the one place that decides the
 * file's record structure; DuckDB then reads the normalised records it emits.
 *
 * Byte-level on purpose: `"`, CR, LF and the delimiters are ASCII, and UTF-8
 * never uses ASCII bytes inside a multi-byte character.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** A quoted field longer than this is taken as a quote that never closes. */
export const MAX_RECORD_BYTES = 8 << 20;

export interface MalformedRecord {
  line: number;
  reason: 'wrong_field_count' | 'unterminated_quote';
  detail: string;
}

export interface RecordSink {
  /** The header record, already split into fields. */
  header(fields: string[], line: number): void;
  /** A well-formed record's bytes exactly as in the file (without the line break). */
  record(bytes: Buffer, line: number): void;
  /** A record with stray quotes, re-split leniently; the sink writes it canonically. */
  irregular(fields: string[], line: number): void;
  malformed(record: MalformedRecord): void;
  /** A row with delimiters but no values (Excel's trailing empty rows). */
  blank(line: number): void;
}

export class RecordTooLong extends Error {
  constructor(readonly line: number) {
    super(`record at line ${line} is longer than ${MAX_RECORD_BYTES} bytes`);
  }
}

export function createRecordScanner(delimiter: Delimiter, sink: RecordSink) {
  const delim = delimiter.charCodeAt(0);
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  let recStart = 0;
  let line = 1;
  let recLine = 1;
  let inQuotes = false;
  let atFieldStart = true;
  let afterQuote = false;
  let irregular = false;
  let nonBlank = false;
  let fields = 1;
  let width = -1; // fields in the header, once seen

  function endRecord(start: number, end: number, unterminated: boolean) {
    const bytes = buf.subarray(start, end);
    if (!nonBlank) {
      if (fields > 1) sink.blank(recLine);
    } else if (width < 0) {
      const header = parseRecords(bytes.toString('utf8'), delimiter, 1)[0]?.fields ?? [];
      width = header.length;
      sink.header(header, recLine);
    } else if (unterminated) {
      sink.malformed({ line: recLine, reason: 'unterminated_quote', detail: 'a quoted value is never closed before the end of the file' });
    } else if (fields !== width) {
      sink.malformed({ line: recLine, reason: 'wrong_field_count', detail: `expected ${width} fields, found ${fields}` });
    } else if (irregular) {
      sink.irregular(parseRecords(bytes.toString('utf8'), delimiter, 1)[0]?.fields ?? [], recLine);
    } else {
      sink.record(bytes, recLine);
    }
    inQuotes = false;
    atFieldStart = true;
    afterQuote = false;
    irregular = false;
    nonBlank = false;
    fields = 1;
  }

  function scan(final: boolean) {
    const n = buf.length;
    let i = pos;
    for (; i < n; i++) {
      const b = buf[i]!;
      if (inQuotes) {
        if (b === QUOTE) {
          if (i + 1 >= n && !final) break;
          if (buf[i + 1] === QUOTE) i++;
          else {
            inQuotes = false;
            afterQuote = true;
          }
        } else if (b === LF) line++;
        else if (b === CR) {
          if (i + 1 >= n && !final) break;
          if (buf[i + 1] !== LF) line++;
        }
      } else if (b === delim) {
        fields++;
        atFieldStart = true;
        afterQuote = false;
      } else if (b === LF || b === CR) {
        let next = i + 1;
        if (b === CR) {
          if (i + 1 >= n && !final) break;
          if (buf[i + 1] === LF) next++;
        }
        endRecord(recStart, i, false);
        line++;
        recLine = line;
        recStart = next;
        i = next - 1;
      } else if (b === QUOTE) {
        if (atFieldStart) {
          inQuotes = true;
          nonBlank = true;
          atFieldStart = false;
        } else irregular = true;
      } else if (b !== SPACE && b !== TAB) {
        nonBlank = true;
        atFieldStart = false;
        if (afterQuote) irregular = true;
      } else {
        // Spaces or tabs. After a closing quote they are tolerated but not RFC 4180, so the
        // record is re-split leniently; before a field's value they make a later quote a character.
        if (afterQuote) irregular = true;
        atFieldStart = false;
      }
    }
    pos = i;
    if (final && recStart < n) {
      endRecord(recStart, n, inQuotes);
      recStart = n;
      pos = n;
    }
  }

  return {
    push(chunk: Buffer) {
      if (chunk.length === 0) return;
      if (recStart >= buf.length) buf = chunk;
      else buf = Buffer.concat([buf.subarray(recStart), chunk]);
      pos -= recStart;
      if (pos < 0) pos = 0;
      recStart = 0;
      scan(false);
      if (buf.length - recStart > MAX_RECORD_BYTES) throw new RecordTooLong(recLine);
    },
    finish() {
      scan(true);
    },
    /** Physical lines seen so far. */
    get lines() {
      return line;
    },
  };
}
