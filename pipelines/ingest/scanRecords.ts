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

/** A record longer than this (1 MiB; DuckDB reads lines up to 2 MiB) is refused with its line and the limit. */
export const MAX_RECORD_BYTES = 1 << 20;

/** U+FFFD as UTF-8: what the decoder puts where bytes could not be read as text. */
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

export interface MalformedRecord {
  line: number;
  reason: 'wrong_field_count' | 'unterminated_quote' | 'unreadable_character';
  detail: string;
}

export interface RecordSink {
  /** The header record, already split into fields. */
  header(fields: string[], line: number): void;
  /** A record's bytes exactly as in the file: source[start, end), without the line break; `span`: the physical lines it covers. */
  record(source: Buffer, start: number, end: number, line: number, span: number): void;
  /** A record with stray quotes, re-split leniently; the sink writes it canonically. */
  irregular(fields: string[], line: number): void;
  malformed(record: MalformedRecord): void;
}

/**
 * Every physical line of a file, accounted for: total = header + blank + data. `data` lines
 * make up `records` records (a quoted value may span lines), each of which is read, or blank.
 */
export interface LineCounts {
  total: number;
  header: number;
  blank: number;
  data: number;
  records: number;
}

/** A record past MAX_RECORD_BYTES: inside a quoted value that never closes, or a line that never ends. */
export class RecordTooLong extends Error {
  constructor(
    readonly line: number,
    readonly inQuotes: boolean,
    readonly sawLineBreak: boolean,
  ) {
    super(`record at line ${line} is longer than ${MAX_RECORD_BYTES} bytes`);
  }
}

/**
 * Line breaks: LF, CRLF and a lone CR (old Mac Excel, or one pasted into a cell) each end a
 * physical line, in any mix. Outside quotes each ends the record; inside quotes each is part of
 * the value and still counts as a line, so every later record keeps its true line number.
 */
