import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKey, readOrCreateKey } from '../../pipelines/archive/originalsKey.ts';
import { decryptFile, encryptFile } from '../../pipelines/archive/encryptFile.ts';

// The archive key and AES-256-GCM originals (docs/data-protection.md).

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-key-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the archive key', () => {
  it('is created once, 32 bytes as 64 hex characters, mode 0600 in a 0700 folder, and read back the same', () => {
    const source = { keyFile: join(dir, 'keys', 'archive.key'), dataDirs: [join(dir, 'data')], env: {} };
    expect(readKey(source)).toBeNull();
    const key = readOrCreateKey(source);
    expect(key).toHaveLength(32);
    expect(readFileSync(source.keyFile, 'utf8')).toBe(`${key.toString('hex')}\n`);
    expect((statSync(source.keyFile).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(dir, 'keys')).mode & 0o777).toString(8)).toBe('700');
    expect(readOrCreateKey(source).equals(key)).toBe(true);
  });

  it('comes from BOARDPACK_ARCHIVE_KEY when set, as hex or base64', () => {
    const key = Buffer.alloc(32, 7);
    const keyFile = join(dir, 'none', 'archive.key');
    expect(readKey({ keyFile, dataDirs: [], env: { BOARDPACK_ARCHIVE_KEY: key.toString('hex') } })!.equals(key)).toBe(true);
    expect(readKey({ keyFile, dataDirs: [], env: { BOARDPACK_ARCHIVE_KEY: key.toString('base64') } })!.equals(key)).toBe(true);
    expect(() => readKey({ keyFile, dataDirs: [], env: { BOARDPACK_ARCHIVE_KEY: 'short' } })).toThrow(
      'the BOARDPACK_ARCHIVE_KEY environment variable does not hold a 256-bit key (64 hex characters or 44 base64 characters); restore the key from its backup.',
    );
  });

  it('is refused inside the data folder, where a copy of the data would carry it', () => {
    const data = join(dir, 'data');
    expect(() => readOrCreateKey({ keyFile: join(data, 'archive.key'), dataDirs: [data], env: {} })).toThrow(
      `The archive key file ${join(data, 'archive.key')} is inside the data folder ${data}, where a copy of the data would carry it; set "archive_key_file" to a path outside it.`,
    );
  });
});

describe('encrypted originals', () => {
  it('decrypt to the same bytes and SHA-256, and fail on a wrong key, another name or a changed byte', () => {
    const key = Buffer.alloc(32, 1);
    const plain = join(dir, 'plain.csv');
    const bytes = Buffer.from('Crime Reference,Victim Name\r\nC1,Ada Lovelace\r\n');
    writeFileSync(plain, bytes);
    const sha = '3f'.repeat(32);
    const enc = join(dir, 'plain.csv.enc');
    encryptFile(plain, enc, key, sha);
    const stored = readFileSync(enc);
    expect(stored.subarray(0, 4).toString()).toBe('BPE1');
    expect(stored).toHaveLength(4 + 12 + bytes.length + 16);
    expect(stored.includes(Buffer.from('Ada'))).toBe(false);
    const out = join(dir, 'out.csv');
    expect(decryptFile(enc, out, key, sha)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(readFileSync(out).equals(bytes)).toBe(true);
    const failure = `${enc} does not decrypt with this key (a wrong key, or the file was altered); use the key it was encrypted with or restore the file from backup.`;
    expect(() => decryptFile(enc, null, Buffer.alloc(32, 2), sha)).toThrow(failure);
    expect(() => decryptFile(enc, null, key, 'ab'.repeat(32))).toThrow(failure);
    const changed = Buffer.from(stored);
    changed[20] = changed[20]! ^ 0x01;
    writeFileSync(enc, changed);
    expect(() => decryptFile(enc, null, key, sha)).toThrow(failure);
  });
});
