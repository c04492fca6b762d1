import { parseRecords, type Delimiter } from './dialect.ts';

/**
 * Splits UTF-8 CSV bytes into records, quote-aware, counting physical lines so
 * every record keeps the line it starts on (header = line 1; a quoted multi-line
 * record is numbered by its first line). This decides the file's record
 * boundaries; DuckDB then splits each record into fields and checks the field count.
 *
 * It jumps between line breaks and quotes with native `indexOf`, never looping in
 * JavaScript over ordinary bytes: that is what keeps a million-row export fast.
 * Byte-level is safe because `"`, CR, LF and the delimiters are ASCII, and UTF-8
 * never uses ASCII bytes inside a multi-byte character.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** A record longer than this (1 MiB; DuckDB reads lines up to 2 MiB) is taken as a quote that never closes. */
export const MAX_RECORD_BYTES = 1 << 20;

export type LineBreak = 'lf' | 'cr';

export interface MalformedRecord {
  line: number;
  reason: 'wrong_field_count' | 'unterminated_quote';
  detail: string;
}

export interface RecordSink {
  /** The header record, already split into fields. */
  header(fields: string[], line: number): void;
  /** A record's bytes exactly as in the file: source[start, end), without the line break. */
  record(source: Buffer, start: number, end: number, line: number): void;
  /** A record with stray quotes or CRs, re-split leniently; the sink writes it canonically. */
  irregular(fields: string[], line: number): void;
  malformed(record: MalformedRecord): void;
}

export class RecordTooLong extends Error {
  constructor(readonly line: number) {
    super(`record at line ${line} is longer than ${MAX_RECORD_BYTES} bytes`);
  }
}

/** CR-only files (old Mac Excel) end lines with CR; everything else with LF (a CR before it is dropped). */
export function detectLineBreak(sample: string): LineBreak {
  return !sample.includes('\n') && sample.includes('\r') ? 'cr' : 'lf';
}

export function createRecordScanner(delimiter: Delimiter, sink: RecordSink, lineBreak: LineBreak = 'lf') {
  const delim = delimiter.charCodeAt(0);
  const BREAK = lineBreak === 'cr' ? CR : LF;
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  let width = -1; // fields in the header, once seen
  const state = { recStart: 0, line: 1, recLine: 1, inQuotes: false, irregular: false };

  function isWhitespace(start: number, end: number): boolean {
    for (let k = start; k < end; k++) if (buf[k] !== SPACE && buf[k] !== TAB && buf[k] !== CR) return false;
    return true;
  }

  function emit(start: number, end: number, irregular: boolean, unterminated: boolean, line: number) {
    // Blank lines, and lines of spaces, are not records.
    if (start === end || ((buf[start] === SPACE || buf[start] === TAB) && isWhitespace(start, end))) return;
    if (width < 0) {
      const header = parseRecords(buf.toString('utf8', start, end), delimiter, 1)[0]?.fields ?? [];
      if (header.every((h) => h.trim() === '')) return; // an empty row before the header
      width = header.length;
      return sink.header(header, line);
    }
    if (unterminated) {
      return sink.malformed({ line, reason: 'unterminated_quote', detail: 'a quoted value is never closed before the end of the file' });
    }
    if (!irregular) return sink.record(buf, start, end, line);
    const fields = parseRecords(buf.toString('utf8', start, end), delimiter, 1)[0]?.fields ?? [];
    if (fields.length !== width) {
      return sink.malformed({ line, reason: 'wrong_field_count', detail: `expected ${width} fields, found ${fields.length}` });
    }
    sink.irregular(fields, line);
  }

  /** Physical line breaks in buf[from, to). */
  function countBreaks(from: number, to: number): number {
    let breaks = 0;
    for (let k = buf.indexOf(BREAK, from); k !== -1 && k < to; k = buf.indexOf(BREAK, k + 1)) breaks++;
    return breaks;
  }

  function scan(final: boolean) {
    const b = buf;
    const n = b.length;
    let { recStart, line, recLine, inQuotes, irregular } = state;
    let i = pos;
    let nextQuote = b.indexOf(QUOTE, i);
    let nextCR = BREAK === LF ? b.indexOf(CR, i) : -1;
    while (i < n) {
      if (inQuotes) {
        const q = nextQuote >= i ? nextQuote : b.indexOf(QUOTE, i);
        if (q === -1) {
          line += countBreaks(i, n);
          i = n;
          break;
        }
        line += countBreaks(i, q);
        if (q + 1 >= n && !final) {
          i = q;
          break;
        }
        nextQuote = b.indexOf(QUOTE, q + 1);
        if (nextQuote === q + 1) {
          // A doubled quote: a quote character inside the value.
          i = q + 2;
          nextQuote = b.indexOf(QUOTE, i);
          continue;
        }
        inQuotes = false;
        i = q + 1;
        // After a closing quote only a delimiter or the end of the record is regular.
        const after = b[i];
        if (i < n && after !== delim && after !== BREAK && !(after === CR && b[i + 1] === LF)) irregular = true;
        continue;
      }
      const t = b.indexOf(BREAK, i);
      if (nextQuote !== -1 && nextQuote < i) nextQuote = b.indexOf(QUOTE, i);
      if (nextQuote !== -1 && (t === -1 || nextQuote < t)) {
        const q = nextQuote;
        // A quote opens a value only at the start of a field; elsewhere it is a character.
        if (q === recStart || b[q - 1] === delim) inQuotes = true;
        else irregular = true;
        i = q + 1;
        nextQuote = b.indexOf(QUOTE, i);
        continue;
      }
      if (t === -1) {
        i = n;
        break;
      }
      let end = t;
      if (BREAK === LF && end > recStart && b[end - 1] === CR) end--;
      // A CR left inside the record (outside quotes) would read as a line break elsewhere.
      if (nextCR !== -1 && nextCR < recStart) nextCR = b.indexOf(CR, recStart);
      if (nextCR !== -1 && nextCR < end) irregular = true;
      emit(recStart, end, irregular, false, recLine);
      irregular = false;
      line++;
      recLine = line;
      recStart = t + 1;
      i = t + 1;
    }
    if (final && recStart < n) {
      let end = n;
      if (BREAK === LF && b[end - 1] === CR) end--;
      emit(recStart, end, irregular, inQuotes, recLine);
      recStart = n;
      i = n;
      inQuotes = false;
    }
    pos = i;
    Object.assign(state, { recStart, line, recLine, inQuotes, irregular });
  }

  return {
    push(chunk: Buffer) {
      if (chunk.length === 0) return;
      const { recStart } = state;
      buf = recStart >= buf.length ? chunk : Buffer.concat([buf.subarray(recStart), chunk]);
      pos = Math.max(0, pos - recStart);
      state.recStart = 0;
      scan(false);
      if (buf.length - state.recStart > MAX_RECORD_BYTES) throw new RecordTooLong(state.recLine);
    },
    finish() {
      scan(true);
    },
  };
}