export function createRecordScanner(delimiter: Delimiter, sink: RecordSink) {
  const delim = delimiter.charCodeAt(0);
  let buf: Buffer = Buffer.alloc(0);
  // The scanner's own memory for a record that runs past the end of a chunk: buf is its first bytes.
  let store: Buffer = Buffer.alloc(0);

  /**
   * The unfinished record buf[recStart..] followed by the next chunk. It is kept in `store`, which
   * at least doubles when it grows: a record spread over many small chunks is copied a few times in
   * all, not once per chunk (re-joining on every chunk made a 70 KB value read a byte at a time
   * copy gigabytes). Sinks copy what they are given before the next push, so `store` can be reused.
   */
  function carryOver(from: Buffer, recStart: number, chunk: Buffer): Buffer {
    const kept = from.length - recStart;
    const needed = kept + chunk.length;
    if (from.buffer === store.buffer && from.byteOffset === store.byteOffset && needed <= store.length) {
      if (recStart > 0) store.copyWithin(0, recStart, from.length);
    } else {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * store.length, 64 << 10));
      from.copy(grown, 0, recStart);
      store = grown;
    }
    chunk.copy(store, kept);
    return store.subarray(0, needed);
  }
  let pos = 0;
  let width = -1; // fields in the header, once seen
  let sawLineBreak = false;
  let lastByte = -1;
  const lines: LineCounts = { total: 0, header: 0, blank: 0, data: 0, records: 0 };
  let nextBad: number | null = null; // next U+FFFD in buf, found lazily
  const state = { recStart: 0, line: 1, recLine: 1, inQuotes: false, irregular: false };

  function isWhitespace(start: number, end: number): boolean {
    for (let k = start; k < end; k++) if (buf[k] !== SPACE && buf[k] !== TAB && buf[k] !== CR) return false;
    return true;
  }

  function holdsReplacement(start: number, end: number): boolean {
    if (nextBad === null || (nextBad !== -1 && nextBad < start)) nextBad = buf.indexOf(REPLACEMENT, start);
    return nextBad !== -1 && nextBad < end;
  }

  function emit(start: number, end: number, irregular: boolean, unterminated: boolean, line: number, span: number) {
    // Blank lines, and lines of spaces, are not records.
    if (start === end || ((buf[start] === SPACE || buf[start] === TAB) && isWhitespace(start, end))) {
      lines.blank += span;
      return;
    }
    // A whole record inside one chunk can be long too: the limit holds for every record.
    if (end - start > MAX_RECORD_BYTES) throw new RecordTooLong(line, false, true);
    if (width < 0) {
      const header = parseRecords(buf.toString('utf8', start, end), delimiter, 1)[0]?.fields ?? [];
      if (header.every((h) => h.trim() === '')) {
        lines.blank += span; // an empty row before the header
        return;
      }
      width = header.length;
      lines.header += span;
      return sink.header(header, line);
    }
    lines.data += span;
    lines.records++;
    if (unterminated) {
      return sink.malformed({ line, reason: 'unterminated_quote', detail: 'a quoted value is never closed before the end of the file' });
    }
    if (holdsReplacement(start, end)) {
      return sink.malformed({ line, reason: 'unreadable_character', detail: "holds bytes that are not valid text in the file's encoding" });
    }
    if (!irregular) return sink.record(buf, start, end, line, span);
    const fields = parseRecords(buf.toString('utf8', start, end), delimiter, 1)[0]?.fields ?? [];
    if (fields.length !== width) {
      return sink.malformed({ line, reason: 'wrong_field_count', detail: `expected ${width} fields, found ${fields.length}` });
    }
    sink.irregular(fields, line);
  }

  function scan(final: boolean) {
    const b = buf;
    const n = b.length;
    let { recStart, line, recLine, inQuotes, irregular } = state;
    let i = pos;
    let nextQuote = b.indexOf(QUOTE, i);
    let nextLF = b.indexOf(LF, i);
    let nextCR = b.indexOf(CR, i);
    // Physical line breaks in b[from, to): every LF, and every CR not followed by LF. The cached
    // positions only move forward, so a chunk is searched once however many quoted values it holds.
    const countBreaks = (from: number, to: number): number => {
      let breaks = 0;
      if (nextLF !== -1 && nextLF < from) nextLF = b.indexOf(LF, from);
      while (nextLF !== -1 && nextLF < to) {
        breaks++;
        nextLF = b.indexOf(LF, nextLF + 1);
      }
      if (nextCR !== -1 && nextCR < from) nextCR = b.indexOf(CR, from);
      while (nextCR !== -1 && nextCR < to) {
        if (b[nextCR + 1] !== LF) breaks++;
        nextCR = b.indexOf(CR, nextCR + 1);
      }
      if (breaks > 0) sawLineBreak = true;
      return breaks;
    };
    while (i < n) {
      if (nextQuote !== -1 && nextQuote < i) nextQuote = b.indexOf(QUOTE, i);
      if (inQuotes) {
        const q = nextQuote;
        if (q === -1) {
          // A CR at the end of the buffer may be the first half of a CRLF: wait for the next byte.
          const to = !final && b[n - 1] === CR ? n - 1 : n;
          line += countBreaks(i, to);
          i = to;
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
          continue;
        }
        inQuotes = false;
        i = q + 1;
        // After a closing quote only a delimiter or the end of the record is regular.
        const after = b[i];
        if (i < n && after !== delim && after !== LF && after !== CR) irregular = true;
        continue;
      }
      if (nextLF !== -1 && nextLF < i) nextLF = b.indexOf(LF, i);
      if (nextCR !== -1 && nextCR < i) nextCR = b.indexOf(CR, i);
      const t = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      if (nextQuote !== -1 && (t === -1 || nextQuote < t)) {
        const q = nextQuote;
        // A quote opens a value only at the start of a field; elsewhere it is a character.
        if (q === recStart || b[q - 1] === delim) inQuotes = true;
        else irregular = true;
        i = q + 1;
        continue;
      }
      if (t === -1) {
        i = n;
        break;
      }
      let breakLength = 1;
      if (b[t] === CR) {
        if (t + 1 >= n && !final) {
          i = t; // a CR at the end of the buffer may be the first half of a CRLF
          break;
        }
        if (b[t + 1] === LF) breakLength = 2;
      }
      sawLineBreak = true;
      emit(recStart, t, irregular, false, recLine, line - recLine + 1);
      irregular = false;
      line++;
      recLine = line;
      recStart = t + breakLength;
      i = recStart;
    }
    if (final && recStart < n) {
      emit(recStart, n, irregular, inQuotes, recLine, line - recLine + 1);
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
      lastByte = chunk[chunk.length - 1]!;
      const { recStart } = state;
      buf = recStart >= buf.length ? chunk : carryOver(buf, recStart, chunk);
      pos = Math.max(0, pos - recStart);
      state.recStart = 0;
      nextBad = null;
      scan(false);
      if (buf.length - state.recStart > MAX_RECORD_BYTES) throw new RecordTooLong(state.recLine, state.inQuotes, sawLineBreak);
    },
    finish() {
      scan(true);
    },
    /** Where every physical line went, once finished (a last line without a line break counts as one). */
    get lines(): LineCounts {
      return { ...lines, total: state.line - 1 + (lastByte === -1 || lastByte === LF || lastByte === CR ? 0 : 1) };
    },
  };
}
