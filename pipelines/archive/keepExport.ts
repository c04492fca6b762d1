import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../lib/db.ts';
import { keptColumns, type HeaderMapping } from '../ingest/headers.ts';
import type { NormalizedExport } from '../ingest/normalizeFile.ts';
import type { MalformedRecord } from '../ingest/scanRecords.ts';
import { archiveFolderFor, canonicalRelativePath, originalRelativePath, writeMeta } from '../ingest/archive.ts';
import { writeCanonical } from './canonicalCopy.ts';
import type { PreparedCanonical } from './canonicalRecords.ts';
import { encryptFile } from './encryptFile.ts';

/**
 * Keeps a loaded export in the archive, inside the load's transaction: the canonical copy
 * (no personal data), its SHA-256 beside it, the original encrypted when there is a key, and
 * the ledger row saying where each is. Returns the files written, for removal if the load
 * then fails, so a failed load leaves nothing behind.
 */

export interface KeepInput {
  archiveDir: string;
  file: NormalizedExport;
  mapping: HeaderMapping;
  /** The staged copy of the original bytes. */
  stagedPath: string;
  /** Encrypts the original; null keeps no original (a verify's scratch load). */
  key: Buffer | null;
  now: Date;
  /** Every record the load could not split or DuckDB refused; found again when not given. */
  malformed?: MalformedRecord[];
  /** The canonical copy written while the export was read, if it was (canonicalRecords.ts). */
  prepared?: PreparedCanonical;
}

export async function keepExport(db: Db, input: KeepInput): Promise<string[]> {
  const { archiveDir, file } = input;
  const written: string[] = [];
  try {
    const canonical = archiveFolderFor(archiveDir, canonicalRelativePath(file.sha256));
    const canonicalSha = await writeCanonical(db, file, keptColumns(input.mapping), canonical, input.malformed, { prepared: input.prepared });
    written.push(canonical);
    writeMeta(archiveDir, { sha256: file.sha256, canonical_sha256: canonicalSha, dataset: input.mapping.dataset });
    written.push(join(archiveDir, canonicalRelativePath(file.sha256).replace(/\.csv$/, '.json')));
    let originalPath: string | null = null;
    if (input.key) {
      originalPath = originalRelativePath(file.sha256);
      encryptFile(input.stagedPath, archiveFolderFor(archiveDir, originalPath), input.key, file.sha256);
      written.push(join(archiveDir, originalPath));
    }
    await db.run('insert or replace into archived_files values ($1, $2, $3, $4, null, null)', [file.sha256, canonicalRelativePath(file.sha256), canonicalSha, originalPath]);
    return written;
  } catch (error) {
    removeWritten(written);
    throw error;
  }
}

export function removeWritten(paths: string[]): void {
  for (const path of paths) rmSync(path, { force: true });
}
