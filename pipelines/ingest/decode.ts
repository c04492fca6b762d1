import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Encodings of exports as analysts receive them (docs/datasets.md): UTF-8 with or
 * without BOM, Windows-1252 (Excel "CSV" on Windows) and UTF-16 with BOM.
 * Everything is turned into UTF-8 bytes chunk by chunk, so a character split
 * across two chunks is never decoded wrongly and a file never sits in memory whole.
 */

export type Encoding = 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export type Sniffed = { encoding: Encoding; bomLength: number } | { binary: true };

/** Decides the encoding from the first bytes; plain UTF-8 is provisional until every byte is checked. */
export function sniffEncoding(head: Buffer): Sniffed {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8-bom', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const zeros = countZeros(head);
  // Provisional: a file that is not all UTF-8 is weighed as a whole when the strict read fails.
  if (zeros.total === 0) return { encoding: 'utf-8', bomLength: 0 };
  // UTF-16 text without a BOM has a zero in (nearly) every other byte; anything else with NULs is binary.
  const pairs = Math.floor(head.length / 2);
  if (zeros.odd >= pairs * 0.9 && zeros.even === 0) return { encoding: 'utf-16le', bomLength: 0 };
  if (zeros.even >= pairs * 0.9 && zeros.odd === 0) return { encoding: 'utf-16be', bomLength: 0 };
  return { binary: true };
}

function countZeros(head: Buffer): { total: number; odd: number; even: number } {
  let odd = 0;
  let even = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === 0) {
      if (i & 1) odd++;
      else even++;
    }
  }
  return { total: odd + even, odd, even };
}

/** Drops a UTF-8 sequence cut off at the end of a buffer, so validity is judged on whole characters. */
export function trimIncompleteTail(buffer: Buffer): Buffer {
  const end = buffer.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = buffer[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? buffer.subarray(0, end - back) : buffer;
  }
  return buffer;
}

/**
 * How much of a file reads as UTF-8: multi-byte characters that are valid, bytes that are not,
 * and whether the first line holds a valid multi-byte character. Run only on files that failed
 * the strict check, to tell UTF-8 with a few bad bytes from Windows-1252 (whose accented letters
 * and £ are nearly never valid UTF-8 sequences).
 */
export interface Utf8Evidence {
  valid: number;
  invalid: number;
  headerMultibyte: boolean;
}

export function utf8Evidence(path: string, skip = 0): Utf8Evidence {
  const evidence: Utf8Evidence = { valid: 0, invalid: 0, headerMultibyte: false };
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let inHeader = true;
    let position = skip;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      position += n;
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      // Up to three bytes at the end may be a character cut by the chunk: they wait for the next one.
      const stop = n === 0 ? bytes.length : Math.max(0, bytes.length - 3);
      let i = 0;
      while (i < stop) {
        const b = bytes[i]!;
        if (b < 0x80) {
          if (b === 0x0a || b === 0x0d) inHeader = false;
          i++;
          continue;
        }
        const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
        let ok = need > 0;
        for (let k = 1; ok && k <= need; k++) ok = i + k < bytes.length && (bytes[i + k]! & 0xc0) === 0x80;
        if (ok) {
          evidence.valid++;
          if (inHeader) evidence.headerMultibyte = true;
          i += need + 1;
        } else {
          evidence.invalid++;
          i++;
        }
      }
      carry = Buffer.from(bytes.subarray(i));
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
  return evidence;
}

/** UTF-8 with a few bad bytes stays UTF-8 (its bad rows are set aside); mostly unreadable as UTF-8 is Windows-1252. */
export function looksUtf8(evidence: Utf8Evidence): boolean {
  return evidence.invalid === 0 || evidence.headerMultibyte || evidence.valid > evidence.invalid;
}

/**
 * Text that reads as UTF-8 decoded as Windows-1252 ("Loss (Â£)" for "Loss (£)"): encoded back to
 * Windows-1252 it is valid UTF-8 with a multi-byte character in it. Such a header is never matched.
 */
export function isMojibake(text: string): boolean {
  if (!/[\u0080-\uffff]/.test(text)) return false;
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else {
      const b = CP1252_HIGH.indexOf(ch);
      if (b === -1) return false;
      bytes.push(0x80 + b);
    }
  }
  const buffer = Buffer.from(bytes);
  return isUtf8(buffer) && bytes.some((b) => b >= 0x80);
}

/** Windows-1252's characters for bytes 0x80-0x9F (the five undefined ones as their C1 code points, as decoders give them). */
const CP1252_HIGH = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

/** Raised when a provisional UTF-8 file turns out not to be UTF-8 further in. */
export class NotUtf8 extends Error {}

/** Turns raw chunks into UTF-8 chunks. */
export interface Utf8Transcoder {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

/** `lenient`: bytes that are not UTF-8 become U+FFFD (the scanner sets their records aside) instead of failing. */
export function createTranscoder(encoding: Encoding, lenient = false): Utf8Transcoder {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') return createUtf8Checker(lenient);
  const label = encoding === 'windows-1252' ? 'windows-1252' : encoding;
  // ignoreBOM: the BOM has already been skipped by the reader; a stray one later is data.
  const decoder = new TextDecoder(label, { ignoreBOM: true });
  return {
    push: (chunk) => Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'),
    end: () => Buffer.from(decoder.decode(), 'utf8'),
  };
}

/** Passes UTF-8 through untouched while checking it, carrying a split character to the next chunk. */
function createUtf8Checker(lenient: boolean): Utf8Transcoder {
  let pending: Buffer = Buffer.alloc(0);
  const replace = (bytes: Buffer) => Buffer.from(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), 'utf8');
  return {
    push(chunk) {
      const joined = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const whole = trimIncompleteTail(joined);
      pending = Buffer.from(joined.subarray(whole.length));
      if (isUtf8(whole)) return whole;
      if (!lenient) throw new NotUtf8();
      return replace(whole);
    },
    end() {
      if (pending.length === 0) return Buffer.alloc(0);
      if (!lenient) throw new NotUtf8();
      return replace(pending);
    },
  };
}
