import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sha256File } from '../lib/hashing.ts';

/**
 * The archive keeps every loaded export unchanged, addressed by its SHA-256, so a
 * figure can be traced to the exact bytes it came from. Ingest reads the archived
 * copy, never the original, so the bytes hashed, loaded and kept are the same bytes.
 */

export interface ArchiveCopy {
  /** Where ingest reads from: a staged copy until `keep`, then the archived file. */
  path: string;
  sha256: string;
  /** Path relative to the archive root, as recorded in the ledger. */
  relativePath: string;
  /** Moves the staged copy to its content address (idempotent). */
  keep(): void;
  /** Removes the staged copy (the file was rejected). */
  discard(): void;
}

export function archivePathFor(archiveRoot: string, sha256: string): string {
  return join(archiveRoot, sha256.slice(0, 2), `${sha256}.csv`);
}

export function stageArchiveCopy(archiveRoot: string, source: string): ArchiveCopy {
  mkdirSync(join(archiveRoot, 'staging'), { recursive: true });
  const staged = join(archiveRoot, 'staging', `${process.pid}-${Date.now()}.csv`);
  copyFileSync(source, staged);
  const sha256 = sha256File(staged);
  const final = archivePathFor(archiveRoot, sha256);
  return {
    path: staged,
    sha256,
    relativePath: relative(archiveRoot, final),
    keep() {
      if (existsSync(final)) return rmSync(staged, { force: true });
      mkdirSync(join(archiveRoot, sha256.slice(0, 2)), { recursive: true });
      renameSync(staged, final);
    },
    discard() {
      rmSync(staged, { force: true });
    },
  };
}
