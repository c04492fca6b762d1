import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FileRejected } from '../lib/errors.ts';
import { createTranscoder, isMojibake, looksUtf8, NotUtf8, sniffEncoding, utf8Evidence, type Encoding } from './decode.ts';
import { detectDelimiter, type Delimiter } from './dialect.ts';
import { createRecordScanner, MAX_RECORD_BYTES, RecordTooLong, type LineCounts, type MalformedRecord, type RecordSink } from './scanRecords.ts';
import { MAX_COLUMNS, quoteForMessage, summarizeList } from './messages.ts';

/**
 * Stage one of ingest: read an export once, byte by byte in chunks, and write its
 * data records as UTF-8 with their physical line number as the first field. Hashing,
 * decoding, delimiter detection and record splitting all happen in this one pass;
 * DuckDB then reads the normalised file with a fixed dialect.
 */

export interface NormalizedExport {
  path: string;
  fileName: string;
  sha256: string;
  bytes: number;
  encoding: Encoding;
  delimiter: Delimiter;
  headers: string[];
  headerLine: number;
  /** Temp file: `line<delim>field<delim>field...` per record, LF-terminated. */
  normalizedPath: string;
  recordsWritten: number;
  /** Physical lines in the file (LF, CRLF and lone CR each end one), and where each went. */
  lines: LineCounts;
  /** Records the scanner could not split (an unterminated quote, a re-split with the wrong field count). */
  malformed: MalformedRecord[];
}

const CHUNK = 4 << 20;
const SAMPLE = 64 << 10;

/** Another sink for the records, made once the header is read (null for none): the archive's canonical copy is written in the same pass. */
export type RecordTee = (header: { fields: string[]; line: number; delimiter: Delimiter }) => Omit<RecordSink, 'header'> | null;

export interface NormalizeOptions {
  fileName?: string;
  /** For tests: tiny chunks split characters and records at every possible byte. */
  chunkSize?: number;
  onProgress?: (bytesRead: number) => void;
  tee?: RecordTee;
}

export function normalizeFile(path: string, tempDir: string, options: NormalizeOptions = {}): NormalizedExport {
  const fileName = options.fileName ?? basename(path);
  const chunkSize = options.chunkSize ?? CHUNK;
  const size = statSync(path).size;
  if (size === 0) throw new FileRejected(`${fileName} is empty (0 bytes); export the data again.`);
  const head = readHead(path);
  const sniffed = sniffEncoding(head);
  if ('binary' in sniffed) {
    throw new FileRejected(`${fileName} is not a CSV text file (it holds binary data); export the sheet as CSV and try again.`);
  }
  try {
    return normalizeAs(path, fileName, size, sniffed.encoding, sniffed.bomLength, tempDir, chunkSize, false, options);
  } catch (error) {
    if (!(error instanceof NotUtf8)) throw error;
    // Not all UTF-8: mostly valid UTF-8 (or a header that is) keeps UTF-8 and sets aside the rows
    // holding the bad bytes; otherwise it is Windows-1252 (Excel on Windows).
    const utf8 = sniffed.encoding === 'utf-8-bom' || looksUtf8(utf8Evidence(path, sniffed.bomLength));
    const encoding: Encoding = utf8 ? sniffed.encoding : 'windows-1252';
    return normalizeAs(path, fileName, size, encoding, utf8 ? sniffed.bomLength : 0, tempDir, chunkSize, utf8, options);
  }
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SAMPLE);
    return head.subarray(0, readSync(fd, head, 0, SAMPLE, 0));
  } finally {
    closeSync(fd);
  }
}

