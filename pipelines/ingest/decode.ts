import { isUtf8 } from 'node:buffer';

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
  if (zeros.total === 0) return { encoding: isUtf8(trimIncompleteTail(head)) ? 'utf-8' : 'windows-1252', bomLength: 0 };
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

/** Raised when a provisional UTF-8 file turns out not to be UTF-8 further in. */
export class NotUtf8 extends Error {}

/** Turns raw chunks into UTF-8 chunks. */
export interface Utf8Transcoder {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

export function createTranscoder(encoding: Encoding): Utf8Transcoder {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') return createUtf8Checker();
  const label = encoding === 'windows-1252' ? 'windows-1252' : encoding;
  // ignoreBOM: the BOM has already been skipped by the reader; a stray one later is data.
  const decoder = new TextDecoder(label, { ignoreBOM: true });
  return {
    push: (chunk) => Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'),
    end: () => Buffer.from(decoder.decode(), 'utf8'),
  };
}

/** Passes UTF-8 through untouched while checking it, carrying a split character to the next chunk. */
function createUtf8Checker(): Utf8Transcoder {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      const joined = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const whole = trimIncompleteTail(joined);
      if (!isUtf8(whole)) throw new NotUtf8();
      pending = Buffer.from(joined.subarray(whole.length));
      return whole;
    },
    end() {
      if (pending.length > 0) throw new NotUtf8();
      return Buffer.alloc(0);
    },
  };
}
