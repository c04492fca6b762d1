import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { WorkError } from '../lib/errors.ts';

/**
 * An original export encrypted with AES-256-GCM: "BPE1", a 12-byte random IV, the ciphertext,
 * then the 16-byte tag. The original's SHA-256 is bound in as additional data, so an encrypted
 * file cannot be passed off under another export's name. Written to a temp name, then renamed.
 */

const MAGIC = Buffer.from('BPE1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CHUNK = 1 << 20;

export function encryptFile(source: string, target: string, key: Buffer, sha256: string): void {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(sha256, 'ascii'));
  const temp = `${target}.tmp-${process.pid}`;
  const input = openSync(source, 'r');
  const output = openSync(temp, 'w', 0o600);
  try {
    writeAll(output, Buffer.concat([MAGIC, iv]));
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n = readSync(input, buffer, 0, CHUNK, null); n > 0; n = readSync(input, buffer, 0, CHUNK, null)) writeAll(output, cipher.update(buffer.subarray(0, n)));
    writeAll(output, cipher.final());
    writeAll(output, cipher.getAuthTag());
  } catch (error) {
    closeSync(output);
    rmSync(temp, { force: true });
    throw error;
  } finally {
    closeSync(input);
  }
  closeSync(output);
  renameSync(temp, target);
}

/**
 * Decrypts to `target` (mode 0600) and returns the original's SHA-256; throws a WorkError when the
 * key is wrong or the file was altered (GCM checks every byte).
 */
export function decryptFile(source: string, target: string | null, key: Buffer, sha256: string): string {
  const input = openSync(source, 'r');
  const output = target ? openSync(target, 'w', 0o600) : null;
  const hash = createHash('sha256');
  try {
    const size = fstatSync(input).size;
    const head = Buffer.alloc(MAGIC.length + IV_BYTES);
    readSync(input, head, 0, head.length, 0);
    if (size < head.length + TAG_BYTES || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw new WorkError(`${source} is not an encrypted boardpack original; restore it from backup.`);
    const tag = Buffer.alloc(TAG_BYTES);
    readSync(input, tag, 0, TAG_BYTES, size - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, head.subarray(MAGIC.length));
    decipher.setAAD(Buffer.from(sha256, 'ascii'));
    decipher.setAuthTag(tag);
    const buffer = Buffer.allocUnsafe(CHUNK);
    let position = head.length;
    const end = size - TAG_BYTES;
    while (position < end) {
      const n = readSync(input, buffer, 0, Math.min(CHUNK, end - position), position);
      position += n;
      const plain = decipher.update(buffer.subarray(0, n));
      hash.update(plain);
      if (output !== null) writeAll(output, plain);
    }
    try {
      decipher.final();
    } catch {
      throw new WorkError(`${source} does not decrypt with this key (a wrong key, or the file was altered); use the key it was encrypted with or restore the file from backup.`);
    }
  } finally {
    closeSync(input);
    if (output !== null) closeSync(output);
  }
  return hash.digest('hex');
}

function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
}