function normalizeAs(path: string, fileName: string, size: number, encoding: Encoding, bomLength: number, tempDir: string, chunkSize: number, lenient: boolean, options: NormalizeOptions): NormalizedExport {
  const { onProgress } = options;
  const normalizedPath = join(tempDir, `${basename(path)}.normalized.csv`);
  const hash = createHash('sha256');
  const transcoder = createTranscoder(encoding, lenient);
  const input = openSync(path, 'r');
  const output = createOutput(normalizedPath);
  const result: NormalizedExport = {
    path,
    fileName,
    sha256: '',
    bytes: size,
    encoding,
    delimiter: ',',
    headers: [],
    headerLine: 0,
    normalizedPath,
    recordsWritten: 0,
    lines: { total: 0, header: 0, blank: 0, data: 0, records: 0 },
    malformed: [],
  };
  let scanner: ReturnType<typeof createRecordScanner> | null = null;
  let tee: Omit<RecordSink, 'header'> | null = null;
  let sample: Buffer[] = [];
  let sampleBytes = 0;

  const startScanner = () => {
    // The first 64 KiB decide the delimiter (a first chunk of megabytes would only slow the guess).
    const joined = Buffer.concat(sample);
    const text = joined.toString('utf8', 0, Math.min(joined.length, SAMPLE));
    const delimiter = detectDelimiter(text);
    if (!delimiter) {
      throw new FileRejected(`${fileName} has no comma, semicolon or tab separating its header into columns; export it as CSV with a header row.`);
    }
    result.delimiter = delimiter;
    scanner = createRecordScanner(delimiter, {
      header: (fields, line) => {
        checkHeader(fileName, fields, line);
        result.headers = fields;
        result.headerLine = line;
        tee = options.tee?.({ fields, line, delimiter }) ?? null;
      },
      record: (source, start, end, line, span) => {
        output.writeRecord(line, delimiter, source, start, end);
        result.recordsWritten++;
        tee?.record(source, start, end, line, span);
      },
      irregular: (fields, line) => {
        const bytes = Buffer.from(fields.map((f) => quoteField(f, delimiter)).join(delimiter), 'utf8');
        output.writeRecord(line, delimiter, bytes, 0, bytes.length);
        result.recordsWritten++;
        tee?.irregular(fields, line);
      },
      malformed: (record) => {
        result.malformed.push(record);
        tee?.malformed(record);
      },
    });
    for (const chunk of sample) scanner.push(chunk);
    sample = [];
  };
  const feed = (utf8: Buffer) => {
    if (scanner) return scanner.push(utf8);
    sample.push(utf8);
    sampleBytes += utf8.length;
    if (sampleBytes >= SAMPLE) startScanner();
  };

  try {
    const buffer = Buffer.allocUnsafe(chunkSize);
    let bomLeft = bomLength;
    let bytesRead = 0;
    for (;;) {
      const n = readSync(input, buffer, 0, chunkSize, null);
      if (n === 0) break;
      bytesRead += n;
      onProgress?.(bytesRead);
      const raw = buffer.subarray(0, n);
      hash.update(raw);
      const skip = Math.min(bomLeft, n);
      bomLeft -= skip;
      // The transcoder may keep a reference to its input, so it gets its own copy.
      feed(transcoder.push(Buffer.from(raw.subarray(skip))));
    }
    feed(transcoder.end());
    if (!scanner) startScanner();
    scanner!.finish();
    result.lines = scanner!.lines;
    output.close();
  } catch (error) {
    output.discard();
    if (error instanceof RecordTooLong) throw tooLong(fileName, error);
    throw error;
  } finally {
    closeSync(input);
  }
  result.sha256 = hash.digest('hex');
  if (result.headers.length === 0) {
    rmSync(normalizedPath, { force: true });
    throw new FileRejected(`${fileName} has no header row (it holds only blank lines); export the data again.`);
  }
  return result;
}

const LIMIT = `${MAX_RECORD_BYTES / (1 << 20)} MiB`;

function tooLong(fileName: string, error: RecordTooLong): FileRejected {
  if (error.inQuotes) {
    return new FileRejected(`${fileName} has a quoted value starting on line ${error.line} that runs past ${LIMIT} without closing; fix the quotes in the export and try again.`);
  }
  if (!error.sawLineBreak) {
    return new FileRejected(`${fileName} has no line break (LF, CRLF or CR) in its first ${LIMIT}, so its line endings cannot be read; export it again as CSV.`);
  }
  return new FileRejected(`${fileName} has a record on line ${error.line} longer than the ${LIMIT} limit for one record; shorten that value in the export and try again.`);
}

/** A header that could not be read as text, or too wide to load, refuses the file before any row is read. */
function checkHeader(fileName: string, fields: string[], line: number): void {
  if (fields.length > MAX_COLUMNS) {
    throw new FileRejected(`${fileName} has ${fields.length} columns in its header (line ${line}), more than the ${MAX_COLUMNS} boardpack reads; export only the columns needed.`);
  }
  const unreadable = fields.find((f) => f.includes('\uFFFD'));
  if (unreadable !== undefined) {
    throw new FileRejected(`${fileName} has a header on line ${line} with bytes that are not valid text (${quoteForMessage(unreadable)}); save the export as UTF-8 and try again.`);
  }
  const garbled = fields.filter(isMojibake);
  if (garbled.length > 0) {
    throw new FileRejected(`${fileName} has headers on line ${line} that look wrongly decoded (${summarizeList(garbled.map((h) => quoteForMessage(h)))}); save the export again as UTF-8 and try again.`);
  }
}

/** Quotes a field for the normalised file when it holds a delimiter, a quote or a line break. */
function quoteField(field: string, delimiter: string): string {
  return field.includes('"') || field.includes(delimiter) || field.includes('\n') || field.includes('\r') ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * A buffered writer for the normalised file. It is a private temp file that only
 * this ingest reads, so it is written in place (no rename) and removed afterwards.
 */
function createOutput(path: string) {
  const fd = openSync(path, 'w');
  let out = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const flush = () => {
    let done = 0;
    while (done < used) done += writeSync(fd, out, done, used - done);
    used = 0;
  };
  return {
    writeRecord(line: number, delimiter: string, source: Buffer, start: number, end: number) {
      const need = end - start + 24;
      if (used + need > out.length) {
        flush();
        if (need > out.length) out = Buffer.allocUnsafe(need * 2);
      }
      used = writeDigits(out, used, line);
      out[used++] = delimiter.charCodeAt(0);
      used += source.copy(out, used, start, end);
      out[used++] = 0x0a;
    },
    close() {
      flush();
      closeSync(fd);
    },
    discard() {
      closeSync(fd);
      rmSync(path, { force: true });
    },
  };
}

/** Writes a positive integer's decimal digits at `at`; returns the position after them. */
function writeDigits(out: Buffer, at: number, value: number): number {
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
  for (let i = at + digits - 1, v = value; i >= at; i--, v = Math.floor(v / 10)) out[i] = 0x30 + (v % 10);
  return at + digits;
}
