import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { UsageError } from '../lib/errors.ts';

/**
 * The key that encrypts archived originals (AES-256: 32 random bytes). It comes from the
 * environment (BOARDPACK_ARCHIVE_KEY, 64 hex characters or base64) or from a key file kept
 * outside the data folder, so a copy of the data folder alone never opens the originals. The
 * file is created on first use, readable by its owner only.
 */

export const KEY_ENV = 'BOARDPACK_ARCHIVE_KEY';

export interface KeySource {
  keyFile: string;
  /** Folders the key file must not sit in (the data folder, the archive). */
  dataDirs: string[];
  env?: Record<string, string | undefined>;
}

/** The key if there is one; null when neither the environment nor the key file has it. */
export function readKey(source: KeySource): Buffer | null {
  const fromEnv = (source.env ?? process.env)[KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseKey(fromEnv, `the ${KEY_ENV} environment variable`);
  checkOutside(source);
  if (!existsSync(source.keyFile)) return null;
  let text: string;
  try {
    text = readFileSync(source.keyFile, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the archive key file ${source.keyFile} (${(error as NodeJS.ErrnoException).code}); check its owner and permissions.`);
  }
  return parseKey(text, `the archive key file ${source.keyFile}`);
}

/** The key, creating the key file (mode 0600, folder 0700) when there is none yet. */
export function readOrCreateKey(source: KeySource): Buffer {
  const existing = readKey(source);
  if (existing) return existing;
  const key = randomBytes(32);
  try {
    mkdirSync(dirname(source.keyFile), { recursive: true, mode: 0o700 });
    // O_EXCL: two processes creating the key at once must not end up with two keys.
    const fd = openSync(source.keyFile, 'wx', 0o600);
    try {
      writeSync(fd, `${key.toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
    chmodSync(source.keyFile, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKey(source)!;
    throw new UsageError(`Cannot create the archive key file ${source.keyFile} (${(error as NodeJS.ErrnoException).code}); set "archive_key_file" to a writable path outside the data folder, or set ${KEY_ENV}.`);
  }
  return key;
}

function parseKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new UsageError(`${where} does not hold a 256-bit key (64 hex characters or 44 base64 characters); restore the key from its backup.`);
  return key;
}

function checkOutside(source: KeySource): void {
  const key = resolve(source.keyFile);
  for (const dir of source.dataDirs) {
    const rel = relative(resolve(dir), key);
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith('/'))) {
      throw new UsageError(`The archive key file ${source.keyFile} is inside the data folder ${dir}, where a copy of the data would carry it; set "archive_key_file" to a path outside it.`);
    }
  }
}
